import { html, type SafeHtml } from '../../api/web/html';
import { formGuards } from '../../api/web/layout';
import type { WebContext } from '../../api/web/web-context';
import {
  certificateRequestSection,
  checkboxField,
  errorSummary,
  fieldId,
  IDENTITY_DOCUMENTS,
  NOTIFIER_KINDS,
  radioGroup,
  RELATIONSHIP_OPTIONS,
  selectField,
  textField,
} from '../../api/web/intake/form-controls';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import type { FormValues } from '../../api/web/intake/form-input';
import { relationshipsByPerson } from './form';
import { HOUSEHOLD_CHANGE_KIND_LABEL, HOUSEHOLD_CHANGE_KINDS } from './schema';

const DATE_HINT = '和暦・西暦どちらでも（例: 令和8年12月1日、R8.12.1、2026-12-01）。本日以前';

/** A member of the household as the form lists it (read from the registry, an audited inquiry). */
export interface HouseholdMemberRow {
  addresseeNumber: string;
  name: string;
  birthDate: string;
  relationshipToHead: string;
}

export interface PickedHouseholdForChange {
  householdNumber: string;
  headName: string;
  address: string;
  members: HouseholdMemberRow[];
}

const KIND_HELP: Record<string, string> = {
  headChange: '世帯主変更: 新しい世帯主に「世帯主」を、ほかの全員に新しい世帯主との続柄を選びます。',
  separation:
    '世帯分離: 同じ住所で新しい世帯をつくる方だけ続柄を選びます（1人を「世帯主」に）。残る方は空欄のままです。',
  merge:
    '世帯合併: この世帯の全員が、同じ住所の別の世帯に入ります。移る先の世帯番号と、移る先の世帯主との続柄を全員に選びます。',
  composition: '世帯構成変更: 一部の方が同じ住所の別の世帯に移ります。移る方だけ、移る先の世帯主との続柄を選びます。',
};

/** 世帯変更届 (standard spec 4.1.4): the household from the search, the kind, each member's new 続柄, the filing. */
export function householdChangeForm(
  ctx: WebContext,
  f: FormValues,
  requestId: string,
  errors: MappedErrors,
  picked: PickedHouseholdForChange,
): SafeHtml {
  const e = errors.byField;
  const options = RELATIONSHIP_OPTIONS;
  const chosen = relationshipsByPerson(f);
  return html`${errorSummary(errors.summary, e)}
  <form method="post" action="/intake/household-change" class="intake" id="intake-household-change" novalidate>
    ${formGuards(ctx, requestId)}
    <input type="hidden" name="householdNumber" value="${picked.householdNumber}">
    <p class="help">世帯変更届を見ながら入力してください。住所は変わりません（住所が変わる場合は転居届です）。受付すると仮登録になり、決裁の後に住民票の世帯・続柄を記載します。</p>
    <section class="panel" aria-labelledby="h-hh"><h2 id="h-hh">世帯</h2>
      <dl class="facts" id="picked-household"><dt>世帯番号</dt><dd class="mono">${picked.householdNumber}</dd>
      <dt>世帯主</dt><dd>${picked.headName}</dd><dt>住所</dt><dd>${picked.address}</dd></dl>
      <div class="grid-fields">
      ${radioGroup({ name: 'kind', legend: '届出の種類', value: f.kind, options: HOUSEHOLD_CHANGE_KINDS.map((k) => [k, HOUSEHOLD_CHANGE_KIND_LABEL[k]] as const), required: true }, e)}
      ${textField({ name: 'targetHouseholdNumber', label: '移る先の世帯番号（世帯合併・世帯構成変更）', value: f.targetHouseholdNumber, inputmode: 'numeric', maxlength: 9, size: 'narrow', hint: '同じ住所の世帯に限ります' }, e)}
      </div>
      <ul class="help">${HOUSEHOLD_CHANGE_KINDS.map((k) => html`<li>${KIND_HELP[k]}</li>`)}</ul>
    </section>
    <section class="panel" aria-labelledby="h-members"><h2 id="h-members">世帯員と新しい続柄</h2>
      ${e.persons ? html`<p class="field-error" id="f-persons-e">${e.persons}</p>` : ''}
      <table class="grid" id="members"><thead><tr><th scope="col">氏名</th><th scope="col">生年月日</th><th scope="col">現在の続柄</th><th scope="col">新しい続柄</th></tr></thead><tbody>
      ${picked.members.map((m, i) => {
        const k = `p${i}.relationshipToHead`;
        const err = e[k] ?? e[`p${i}.addresseeNumber`];
        return html`<tr${err ? html` class="has-error"` : ''}><td><input type="hidden" name="p${i}.addresseeNumber" value="${m.addresseeNumber}">${m.name}</td><td>${m.birthDate}</td><td>${m.relationshipToHead}</td>
        <td><select name="${k}" id="${fieldId(k)}" aria-label="${m.name}さんの新しい続柄"${err ? html` aria-invalid="true" aria-describedby="${fieldId(k)}-e"` : ''}><option value="">（変更しない・対象外）</option>${options.map(([v, l]) => html`<option value="${v}"${v === chosen.get(m.addresseeNumber) ? html` selected` : ''}>${l}</option>`)}</select>${err ? html`<p class="field-error" id="${fieldId(k)}-e">${err}</p>` : ''}</td></tr>`;
      })}</tbody></table>
    </section>
    <section class="panel" aria-labelledby="h-who"><h2 id="h-who">届出</h2><div class="grid-fields">
      ${textField({ name: 'changeDate', label: '異動日', value: f.changeDate, required: true, hint: DATE_HINT, maxlength: 20 }, e)}
      ${textField({ name: 'notificationDate', label: '届出日', value: f.notificationDate, hint: '空欄は本日', maxlength: 20 }, e)}
      ${radioGroup({ name: 'notifierKind', legend: '届出人（窓口に来た方）', value: f.notifierKind, options: NOTIFIER_KINDS, required: true }, e)}
      ${checkboxField({ name: 'powerOfAttorney', label: '委任状を確認した（代理人の場合）', checked: f.powerOfAttorney === '1' }, e)}
      ${selectField({ name: 'identityDocument', label: '本人確認書類', value: f.identityDocument, options: IDENTITY_DOCUMENTS, required: true, empty: '選択してください' }, e)}
    </div></section>
    ${certificateRequestSection(f, e, '世帯・続柄の記載の直後に交付します。')}
    <div class="form-actions"><button type="submit" name="op" value="submit" class="btn-primary">受付する（仮登録）</button> <a href="/intake">取りやめる</a></div>
  </form>`;
}
