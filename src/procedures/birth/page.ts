import { html, type SafeHtml } from '../../api/web/html';
import { formGuards } from '../../api/web/layout';
import type { WebContext } from '../../api/web/web-context';
import { pendingCasesBadge } from '../../api/web/pages/search-page';
import type { PendingCase } from '../../api/web/queries/pending-cases-query';
import {
  certificateRequestSection,
  checkboxField,
  errorSummary,
  IDENTITY_DOCUMENTS,
  NOTIFIER_KINDS,
  radioGroup,
  selectField,
  SEX_OPTIONS,
  textField,
} from '../../api/web/intake/form-controls';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import type { FormValues } from '../../api/web/intake/form-input';

const DATE_HINT = '和暦・西暦どちらでも（例: 令和8年12月1日、R8.12.1、2026-12-01）';

/** 続柄 of a new-born (domain spec §3.2: 子 for every child). */
export const BIRTH_RELATIONSHIPS: ReadonlyArray<readonly [string, string]> = [
  ['子', '子'],
  ['子の子', '子の子（孫）'],
  ['世帯主', '世帯主（新世帯）'],
];

/** The household picked from the search (its 世帯主 and address, shown so the clerk compares them with the 出生届). */
export interface PickedHousehold {
  householdNumber: string;
  headName: string;
  address: string;
  registeredDomicile?: string;
  familyRegisterHead?: string;
  /** The parent's and the 世帯主's pending cases (issue 14 bug 1). */
  pending?: Array<{ name: string; cases: PendingCase[] }>;
}

export function birthForm(
  ctx: WebContext,
  f: FormValues,
  requestId: string,
  errors: MappedErrors,
  picked?: PickedHousehold,
): SafeHtml {
  const e = errors.byField;
  const mode = f.householdMode ?? 'join';
  return html`${errorSummary(errors.summary, e)}
  ${
    picked?.pending?.length
      ? html`<div class="notice" role="status" id="pending-cases-notice"><p>この世帯の方に処理中の案件があります。内容を確認してから受け付けてください。</p><ul>${picked.pending.map((p) => html`<li>${p.name}：${pendingCasesBadge(ctx, p.cases)}</li>`)}</ul></div>`
      : ''
  }
  <form method="post" action="/intake/birth" class="intake" id="intake-birth" novalidate>
    ${formGuards(ctx, requestId)}
    <p class="help">戸籍の届書（出生届）を見ながら入力してください。受付すると仮登録になり、決裁者の確認（決裁）の後に住民票へ記載し、住民票コードを付番して個人番号の生成を J-LIS に依頼します。<span class="req">（必須）</span>の項目は必ず入力します。</p>
    <section class="panel" aria-labelledby="h-child"><h2 id="h-child">出生子</h2><div class="grid-fields">
      ${textField({ name: 'familyName', label: '氏', value: f.familyName, required: true, maxlength: 50 }, e)}
      ${textField({ name: 'givenName', label: '名', value: f.givenName, required: true, maxlength: 50 }, e)}
      ${textField({ name: 'familyNameKana', label: '氏（フリガナ）', value: f.familyNameKana, required: true, maxlength: 100 }, e)}
      ${textField({ name: 'givenNameKana', label: '名（フリガナ）', value: f.givenNameKana, required: true, maxlength: 100 }, e)}
      ${textField({ name: 'birthDate', label: '出生の年月日', value: f.birthDate, required: true, hint: `${DATE_HINT}。本日以前`, maxlength: 20 }, e)}
      ${textField({ name: 'birthTime', label: '出生の時刻', value: f.birthTime, hint: '例: 14:05、午後2時5分', maxlength: 12, size: 'narrow' }, e)}
      ${selectField({ name: 'sex', label: '性別', value: f.sex, options: SEX_OPTIONS, required: true, empty: '選択してください' }, e)}
      ${selectField({ name: 'relationshipToHead', label: '世帯主との続柄', value: f.relationshipToHead ?? '子', options: BIRTH_RELATIONSHIPS, required: true }, e)}
      ${checkboxField({ name: 'foreign', label: '外国人の子（戸籍なし。在留は出生による経過滞在者・60日）', checked: f.foreign === '1' }, e)}
      ${textField({ name: 'nationalityRegion', label: '国籍・地域', value: f.nationalityRegion, maxlength: 60, hint: '外国人の子の場合のみ' }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-hh"><h2 id="h-hh">世帯</h2>
      ${
        picked
          ? html`<dl class="facts" id="picked-household"><dt>世帯番号</dt><dd class="mono">${picked.householdNumber}</dd>
          <dt>世帯主</dt><dd>${picked.headName}</dd><dt>住所</dt><dd>${picked.address}</dd>
          <dt>本籍・筆頭者</dt><dd>${picked.registeredDomicile ? `${picked.registeredDomicile}　${picked.familyRegisterHead ?? ''}` : '—（外国人世帯など）'}</dd></dl>
          <p class="help">住所・世帯主・本籍・筆頭者はこの世帯から写します（入力はしません）。</p>`
          : html`<p class="help">入る世帯は<a href="/search">住民検索</a>で父母を探し、「出生届を作成」から開くと世帯番号が入ります。</p>`
      }
      <div class="grid-fields">
      ${radioGroup(
        {
          name: 'householdMode',
          legend: '世帯の指定',
          value: mode,
          options: [
            ['join', '既存の世帯に入る（続柄「子」）'],
            ['new', '出生子だけの新しい世帯をつくる（続柄「世帯主」）'],
          ],
          required: true,
        },
        e,
      )}
      ${textField({ name: 'householdNumber', label: '入る世帯の世帯番号（7桁）', value: f.householdNumber ?? picked?.householdNumber, inputmode: 'numeric', maxlength: 9, size: 'narrow' }, e)}
      ${textField({ name: 'address', label: '住所（新しい世帯の場合）', value: f.address, maxlength: 200, size: 'wide' }, e)}
      ${textField({ name: 'addressSupplement', label: '方書', value: f.addressSupplement, maxlength: 100 }, e)}
      ${textField({ name: 'postalCode', label: '郵便番号', value: f.postalCode, inputmode: 'numeric', maxlength: 10, size: 'narrow' }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-who"><h2 id="h-who">届出</h2><div class="grid-fields">
      ${textField({ name: 'notificationDate', label: '届出日', value: f.notificationDate, hint: '空欄は本日。出生の日から14日を過ぎた届出は「届出期間経過」として決裁者に示します', maxlength: 20 }, e)}
      ${radioGroup({ name: 'notifierKind', legend: '届出人（窓口に来た方）', value: f.notifierKind, options: NOTIFIER_KINDS, required: true }, e)}
      ${checkboxField({ name: 'powerOfAttorney', label: '委任状を確認した（代理人の場合）', checked: f.powerOfAttorney === '1' }, e)}
      ${selectField({ name: 'identityDocument', label: '本人確認書類', value: f.identityDocument, options: IDENTITY_DOCUMENTS, required: true, empty: '選択してください' }, e)}
    </div></section>
    ${certificateRequestSection(f, e, '個人番号の記録の後に交付します。個人番号は本人（法定代理人）または同一世帯の方の請求に限ります。')}
    <div class="form-actions"><button type="submit" name="op" value="submit" class="btn-primary">受付する（仮登録）</button> <a href="/intake">取りやめる</a></div>
  </form>`;
}
