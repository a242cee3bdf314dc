import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response, Router } from 'express';
import { ResidentStatus } from '../../domain/registry-values';
import { Resident } from '../../db/entities';
import { setFlash } from '../../api/web/flash';
import { wareki } from '../../api/web/format';
import { html, type SafeHtml } from '../../api/web/html';
import { residentStatusLabel, sexText } from '../../api/web/labels';
import { formGuards, page } from '../../api/web/layout';
import { auditInquiry } from '../../api/web/queries/case-registry';
import { webOf, type WebContext } from '../../api/web/web-context';
import type { MappedErrors } from '../../api/web/intake/field-errors';
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
import { checked, formValues, type FormValues } from '../../api/web/intake/form-input';
import { postedForm } from '../../api/web/intake/correction';
import { householdOf, installHouseholdFormEntry } from '../../api/web/intake/household-form';
import { formRequestId, intakeDoneText, submitIntake } from '../../api/web/intake/intake-submit';
import type { WebDeps } from '../../api/web/web-deps';
import { MAX_MEMBERS, moveWithinBody, moveWithinErrorMapping, rowValues, toRowPointers } from './form';

const NO_ERRORS: MappedErrors = { byField: {}, summary: [] };
const RELATIONSHIPS = RELATIONSHIP_OPTIONS.filter(([v]) => v !== '世帯主');

const relationshipSelect = (name: string, label: string, f: FormValues, empty: string) =>
  html`<select name="${name}" id="${fieldId(name)}" aria-label="${label}"><option value="">${empty}</option>${RELATIONSHIPS.map(([v, l]) => html`<option value="${v}"${f[name] === v ? html` selected` : ''}>${l}</option>`)}</select>`;

function membersTable(members: Resident[], f: FormValues, e: Record<string, string>): SafeHtml {
  return html`<table class="grid" id="f-movers"><thead><tr><th scope="col">転居</th><th scope="col">宛名番号</th><th scope="col">氏名</th><th scope="col">生年月日</th><th scope="col">性別</th><th scope="col">現在の続柄</th><th scope="col">カード提示</th><th scope="col">新しい世帯の世帯主</th><th scope="col">転居先での続柄</th><th scope="col">状態</th></tr></thead><tbody>
  ${members.map((m, i) => {
    const k = (n: string) => `p${i}.${n}`;
    const selectable = m.status === ResidentStatus.RESIDENT;
    const name = `${m.familyName}　${m.givenName}`;
    const err = e[`p${i}`] ?? e[k('relationship')];
    return html`<tr${err ? html` class="row-alert"` : ''}><td><input type="hidden" name="${k('addresseeNumber')}" value="${m.addresseeNumber}">
      <input type="hidden" name="${k('familyName')}" value="${m.familyName}"><input type="hidden" name="${k('givenName')}" value="${m.givenName}">
      <input type="hidden" name="${k('birthDate')}" value="${m.birthDate}"><input type="hidden" name="${k('sex')}" value="${m.sex}">
      <input type="checkbox" id="${fieldId(k('selected'))}" name="${k('selected')}" value="1" aria-label="${name}さんが転居"${checked(f, k('selected')) && selectable ? html` checked` : ''}${selectable ? '' : html` disabled`}${err ? html` aria-describedby="f-p${i}-e"` : ''}></td>
      <td class="mono">${m.addresseeNumber}</td><td><label for="${fieldId(k('selected'))}">${name}</label>${err ? html`<p class="field-error" id="f-p${i}-e">${err}</p>` : ''}</td>
      <td>${wareki(m.birthDate, { seireki: m.isForeignResident })}</td><td>${sexText(m.sex)}</td><td>${m.relationshipToHead}</td>
      <td><input type="checkbox" id="${fieldId(k('card'))}" name="${k('card')}" value="1" aria-label="${name}さんが個人番号カードを提示"${checked(f, k('card')) ? html` checked` : ''}></td>
      <td><input type="radio" name="newHead" value="${m.addresseeNumber}" id="${fieldId(`newHead.${m.addresseeNumber}`)}" aria-label="${name}さんを新しい世帯の世帯主にする"${f.newHead === m.addresseeNumber ? html` checked` : ''}></td>
      <td>${relationshipSelect(k('relationship'), `${name}さんの転居先での続柄`, f, '（世帯全員・新しい世帯主は空欄）')}</td>
      <td>${residentStatusLabel[m.status] ?? m.status}</td></tr>`;
  })}</tbody></table>`;
}

/**
 * The remaining household when its 世帯主 moves (domain spec §3.2): one member staying becomes 世帯主 ex officio (no
 * choice); two or more need a 世帯主変更 — named here, it is recorded as its own 異動 after the 転居.
 */
function remainingSection(members: Resident[], f: FormValues, e: Record<string, string>): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-remaining"><h2 id="h-remaining">元の世帯に残る方（世帯主が転居する場合）</h2>
      <p class="help">世帯主が転居して1人が残るときは、その方が職権で世帯主になります（世帯主変更通知書を作成）。2人以上が残るときは世帯主変更が必要です。届書に記載があれば、新しい世帯主と、ほかの残る方の続柄をここで選んでください（転居とは別の異動として記録します）。</p>
      <fieldset id="${fieldId('remainingHead')}" class="radios${e.remainingHead ? ' has-error' : ''}"${e.remainingHead ? html` aria-describedby="f-remainingHead-e"` : ''}><legend>残る世帯の世帯主と続柄</legend>
      <table class="grid"><thead><tr><th scope="col">残る世帯の世帯主</th><th scope="col">氏名</th><th scope="col">現在の続柄</th><th scope="col">新しい続柄</th></tr></thead><tbody>
      ${members.map((m, i) => {
        const name = `${m.familyName}　${m.givenName}`;
        return html`<tr><td><input type="radio" name="remainingHead" value="${m.addresseeNumber}" id="${fieldId(`remainingHead.${m.addresseeNumber}`)}" aria-label="${name}さんを残る世帯の世帯主にする"${f.remainingHead === m.addresseeNumber ? html` checked` : ''}></td>
        <td>${name}</td><td>${m.relationshipToHead}</td>
        <td>${relationshipSelect(`p${i}.remainingRelationship`, `${name}さんの残る世帯での続柄`, f, '（新しい世帯主・転居する方は空欄）')}</td></tr>`;
      })}</tbody></table>${e.remainingHead ? html`<p class="field-error" id="f-remainingHead-e">${e.remainingHead}</p>` : ''}</fieldset></section>`;
}

function moveWithinForm(
  ctx: WebContext,
  from: string,
  members: Resident[],
  f: FormValues,
  requestId: string,
  errors: MappedErrors,
): SafeHtml {
  const e = errors.byField;
  const current = members[0];
  return html`${errorSummary(errors.summary, e)}
  <form method="post" action="/intake/move-within" class="intake" id="intake-move-within" novalidate>
    ${formGuards(ctx, requestId)}<input type="hidden" name="from" value="${from}">
    <section class="panel" aria-labelledby="h-mv"><h2 id="h-mv">転居する方（世帯番号 ${current?.householdNumber ?? ''}）</h2>
      <p class="help">現住所: ${current ? `${current.address}${current.addressSupplement ? `　${current.addressSupplement}` : ''}` : ''}。住民票の記載（宛名番号と4情報）を届書と照合し、転居する方にチェックを入れてください。個人番号カードを提示した方は「カード提示」にチェックを入れます（券面に新住所を追記し、署名用電子証明書は再発行が必要です）。</p>
      ${e.movers ? html`<p class="field-error" id="f-movers-e">${e.movers}</p>` : ''}${membersTable(members, f, e)}</section>
    <section class="panel" aria-labelledby="h-hh"><h2 id="h-hh">転居後の世帯</h2><div class="grid-fields">
      ${radioGroup(
        {
          name: 'householdMode',
          legend: '転居後の世帯',
          value: f.householdMode ?? 'whole',
          options: [
            ['whole', '世帯全員が転居する（世帯はそのまま）'],
            ['new', '一部の方が転居し、新しい世帯をつくる（上の表で世帯主と続柄を選ぶ）'],
            ['join', '一部または全員が転居し、転居先の既存の世帯に入る（世帯番号と続柄を入力）'],
          ],
          required: true,
        },
        e,
      )}
      ${e.newHead ? html`<p class="field-error" id="f-newHead-e">${e.newHead}</p>` : ''}
      ${textField({ name: 'joinHousehold', label: '転居先の世帯の世帯番号', value: f.joinHousehold, inputmode: 'numeric', maxlength: 7, size: 'narrow', hint: '既存の世帯に入る場合のみ（住民検索で確認）' }, e)}
    </div></section>
    ${members.some((m) => m.relationshipToHead === '世帯主') && members.length > 2 ? remainingSection(members, f, e) : ''}
    <section class="panel" aria-labelledby="h-addr"><h2 id="h-addr">新しい住所と転居日</h2><div class="grid-fields">
      ${textField({ name: 'postalCode', label: '郵便番号', value: f.postalCode, inputmode: 'numeric', maxlength: 8, size: 'narrow', hint: '例: 206-0012' }, e)}
      ${textField({ name: 'address', label: '新しい住所', value: f.address, required: true, maxlength: 200, size: 'wide', hint: '同じ地番の別の建物への転居も転居です（方書で区別）' }, e)}
      ${textField({ name: 'addressSupplement', label: '方書', value: f.addressSupplement, maxlength: 100, size: 'wide', hint: '建物名・部屋番号など' }, e)}
      ${textField({ name: 'moveDate', label: '転居日（異動日）', value: f.moveDate, required: true, hint: '和暦・西暦どちらでも。本日以前', maxlength: 20 }, e)}
      ${textField({ name: 'notificationDate', label: '届出日', value: f.notificationDate, hint: '空欄は本日', maxlength: 20 }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-who"><h2 id="h-who">届出人と本人確認</h2><div class="grid-fields">
      ${radioGroup({ name: 'notifierKind', legend: '届出人', value: f.notifierKind, options: NOTIFIER_KINDS, required: true }, e)}
      ${checkboxField({ name: 'powerOfAttorney', label: '委任状を確認した（代理人の場合）', checked: f.powerOfAttorney === '1' }, e)}
      ${selectField({ name: 'identityDocument', label: '本人確認書類', value: f.identityDocument, options: IDENTITY_DOCUMENTS, required: true, empty: '選択してください' }, e)}
    </div></section>
    ${certificateRequestSection(f, e, '転居する方の新しい住所の住民票の写しを、本登録の直後に作成します。')}
    <div class="form-actions"><button type="submit" class="btn-primary">受付する（仮登録）</button> <a href="/search">住民検索へ戻る</a></div>
  </form>`;
}

/** 転居届: started from a search result or a resident record (POST, the 宛名番号 never in a URL). */
export function installMoveWithinRoutes(r: Router, deps: WebDeps, session: RequestHandler, gate: RequestHandler) {
  const render = async (
    res: Response,
    from: string,
    f: FormValues,
    requestId: string,
    errors: MappedErrors,
    status = 200,
  ) => {
    const ctx = webOf(res);
    const members = await householdOf(deps.orm, from, MAX_MEMBERS);
    const em = deps.orm.em.fork();
    for (const m of members)
      auditInquiry(em, ctx.staff, undefined, m.addresseeNumber, 'POST /intake/move-within (世帯)');
    await em.flush();
    res
      .status(status)
      .type('html')
      .send(
        page({
          title: '転居届の受付',
          ctx,
          municipalityName: deps.config.municipalityName,
          body: moveWithinForm(ctx, from, members, f, requestId, errors),
        }),
      );
  };
  const { fromOf } = installHouseholdFormEntry(r, deps, session, gate, {
    path: 'move-within',
    missing: '転居する方が指定されていません。',
    maxMembers: MAX_MEMBERS,
    rowsOf: rowValues,
    render: (res, from, f, requestId) => render(res, from, f, requestId, NO_ERRORS),
  });

  r.post('/intake/move-within', session, gate, async (req, res) => {
    const ctx = webOf(res);
    const from = fromOf(req);
    const f = await postedForm(deps, req, res, formValues(req.body));
    const requestId = formRequestId(req.body) ?? randomUUID();
    const { body, rowOfMover } = moveWithinBody(f);
    const outcome = await submitIntake(
      deps.services,
      ctx,
      'move-within',
      body,
      requestId,
      moveWithinErrorMapping,
      (e) => toRowPointers(e, rowOfMover),
    );
    if (!outcome.ok) return render(res, from, f, requestId, outcome.errors, outcome.status);
    setFlash(req, res, { kind: 'ok', text: intakeDoneText(outcome, '転居届') });
    res.redirect(303, `/cases/${encodeURIComponent(outcome.caseId)}`);
  });
}
