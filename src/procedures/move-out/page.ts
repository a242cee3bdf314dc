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
import { pendingCasesOf, type PendingCase } from '../../api/web/queries/pending-cases-query';
import { pendingCasesBadge } from '../../api/web/pages/search-page';
import { onlineMoveOutDefinition } from '../online-move-out/definition';
import { moveOutDefinition } from './definition';
import { webOf, type WebContext } from '../../api/web/web-context';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import {
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
import { formRequestId, intakeDoneText, submitIntake } from '../../api/web/intake/intake-submit';
import { postedForm } from '../../api/web/intake/correction';
import { householdOf, installHouseholdFormEntry } from '../../api/web/intake/household-form';
import type { WebDeps } from '../../api/web/web-deps';
import { MAX_MEMBERS, moveOutBody, moveOutErrorMapping, moveOutRowsOf, toRowPointers } from './form';

const NO_ERRORS: MappedErrors = { byField: {}, summary: [] };

/** Procedures whose open case makes a second 転出届 for the person impossible (refused at submit: intake.ts). */
const MOVE_OUT_CODES: readonly string[] = [moveOutDefinition.code, onlineMoveOutDefinition.code];

function membersTable(
  ctx: WebContext,
  members: Resident[],
  f: FormValues,
  e: Record<string, string>,
  pending: Map<string, PendingCase[]>,
): SafeHtml {
  return html`<table class="grid" id="f-movers"><thead><tr><th scope="col">転出</th><th scope="col">宛名番号</th><th scope="col">氏名</th><th scope="col">フリガナ</th><th scope="col">生年月日</th><th scope="col">性別</th><th scope="col">続柄</th><th scope="col">状態</th></tr></thead><tbody>
  ${members.map((m, i) => {
    const k = (n: string) => `p${i}.${n}`;
    const open = pending.get(m.addresseeNumber);
    const selectable = m.status === ResidentStatus.RESIDENT && !open?.some((c) => MOVE_OUT_CODES.includes(c.procedure));
    const err = e[`p${i}`];
    return html`<tr${err ? html` class="row-alert"` : ''}><td><input type="hidden" name="${k('addresseeNumber')}" value="${m.addresseeNumber}">
      <input type="hidden" name="${k('familyName')}" value="${m.familyName}"><input type="hidden" name="${k('givenName')}" value="${m.givenName}">
      <input type="hidden" name="${k('birthDate')}" value="${m.birthDate}"><input type="hidden" name="${k('sex')}" value="${m.sex}">
      <input type="checkbox" id="${fieldId(k('selected'))}" name="${k('selected')}" value="1" aria-label="${m.familyName}　${m.givenName}さんが転出"${checked(f, k('selected')) && selectable ? html` checked` : ''}${selectable ? '' : html` disabled`}${err ? html` aria-describedby="f-p${i}-e"` : ''}></td>
      <td class="mono">${m.addresseeNumber}</td><td><label for="${fieldId(k('selected'))}">${m.familyName}　${m.givenName}</label>${err ? html`<p class="field-error" id="f-p${i}-e">${err}</p>` : ''}</td>
      <td>${m.familyNameKana}　${m.givenNameKana}</td><td>${wareki(m.birthDate, { seireki: m.isForeignResident })}</td><td>${sexText(m.sex)}</td><td>${m.relationshipToHead}</td>
      <td>${residentStatusLabel[m.status] ?? m.status}${open ? html` ${pendingCasesBadge(ctx, open)}` : ''}</td></tr>`;
  })}</tbody></table>`;
}

/**
 * 世帯主変更 (domain.md §3.2): when the 世帯主 moves out and two or more members stay, the new 世帯主 and everyone
 * else's new 続柄 are chosen here (one staying member becomes 世帯主 ex officio without a choice). The domain spec gives
 * no rule for choosing among two or more, so nothing is pre-selected.
 */
function headChangeSection(members: Resident[], f: FormValues, e: Record<string, string>): SafeHtml {
  const options = RELATIONSHIP_OPTIONS.filter(([v]) => v !== '世帯主');
  return html`<section class="panel" aria-labelledby="h-head"><h2 id="h-head">世帯主変更（世帯主が転出し、世帯員が残る場合）</h2>
      <p class="help">残る方が1人のときは、その方が職権で世帯主になります（選択は不要）。2人以上が残るときは、新しい世帯主と、ほかの残る方の新しい世帯主との続柄を選んでください。転出の記録と同時に変更し、世帯主変更通知書を作成します。</p>
      <fieldset id="${fieldId('newHead')}" class="radios${e.newHead ? ' has-error' : ''}"${e.newHead ? html` aria-describedby="f-newHead-e"` : ''}><legend>新しい世帯主と続柄</legend>
      <table class="grid"><thead><tr><th scope="col">新しい世帯主</th><th scope="col">氏名</th><th scope="col">現在の続柄</th><th scope="col">新しい続柄</th></tr></thead><tbody>
      ${members.map((m, i) => {
        const k = `p${i}.newRelationship`;
        return html`<tr><td><input type="radio" name="newHead" value="${m.addresseeNumber}" id="${fieldId(`newHead.${m.addresseeNumber}`)}" aria-label="${m.familyName}　${m.givenName}さんを世帯主にする"${f.newHead === m.addresseeNumber ? html` checked` : ''}></td>
        <td>${m.familyName}　${m.givenName}</td><td>${m.relationshipToHead}</td>
        <td><select name="${k}" id="${fieldId(k)}" aria-label="${m.familyName}　${m.givenName}さんの新しい続柄"><option value="">（新しい世帯主・転出する方は空欄）</option>${options.map(([v, l]) => html`<option value="${v}"${f[k] === v ? html` selected` : ''}>${l}</option>`)}</select></td></tr>`;
      })}</tbody></table>${e.newHead ? html`<p class="field-error" id="f-newHead-e">${e.newHead}</p>` : ''}</fieldset></section>`;
}

function moveOutForm(
  ctx: WebContext,
  from: string,
  members: Resident[],
  f: FormValues,
  requestId: string,
  errors: MappedErrors,
  pending: Map<string, PendingCase[]>,
): SafeHtml {
  const e = errors.byField;
  const blocked = members.filter((m) =>
    pending.get(m.addresseeNumber)?.some((c) => MOVE_OUT_CODES.includes(c.procedure)),
  );
  return html`${errorSummary(errors.summary, e)}
  ${
    pending.size
      ? html`<div class="notice notice-warn" role="status" id="pending-cases-notice"><p>この世帯には処理中の案件がある方がいます。${
          blocked.length
            ? html`${blocked.map((m) => `${m.familyName}　${m.givenName}`).join('、')}さんは転出届を処理中のため、選択できません。`
            : '内容を確認してから受け付けてください。'
        }</p><ul>${members.flatMap((m) => (pending.get(m.addresseeNumber) ? [html`<li>${m.familyName}　${m.givenName}：${pendingCasesBadge(ctx, pending.get(m.addresseeNumber))}</li>`] : []))}</ul></div>`
      : ''
  }
  <form method="post" action="/intake/move-out" class="intake" id="intake-move-out" novalidate>
    ${formGuards(ctx, requestId)}<input type="hidden" name="from" value="${from}">
    <section class="panel" aria-labelledby="h-mv"><h2 id="h-mv">転出する方（世帯番号 ${members[0]?.householdNumber ?? ''}）</h2>
      <p class="help">住民票の記載（宛名番号と4情報）を届書と照合し、転出する方にチェックを入れてください。世帯主が転出して2人以上が残る場合は、下の「世帯主変更」で新しい世帯主を選んでください。</p>
      ${e.movers ? html`<p class="field-error" id="f-movers-e">${e.movers}</p>` : ''}${membersTable(ctx, members, f, e, pending)}</section>
    ${members.some((m) => m.relationshipToHead === '世帯主') && members.length > 1 ? headChangeSection(members, f, e) : ''}
    <section class="panel" aria-labelledby="h-dest"><h2 id="h-dest">転出先と転出予定日</h2><div class="grid-fields">
      ${textField({ name: 'destinationAddress', label: '転出先の住所（予定）', value: f.destinationAddress, required: true, maxlength: 200, size: 'wide', hint: '市区町村名だけでも可。国外の場合は国名・都市名' }, e)}
      ${textField({ name: 'destinationCode', label: '転出先の市区町村コード', value: f.destinationCode, inputmode: 'numeric', maxlength: 8, size: 'narrow', hint: '6桁（5桁でも可）。国外転出では空欄' }, e)}
      ${checkboxField({ name: 'abroad', label: '国外への転出', checked: f.abroad === '1' }, e)}
      ${textField({ name: 'plannedMoveOutDate', label: '転出予定日', value: f.plannedMoveOutDate, required: true, hint: '和暦・西暦どちらでも。本日より後の日付も可', maxlength: 20 }, e)}
      ${textField({ name: 'notificationDate', label: '届出日', value: f.notificationDate, hint: '空欄は本日', maxlength: 20 }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-path"><h2 id="h-path">転出の方法と届出人</h2><div class="grid-fields">
      ${radioGroup(
        {
          name: 'path',
          legend: '転出の方法',
          value: f.path ?? 'paper',
          options: [
            ['paper', '転出証明書を交付する（紙）'],
            ['special', '特例転出（個人番号カード利用、転出証明書情報を送信）'],
          ],
          required: true,
        },
        e,
      )}
      ${checkboxField({ name: 'cardHolderPresent', label: '転出者または世帯主が個人番号カードを提示した', checked: f.cardHolderPresent === '1' }, e)}
      ${radioGroup({ name: 'notifierKind', legend: '届出人', value: f.notifierKind, options: NOTIFIER_KINDS, required: true }, e)}
      ${checkboxField({ name: 'powerOfAttorney', label: '委任状を確認した（代理人の場合）', checked: f.powerOfAttorney === '1' }, e)}
      ${selectField({ name: 'identityDocument', label: '本人確認書類', value: f.identityDocument, options: IDENTITY_DOCUMENTS, required: true, empty: '選択してください' }, e)}
    </div></section>
    <div class="form-actions"><button type="submit" class="btn-primary">受付する（仮登録）</button> <a href="/search">住民検索へ戻る</a></div>
  </form>`;
}

/** 転出届: started from a search result or a resident record (POST, the 宛名番号 never in a URL). */
export function installMoveOutRoutes(r: Router, deps: WebDeps, session: RequestHandler, gate: RequestHandler) {
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
    for (const m of members) auditInquiry(em, ctx.staff, undefined, m.addresseeNumber, 'POST /intake/move-out (世帯)');
    await em.flush();
    const pending = await pendingCasesOf(
      em,
      deps.procedures,
      members.map((m) => m.addresseeNumber),
      ctx.correction?.caseId,
    );
    res
      .status(status)
      .type('html')
      .send(
        page({
          title: '転出届の受付',
          ctx,
          municipalityName: deps.config.municipalityName,
          body: moveOutForm(ctx, from, members, f, requestId, errors, pending),
        }),
      );
  };
  const { fromOf } = installHouseholdFormEntry(r, deps, session, gate, {
    path: 'move-out',
    missing: '転出する方が指定されていません。',
    maxMembers: MAX_MEMBERS,
    rowsOf: moveOutRowsOf,
    render: (res, from, f, requestId) => render(res, from, f, requestId, NO_ERRORS),
  });

  r.post('/intake/move-out', session, gate, async (req, res) => {
    const ctx = webOf(res);
    const from = fromOf(req);
    const f = await postedForm(deps, req, res, formValues(req.body));
    const requestId = formRequestId(req.body) ?? randomUUID();
    const { body, rowOfMover } = moveOutBody(f);
    const outcome = await submitIntake(deps.services, ctx, 'move-out', body, requestId, moveOutErrorMapping, (e) =>
      toRowPointers(e, rowOfMover),
    );
    if (!outcome.ok) return render(res, from, f, requestId, outcome.errors, outcome.status);
    setFlash(req, res, { kind: 'ok', text: intakeDoneText(outcome, '転出届') });
    res.redirect(303, `/cases/${encodeURIComponent(outcome.caseId)}`);
  });
}
