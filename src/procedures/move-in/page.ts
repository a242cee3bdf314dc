import { html, type SafeHtml } from '../../api/web/html';
import { formGuards } from '../../api/web/layout';
import type { WebContext } from '../../api/web/web-context';
import {
  certificateRequestSection,
  checkboxField,
  errorSummary,
  IDENTITY_DOCUMENTS,
  individualNumberField,
  NOTIFIER_KINDS,
  radioGroup,
  RELATIONSHIP_OPTIONS,
  selectField,
  SEX_OPTIONS,
  textField,
  type Errors,
} from '../../api/web/intake/form-controls';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import type { FormValues } from '../../api/web/intake/form-input';
import { ForeignResidentCategory } from '../../domain/registry-values';
import { MAX_MOVERS, moverKey } from './form';

const FOREIGN_RESIDENT_CATEGORIES = Object.values(ForeignResidentCategory).map((c) => [c, c] as const);

const DATE_HINT = '和暦・西暦どちらでも（例: 昭和60年6月15日、S60.6.15、1985-06-15）';
const BIRTH_HINT = `${DATE_HINT}。一部不詳は 昭和20年8月・昭和20年・不詳`;

/**
 * One mover row (`m{i}.…`). The 個人番号 is never written into the page: a correct one is kept as a sealed token
 * (`individualNumberField`), one with an error is re-entered.
 */
export function moverRow(i: number, f: FormValues, errors: Errors, rows: number): SafeHtml {
  const k = (n: string) => moverKey(i, n);
  const rowError = errors[`m${i}`];
  return html`<fieldset class="mover" id="f-m${i}" data-row="${i}"><legend>転入者 <span class="row-no">${i + 1}</span></legend>
    ${rowError ? html`<p class="field-error" id="f-m${i}-e">${rowError}</p>` : ''}
    <div class="grid-fields">
      ${textField({ name: k('familyName'), label: '氏', value: f[k('familyName')], required: true, maxlength: 50 }, errors)}
      ${textField({ name: k('givenName'), label: '名', value: f[k('givenName')], required: true, maxlength: 50 }, errors)}
      ${textField({ name: k('familyNameKana'), label: '氏（フリガナ）', value: f[k('familyNameKana')], required: true, maxlength: 100 }, errors)}
      ${textField({ name: k('givenNameKana'), label: '名（フリガナ）', value: f[k('givenNameKana')], required: true, maxlength: 100 }, errors)}
      ${textField({ name: k('birthDate'), label: '生年月日', value: f[k('birthDate')], required: true, hint: BIRTH_HINT, maxlength: 20 }, errors)}
      ${selectField({ name: k('sex'), label: '性別', value: f[k('sex')], options: SEX_OPTIONS, required: true, empty: '選択してください' }, errors)}
      ${selectField({ name: k('relationshipToHead'), label: '続柄', value: f[k('relationshipToHead')], options: RELATIONSHIP_OPTIONS, required: true, empty: '選択してください' }, errors)}
      ${textField({ name: k('residentRecordCode'), label: '住民票コード（11桁）', value: f[k('residentRecordCode')], required: true, inputmode: 'numeric', maxlength: 15, hint: '国外からの転入で住民票コードのない方は空欄（住民票コードを払い出します）' }, errors)}
      ${individualNumberField({ name: k('individualNumber'), required: true, hint: '転出証明書または個人番号カードから。国外からの転入で個人番号のない方は空欄（機構に生成を求めます）' }, f, errors)}
      ${textField({ name: k('registeredDomicile'), label: '本籍', value: f[k('registeredDomicile')], maxlength: 200, size: 'wide' }, errors)}
      ${textField({ name: k('familyRegisterHead'), label: '筆頭者', value: f[k('familyRegisterHead')], maxlength: 100 }, errors)}
      ${textField({ name: k('domicileMunicipalityCode'), label: '本籍地の市区町村コード', value: f[k('domicileMunicipalityCode')], inputmode: 'numeric', maxlength: 8, hint: '6桁（5桁でも可）。附票記載事項通知の送付先です', size: 'narrow' }, errors)}
      ${checkboxField({ name: k('cardPresented'), label: '個人番号カードの提示あり', checked: f[k('cardPresented')] === '1' }, errors)}
      ${checkboxField({ name: k('foreignResident'), label: '外国人住民（在留カード等の記載を入力）', checked: f[k('foreignResident')] === '1' }, errors)}
    </div>
    <fieldset class="foreign-items"><legend>外国人住民の記載事項（在留カード・特別永住者証明書から）</legend><div class="grid-fields">
      ${selectField({ name: k('foreignResidentCategory'), label: '第30条の45に規定する区分', value: f[k('foreignResidentCategory')], options: FOREIGN_RESIDENT_CATEGORIES, required: true, empty: '選択してください' }, errors)}
      ${textField({ name: k('nationalityRegion'), label: '国籍・地域', value: f[k('nationalityRegion')], required: true, maxlength: 100 }, errors)}
      ${textField({ name: k('statusOfResidence'), label: '在留資格', value: f[k('statusOfResidence')], maxlength: 100, hint: '中長期在留者は必須' }, errors)}
      ${textField({ name: k('periodOfStay'), label: '在留期間', value: f[k('periodOfStay')], maxlength: 40, placeholder: '3年', size: 'narrow' }, errors)}
      ${textField({ name: k('periodOfStayExpiry'), label: '在留期間の満了の日', value: f[k('periodOfStayExpiry')], maxlength: 20, hint: '転入日より後の日付（西暦で表示します）' }, errors)}
      ${textField({ name: k('residenceCardNumber'), label: '在留カード等の番号', value: f[k('residenceCardNumber')], maxlength: 14, placeholder: 'AB12345678CD', hint: '英字2桁・数字8桁・英字2桁（中長期在留者・特別永住者は必須）' }, errors)}
      ${textField({ name: k('alphabetName'), label: '氏名（アルファベット）', value: f[k('alphabetName')], maxlength: 200, size: 'wide' }, errors)}
      ${textField({ name: k('alias'), label: '通称', value: f[k('alias')], maxlength: 100 }, errors)}
    </div></fieldset>
    <button type="submit" name="op" value="remove-${i}" class="btn-small row-remove"${rows <= 1 ? html` disabled` : ''} formnovalidate>この転入者を削除</button>
  </fieldset>`;
}

export function moveInForm(
  ctx: WebContext,
  f: FormValues,
  rows: number,
  requestId: string,
  errors: MappedErrors,
): SafeHtml {
  const e = errors.byField;
  const movers = Array.from({ length: rows }, (_, i) => moverRow(i, f, e, rows));
  return html`${errorSummary(errors.summary, e)}
  <form method="post" action="/intake/move-in" class="intake" id="intake-move-in" novalidate data-rows-prefix="m" data-max-rows="${MAX_MOVERS}">
    <button type="submit" name="op" value="submit" class="sr-only" tabindex="-1" aria-hidden="true">受付する</button>
    ${formGuards(ctx, requestId)}<input type="hidden" name="rows" value="${rows}">
    <p class="help">転出証明書と届書を見ながら入力してください。受付すると仮登録になり、決裁者の確認（決裁）の後に住民票へ記載されます。<span class="req">（必須）</span>の項目は必ず入力します。</p>
    <section class="panel" aria-labelledby="h-movers"><h2 id="h-movers">転入者（転出証明書の記載）</h2>
      ${e.movers ? html`<p class="field-error" id="f-movers-e">${e.movers}</p>` : ''}
      <div class="mover-rows" id="f-movers">${movers}</div>
      <button type="submit" name="op" value="add" class="row-add"${rows >= MAX_MOVERS ? html` disabled` : ''} formnovalidate>＋ 転入者を追加</button>
    </section>
    <section class="panel" aria-labelledby="h-addr"><h2 id="h-addr">新しい住所と転入日</h2><div class="grid-fields">
      ${textField({ name: 'address', label: '住所', value: f.address, required: true, maxlength: 200, size: 'wide', placeholder: '東京都さくら市桜ケ丘二丁目3番14号' }, e)}
      ${textField({ name: 'addressSupplement', label: '方書', value: f.addressSupplement, maxlength: 100, placeholder: 'さくらハイツ203号室' }, e)}
      ${textField({ name: 'postalCode', label: '郵便番号', value: f.postalCode, inputmode: 'numeric', maxlength: 10, size: 'narrow' }, e)}
      ${textField({ name: 'moveInDate', label: '転入日（住み始めた日）', value: f.moveInDate, required: true, hint: '本日以前の日付', maxlength: 20 }, e)}
      ${textField({ name: 'notificationDate', label: '届出日', value: f.notificationDate, hint: '空欄は本日', maxlength: 20 }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-prev"><h2 id="h-prev">前住所（転出証明書の発行地）</h2><div class="grid-fields">
      ${textField({ name: 'previousAddress', label: '前住所', value: f.previousAddress, required: true, maxlength: 200, size: 'wide' }, e)}
      ${textField({ name: 'previousMunicipalityCode', label: '前住所の市区町村コード', value: f.previousMunicipalityCode, inputmode: 'numeric', maxlength: 8, hint: '6桁（検査数字を除く5桁でも可）。転入通知の送付先です', size: 'narrow' }, e)}
      ${textField({ name: 'certIssueDate', label: '転出証明書の発行日', value: f.certIssueDate, maxlength: 20 }, e)}
      ${checkboxField({ name: 'fromAbroad', label: '国外からの転入（転出証明書なし）', checked: f.fromAbroad === '1' }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-hh"><h2 id="h-hh">世帯</h2><div class="grid-fields">
      ${radioGroup(
        {
          name: 'householdMode',
          legend: '世帯の指定',
          value: f.householdMode ?? 'new',
          options: [
            ['new', '新しい世帯をつくる（世帯主を1人含める）'],
            ['join', '既存の世帯に入る'],
          ],
          required: true,
        },
        e,
      )}
      ${textField({ name: 'householdNumber', label: '入る世帯の世帯番号（7桁）', value: f.householdNumber, inputmode: 'numeric', maxlength: 9, size: 'narrow', hint: '既存の世帯に入る場合のみ' }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-who"><h2 id="h-who">届出人と本人確認</h2><div class="grid-fields">
      ${radioGroup({ name: 'notifierKind', legend: '届出人', value: f.notifierKind, options: NOTIFIER_KINDS, required: true }, e)}
      ${checkboxField({ name: 'powerOfAttorney', label: '委任状を確認した（代理人の場合）', checked: f.powerOfAttorney === '1' }, e)}
      ${selectField({ name: 'identityDocument', label: '本人確認書類', value: f.identityDocument, options: IDENTITY_DOCUMENTS, required: true, empty: '選択してください' }, e)}
    </div></section>
    ${certificateRequestSection(f, e, '本登録の後に交付します。請求のない項目は省略されます。個人番号は本人または同一世帯の方の請求に限ります。')}
    <div class="form-actions"><button type="submit" name="op" value="submit" class="btn-primary">受付する（仮登録）</button> <a href="/intake">取りやめる</a></div>
  </form>`;
}
