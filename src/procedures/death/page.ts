import { html, type SafeHtml } from '../../api/web/html';
import { formGuards } from '../../api/web/layout';
import type { WebContext } from '../../api/web/web-context';
import { errorSummary, fieldId, RELATIONSHIP_OPTIONS, textField } from '../../api/web/intake/form-controls';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import type { FormValues } from '../../api/web/intake/form-input';
import { remainingRelationships } from './form';

const DATE_HINT = '和暦・西暦どちらでも。一部不詳は 令和8年12月・令和8年・不詳';

/** The deceased as the form shows them (from the registry, an audited inquiry), and the members who remain. */
export interface DeceasedPicked {
  addresseeNumber: string;
  name: string;
  birthDate: string;
  address: string;
  householdNumber: string;
  relationshipToHead: string;
  /** Members who remain in the household (only when the deceased is its 世帯主). */
  remaining: Array<{ addresseeNumber: string; name: string; relationshipToHead: string }>;
}

/** 死亡 (standard spec 4.2.2): the deceased from the search, the 死亡届 data from the 戸籍 side, the new 世帯主. */
export function deathForm(
  ctx: WebContext,
  f: FormValues,
  requestId: string,
  errors: MappedErrors,
  d: DeceasedPicked,
): SafeHtml {
  const e = errors.byField;
  const only = d.remaining.length === 1 ? d.remaining[0] : undefined;
  const options = RELATIONSHIP_OPTIONS.filter(([v]) => v !== '世帯主');
  const chosen = remainingRelationships(f);
  return html`${errorSummary(errors.summary, e)}
  <form method="post" action="/intake/death" class="intake" id="intake-death" novalidate>
    ${formGuards(ctx, requestId)}
    <input type="hidden" name="addresseeNumber" value="${d.addresseeNumber}">
    <p class="help">戸籍の担当で受理した死亡届の内容を入力します。決裁の後、この方の住民票を除票（消除事由 死亡）にし、住基ネットへ本人確認情報を送り、個人番号カードがあれば廃止します。</p>
    <section class="panel" aria-labelledby="h-deceased"><h2 id="h-deceased">亡くなった方</h2>
      <dl class="facts" id="picked-deceased"><dt>氏名</dt><dd>${d.name}</dd><dt>生年月日</dt><dd>${d.birthDate}</dd>
      <dt>住所</dt><dd>${d.address}</dd><dt>世帯番号・続柄</dt><dd><span class="mono">${d.householdNumber}</span>　${d.relationshipToHead}</dd></dl>
      <div class="grid-fields">
      ${textField({ name: 'deathDate', label: '死亡年月日', value: f.deathDate, required: true, hint: DATE_HINT, maxlength: 20 }, e)}
      ${textField({ name: 'deathTime', label: '死亡の時刻', value: f.deathTime, hint: '例: 14:05、午後2時5分。不明は空欄', maxlength: 12, size: 'narrow' }, e)}
      ${textField({ name: 'deathPlace', label: '死亡地', value: f.deathPlace, required: true, maxlength: 200, size: 'wide' }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-koseki"><h2 id="h-koseki">死亡届（戸籍の担当が受理）</h2><div class="grid-fields">
      ${textField({ name: 'receivedDate', label: '届出の受理日', value: f.receivedDate, required: true, hint: '本日以前', maxlength: 20 }, e)}
      ${textField({ name: 'notifierName', label: '届出人の氏名', value: f.notifierName, required: true, maxlength: 100 }, e)}
      ${textField({ name: 'notifierCapacity', label: '届出人の資格', value: f.notifierCapacity, hint: '例: 同居の親族、その他の親族、家主', maxlength: 40 }, e)}
    </div></section>
    ${
      d.remaining.length
        ? html`<section class="panel" aria-labelledby="h-head"><h2 id="h-head">世帯主変更</h2>
      ${e.newHead ? html`<p class="field-error" id="f-newHead-e">${e.newHead}</p>` : ''}
      ${
        only
          ? html`<p class="help" id="head-ex-officio">世帯に残る方は ${only.name} さんだけのため、職権で世帯主になります（世帯主変更通知書を作成します）。</p>`
          : html`<p class="help">亡くなった方は世帯主です。新しい世帯主と、ほかの方の新しい世帯主との続柄を選んでください。</p>
      <table class="grid" id="remaining"><thead><tr><th scope="col">新しい世帯主</th><th scope="col">氏名</th><th scope="col">現在の続柄</th><th scope="col">新しい続柄</th></tr></thead><tbody>
      ${d.remaining.map((m, i) => {
        const k = `h${i}.relationshipToHead`;
        return html`<tr><td><input type="hidden" name="h${i}.addresseeNumber" value="${m.addresseeNumber}"><input type="radio" name="newHead" value="${m.addresseeNumber}" id="${fieldId(`newHead.${m.addresseeNumber}`)}" aria-label="${m.name}さんを世帯主にする"${f.newHead === m.addresseeNumber ? html` checked` : ''}></td>
        <td>${m.name}</td><td>${m.relationshipToHead}</td>
        <td><select name="${k}" id="${fieldId(k)}" aria-label="${m.name}さんの新しい続柄"><option value="">（新しい世帯主は空欄）</option>${options.map(([v, l]) => html`<option value="${v}"${v === chosen.get(m.addresseeNumber) ? html` selected` : ''}>${l}</option>`)}</select></td></tr>`;
      })}</tbody></table>`
      }</section>`
        : ''
    }
    <div class="form-actions"><button type="submit" name="op" value="submit" class="btn-primary">受付する（仮登録）</button> <a href="/intake">取りやめる</a></div>
  </form>`;
}
