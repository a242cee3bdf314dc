import { randomUUID } from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import { can } from '../../../domain/roles';
import { Resident, ResidentHistory } from '../../../db/entities';
import { caseLink } from '../components';
import { wareki } from '../format';
import { html } from '../html';
import { residentStatusLabel } from '../labels';
import { formGuards, page } from '../layout';
import { recordRows } from '../panels/record-fields';
import { auditInquiry } from '../queries/case-registry';
import { casesOfPersons } from '../queries/pending-cases-query';
import { ADDRESS_ROWS, blockedAddresseeNumbers, PROTECTED_ADDRESS_TEXT } from '../queries/resident-search-query';
import { requireWebRole } from '../web-auth';
import { WebError, webOf } from '../web-context';
import {
  copySection,
  installCounterCopyRoutes,
  type RenderResident,
} from '../../../procedures/resident-record-copy/page';
import { cardEventForms, installCardEventRoutes } from '../../../procedures/card-events/page';
import { residentCardSection } from '../../../procedures/card-issuance/resident-cards';
import { maySearch, pendingCasesBadge, type SearchDeps } from './search-page';
import type { WebDeps } from '../web-deps';

/**
 * One resident's record, opened from the search results by POST (the 宛名番号 never goes into a URL). Opening it is
 * an audited 照会; 「個人番号を表示」 posts again with reveal and is audited as a 個人番号 access.
 */
export function installResidentRoutes(r: Router, deps: SearchDeps & WebDeps, session: RequestHandler) {
  const gate = requireWebRole(deps.orm, maySearch, 'POST /residents/view');
  const renderResident: RenderResident = async (_req, res, addresseeNumber, o) => {
    const ctx = webOf(res);
    const reveal = Boolean(o.reveal) && can.seeIndividualNumber(ctx.staff.roles);
    const em = deps.orm.em.fork();
    const person = await em.findOne(Resident, { addresseeNumber });
    if (!person) throw new WebError(404, '該当する住民票がありません。');
    const members = await em.find(
      Resident,
      { householdNumber: person.householdNumber, addresseeNumber: { $ne: addresseeNumber } },
      { orderBy: { addresseeNumber: 'asc' } },
    );
    const history = await em.find(
      ResidentHistory,
      { addresseeNumber },
      {
        orderBy: { historyNumber: 'desc' },
        fields: ['historyNumber', 'changeReason', 'changeDate', 'processingDate', 'caseId', 'operatorId'],
      },
    );
    const cases = await casesOfPersons(em, [addresseeNumber]);
    const blocked = await blockedAddresseeNumbers(em, [addresseeNumber]);
    auditInquiry(em, ctx.staff, undefined, addresseeNumber, 'POST /residents/view', reveal);
    for (const m of members) auditInquiry(em, ctx.staff, undefined, m.addresseeNumber, 'POST /residents/view (世帯)');
    await em.flush();
    const cardPanel = await residentCardSection(em, addresseeNumber, (card) =>
      cardEventForms(ctx, card, addresseeNumber, o.cardEvent),
    );
    const isProtected = blocked.has(addresseeNumber);
    const hideAddress = isProtected && !can.manageSupportMeasures(ctx.staff.roles);
    const rows = recordRows(person, { reveal, pii: deps.pii }).map(([k, v]): [string, typeof v] =>
      hideAddress && ADDRESS_ROWS.has(k) && v !== '' ? [k, PROTECTED_ADDRESS_TEXT] : [k, v],
    );
    const pending = cases.filter((c) => !deps.procedures.isFinal(c.procedure, c.status));
    const body = html`
    ${
      pending.length
        ? html`<p class="notice" role="status" id="pending-cases-notice">この方には処理中の案件があります：${pendingCasesBadge(ctx, pending)}。新しい届出の前に確認してください。</p>`
        : ''
    }
    ${
      isProtected
        ? html`<p class="notice notice-error" id="support-measure-notice"><span class="badge badge-alert">支援措置・抑止</span> この方は支援措置・抑止の対象です。証明書の交付・閲覧は制限されます（支援措置責任者の解除が必要です）。${can.manageSupportMeasures(ctx.staff.roles) ? html` <a href="/support-measures">支援措置・抑止の管理へ</a>` : ''}</p>`
        : ''
    }
    <section class="panel" aria-labelledby="h-rec"><h2 id="h-rec">住民票（履歴番号 ${person.historyNumber}）
      <span class="badge ${person.status === 'RESIDENT' ? 'badge-done' : 'badge-warn'}">${residentStatusLabel[person.status] ?? person.status}</span></h2>
      ${
        can.seeIndividualNumber(ctx.staff.roles) && !reveal
          ? html`<form method="post" action="/residents/view" class="reveal" data-confirm="個人番号を表示します。この閲覧は監査記録に残ります。よろしいですか？">${formGuards(ctx, randomUUID())}
        <input type="hidden" name="addresseeNumber" value="${addresseeNumber}"><input type="hidden" name="reveal" value="1"><button type="submit" class="btn-small">個人番号を表示</button> <span class="help">（表示は記録されます）</span></form>`
          : ''
      }
      <table class="grid compare"><tbody>${rows.filter(([, v]) => v !== '').map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table>
      ${person.status === 'RESIDENT' && can.enterCase(ctx.staff.roles) ? html`<form method="post" action="/intake/move-out/start" class="record-actions">${formGuards(ctx, randomUUID())}<input type="hidden" name="addresseeNumber" value="${addresseeNumber}"><button type="submit" class="move-out-start">転出届を作成</button> <button type="submit" class="move-within-start" formaction="/intake/move-within/start">転居届を作成</button> <button type="submit" class="birth-start" formaction="/intake/birth/start">出生届を作成（この世帯）</button> <button type="submit" class="household-change-start" formaction="/intake/household-change/start">世帯変更届を作成</button> <button type="submit" class="death-start" formaction="/intake/death/start">死亡届を作成</button> <a href="#copy">住民票の写しの交付へ</a></form>` : ''}</section>
    ${
      can.manageSupportMeasures(ctx.staff.roles)
        ? html`<form method="post" action="/support-measures/new" class="record-actions">${formGuards(ctx, randomUUID())}<input type="hidden" name="addresseeNumber" value="${addresseeNumber}"><button type="submit" id="support-measure-start">支援措置・抑止を登録</button></form>`
        : ''
    }
    ${cardPanel}
    ${copySection(ctx, person, members, o.copy)}
    <section class="panel" aria-labelledby="h-hh"><h2 id="h-hh">同じ世帯の方（世帯番号 ${person.householdNumber}）</h2>
      ${
        members.length
          ? html`<table class="grid"><thead><tr><th scope="col">氏名</th><th scope="col">続柄</th><th scope="col">生年月日</th><th scope="col">状態</th></tr></thead><tbody>
      ${members.map((m) => html`<tr><td>${m.familyName}　${m.givenName}</td><td>${m.relationshipToHead}</td><td>${wareki(m.birthDate, { seireki: m.isForeignResident })}</td><td>${residentStatusLabel[m.status] ?? m.status}</td></tr>`)}</tbody></table>`
          : html`<p class="muted">ほかに世帯員はいません。</p>`
      }</section>
    <section class="panel" aria-labelledby="h-hist"><h2 id="h-hist">異動履歴</h2><table class="grid"><thead><tr><th scope="col">履歴番号</th><th scope="col">異動事由</th><th scope="col">異動日</th><th scope="col">処理日</th><th scope="col">案件</th><th scope="col">処理者</th></tr></thead><tbody>
      ${history.map((h) => html`<tr><td class="num">${h.historyNumber}</td><td>${h.changeReason}</td><td>${wareki(h.changeDate)}</td><td>${wareki(h.processingDate)}</td><td>${h.caseId ? caseLink(h.caseId) : ''}</td><td>${h.operatorId}</td></tr>`)}</tbody></table></section>
    <section class="panel" aria-labelledby="h-cases"><h2 id="h-cases">この方の案件</h2>${
      cases.length
        ? html`<table class="grid"><thead><tr><th scope="col">案件番号</th><th scope="col">手続</th><th scope="col">状態</th></tr></thead><tbody>
      ${cases.map((c) => html`<tr><td>${caseLink(c.caseId)}</td><td>${ctx.labels.procedureText(c.procedure)}</td><td>${ctx.labels.statusBadge(c.status, c.needsAttention, c.procedure)}</td></tr>`)}</tbody></table>`
        : html`<p class="muted">案件はありません。</p>`
    }</section>`;
    res
      .status(o.status ?? 200)
      .type('html')
      .send(
        page({
          title: `住民票：${person.familyName}　${person.givenName}`,
          ctx,
          body,
          municipalityName: deps.municipalityName,
          notice:
            o.notice ??
            (reveal ? { kind: 'info', text: '個人番号を表示しています。この閲覧は記録されました。' } : undefined),
        }),
      );
  };
  r.post('/residents/view', session, gate, async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const addresseeNumber =
      typeof b.addresseeNumber === 'string' && /^\d{7}$/.test(b.addresseeNumber) ? b.addresseeNumber : undefined;
    if (!addresseeNumber) throw new WebError(400, '対象の方が指定されていません。');
    await renderResident(req, res, addresseeNumber, { reveal: b.reveal === '1' });
  });
  installCounterCopyRoutes(r, deps, session, renderResident);
  installCardEventRoutes(r, deps, session, renderResident);
}
