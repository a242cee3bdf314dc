import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { RequestHandler, Router } from 'express';
import { allowedActions } from '../../../domain/case-actions';
import { heldCertificateDefinition } from '../../../procedures/held-certificate/definition';
import type { ProcedureTable } from '../../../procedures/table';
import { jstDate } from '../../../domain/dates';
import { can } from '../../../domain/roles';
import type { CaseRecord } from '../../../db/entities';
import type { PiiCrypto } from '../../../db/pii-crypto';
import { workViewOf } from '../../case-service';
import { ageEl, caseLink, dueEl, flagBadges, attentionBadge, timeEl } from '../components';
import { takeFlash } from '../flash';
import { wareki } from '../format';
import { html, type SafeHtml } from '../html';
import { formGuards, page } from '../layout';
import { loadQueues, type QueuePersons } from '../queries/queue-query';
import { parseQueue, parseSort, queueHelp, queueLabel, QueueId, type QueueId as Q } from '../queries/queue-filters';
import { requireWebRole } from '../web-auth';
import { webOf, type WebContext } from '../web-context';

const queueHref = (queue: Q, procedure: string | undefined, sort: string) =>
  `/queues?queue=${queue}${procedure ? `&procedure=${procedure}` : ''}&sort=${sort}`;

/** Claim / release / reassign as the work rules allow them (domain/case-actions.ts; the workflow validates again). */
function assignButtons(ctx: WebContext, procedures: ProcedureTable, c: CaseRecord, back: string): SafeHtml {
  const form = (
    action: string,
    label: string,
  ) => html`<form method="post" action="/cases/${encodeURIComponent(c.caseId)}/do/${action}" class="inline">
    ${formGuards(ctx, randomUUID())}<input type="hidden" name="return" value="${back}"><button type="submit" class="btn-small">${label}</button></form>`;
  const allowed = allowedActions(workViewOf(procedures)(c), ctx.staff);
  const special =
    c.procedure === heldCertificateDefinition.code && c.status === 'HELD' && can.enterCase(ctx.staff.roles)
      ? html`<a class="btn-link special-intake" href="/intake/special-move-in?held=${encodeURIComponent(c.caseId)}">特例転入を受付</a> `
      : '';
  return html`${special}${allowed.includes('claim') ? form('claim', '担当する') : ''}${allowed.includes('release') ? form('release', '担当を外す') : ''}${allowed.includes('reassign') ? html` <a class="btn-link" href="/cases/${encodeURIComponent(c.caseId)}#action-reassign">再割当…</a>` : ''}`;
}

/** The names of a row (at most 3, then 「ほか n名」) and, when known, the municipality they come from. */
const personsCell = (p: QueuePersons | undefined): SafeHtml | string => {
  if (!p?.names.length) return '—';
  const shown = p.names.slice(0, 3).join('、');
  const more = p.names.length > 3 ? ` ほか${p.names.length - 3}名` : '';
  return html`${shown}${more}${p.origin ? html`<br><span class="muted origin">${p.origin}から</span>` : ''}`;
};

function table(
  ctx: WebContext,
  procedures: ProcedureTable,
  queue: Q,
  rows: CaseRecord[],
  persons: Record<string, QueuePersons>,
  back: string,
): SafeHtml {
  if (!rows.length) return html`<p class="empty">このキューに案件はありません。</p>`;
  return html`<table class="grid" data-nav>
    <caption class="sr-only">${queueLabel[queue]}の案件一覧</caption>
    <thead><tr><th scope="col">案件番号</th><th scope="col">手続</th><th scope="col">状態</th><th scope="col">対象</th><th scope="col">所見</th>
      <th scope="col">受付</th><th scope="col">経過</th><th scope="col">${queue === QueueId.VISITORS ? '来庁予定日' : '期限'}</th><th scope="col">入力者</th><th scope="col">担当者</th><th scope="col">操作</th></tr></thead>
    <tbody>${rows.map(
      (c) => html`<tr${c.needsAttention ? html` class="row-alert"` : ''}>
      <td>${caseLink(c.caseId)}</td><td>${ctx.labels.procedureText(c.procedure)}</td>
      <td>${ctx.labels.statusBadge(c.status, false, c.procedure)} ${c.needsAttention ? attentionBadge(c.attentionReason) : ''}</td>
      <td class="persons">${personsCell(persons[c.caseId])}</td>
      <td>${flagBadges(c.flags)}</td><td>${timeEl(c.createdAt)}</td><td class="num">${ageEl(c.createdAt, ctx.now)}</td>
      <td>${queue === QueueId.VISITORS ? wareki(c.plannedVisitDate) : c.awaitingRole ? dueEl(c.dueAt, ctx.now) : ''}</td>
      <td>${c.enteredBy === 'portal' ? '電子申請' : c.enteredBy}</td><td>${c.assignedTo ?? html`<span class="muted">未割当</span>`}</td>
      <td>${assignButtons(ctx, procedures, c, back)}</td></tr>`,
    )}</tbody></table>`;
}

/** The clerk work queues (issue #5 §3): counts per queue, procedure filter, sort by age or due date, claim / release. */
export function installQueueRoutes(
  r: Router,
  deps: { orm: MikroORM; pii: PiiCrypto; municipalityName: string; procedures: ProcedureTable },
  session: RequestHandler,
) {
  r.get('/queues', session, requireWebRole(deps.orm, can.readCases, 'GET /queues'), async (req, res) => {
    const ctx = webOf(res);
    const procedure =
      typeof req.query.procedure === 'string' && ctx.labels.isProcedure(req.query.procedure)
        ? req.query.procedure
        : undefined;
    const sort = parseSort(req.query.sort);
    const today = jstDate(ctx.now);
    const result = await loadQueues(deps.orm, deps.pii, ctx.staff, {
      queue: parseQueue(req.query.queue) ?? (can.approve(ctx.staff.roles) ? QueueId.APPROVAL : QueueId.UNASSIGNED),
      procedure,
      sort,
      today,
    });
    const { queue } = result;
    const back = queueHref(queue, procedure, sort);
    const body = html`
    <nav class="tabs" aria-label="キュー"><ul>${result.visibleQueues.map(
      (q) => html`<li><a href="${queueHref(q, procedure, sort)}"${q === queue ? html` aria-current="page"` : ''}>
      ${queueLabel[q]} <span class="count" aria-label="${result.counts[q] ?? 0}件">${result.counts[q] ?? 0}</span></a></li>`,
    )}</ul></nav>
    <p class="help">${queueHelp[queue]}</p>
    <form method="get" action="/queues" class="filters" role="search" aria-label="絞り込み">
      <input type="hidden" name="queue" value="${queue}">
      <label>手続 <select name="procedure" data-search>${ctx.labels.procedureOptions(procedure)}</select></label>
      <label>並び順 <select name="sort"><option value="age"${sort === 'age' ? html` selected` : ''}>受付の古い順</option><option value="due"${sort === 'due' ? html` selected` : ''}>期限の近い順</option></select></label>
      <button type="submit">表示</button>
    </form>
    ${table(ctx, deps.procedures, queue, result.rows, result.persons, back)}
    ${result.truncated ? html`<p class="muted">先頭の${result.rows.length}件を表示しています。手続で絞り込んでください。</p>` : ''}`;
    res.type('html').send(
      page({
        title: `業務キュー：${queueLabel[queue]}`,
        ctx,
        body,
        municipalityName: deps.municipalityName,
        notice: takeFlash(req, res),
      }),
    );
  });
}
