import type { RequestHandler, Router } from 'express';
import { renewalFrom } from '../../domain/card-status';
import { addDays, jstDate } from '../../domain/dates';
import { can, type Role } from '../../domain/roles';
import { CaseRecord, MyNumberCard, Resident } from '../../db/entities';
import { fullKana } from '../../db/registry-lookup';
import { caseLink } from '../../api/web/components';
import { takeFlash } from '../../api/web/flash';
import { wareki } from '../../api/web/format';
import { html, type SafeHtml } from '../../api/web/html';
import { page } from '../../api/web/layout';
import { requireWebRole } from '../../api/web/web-auth';
import { webOf, type WebContext } from '../../api/web/web-context';
import type { WebDeps } from '../../api/web/web-deps';
import { awaitingHandover, handoverPath } from './handover-page';
import { CardQueue, cardQueueFilter, cardService, type CardListItem } from './service';

export const CARD_QUEUE_LIMIT = 200;

const CARD_QUEUES: readonly CardQueue[] = Object.values(CardQueue);

export const cardQueueLabel: Record<CardQueue, string> = {
  today: '本日の交付予定',
  'storage-expiring': '保管期限間近',
  renewal: '更新のお知らせ対象',
};
const cardQueueHelp = (q: CardQueue, leadDays: number): string =>
  q === CardQueue.TODAY
    ? '市区町村に到着し、受け取りを待っているカード（保管期限の近い順）。本日来られた方に交付できます'
    : q === CardQueue.STORAGE_EXPIRING
      ? `受け取られていないカードのうち、保管期限まで${leadDays}日以内のもの（保管期限の近い順）。期限を過ぎると廃止し J-LIS へ通知します`
      : '有効期限まで3か月以内の使用中のカード（更新の案内の対象、有効期限の近い順）';

/** Who may see the card queues: the counter, and supervisors (the console links here). */
export const mayReadCardQueues = (roles: readonly Role[]): boolean => can.enterCase(roles) || can.superviseCases(roles);

interface QueueRow {
  item: CardListItem;
  person?: Resident;
  caseRow?: CaseRecord;
}

function rowActions(ctx: WebContext, r: QueueRow): SafeHtml | '' {
  const c = r.caseRow;
  if (!c || !can.enterCase(ctx.staff.roles)) return '';
  // while the case waits for the visit; the handover screen checks the case's allowed actions for this user
  return awaitingHandover(c)
    ? html`<a class="btn-link handover-start" href="${handoverPath(c.caseId)}">交付手続</a>`
    : '';
}

function table(ctx: WebContext, q: CardQueue, rows: QueueRow[]): SafeHtml {
  if (!rows.length) return html`<p class="empty">このキューにカードはありません。</p>`;
  const renewal = q === CardQueue.RENEWAL;
  const today = jstDate(ctx.now);
  return html`<table class="grid card-queue" data-nav><caption class="sr-only">${cardQueueLabel[q]}のカード一覧</caption>
    <thead><tr><th scope="col">案件番号</th><th scope="col">氏名</th><th scope="col">フリガナ</th><th scope="col">生年月日</th><th scope="col">カードの状態</th>
    ${renewal ? html`<th scope="col">交付日</th><th scope="col">有効期限</th><th scope="col">更新の案内開始</th>` : html`<th scope="col">交付通知書</th><th scope="col">受取期間（保管期限まで）</th>`}
    <th scope="col">カード管理番号</th><th scope="col">操作</th></tr></thead>
    <tbody>${rows.map((r) => {
      const p = r.person;
      const c = r.item;
      const soon = !renewal && c.storageLimitDate !== undefined && c.storageLimitDate <= addDays(today, 7);
      return html`<tr${soon ? html` class="row-alert"` : ''}><td>${c.caseId ? caseLink(c.caseId) : '—'}</td>
      <td>${c.name}</td><td>${p ? fullKana(p) : ''}</td><td>${p ? wareki(p.birthDate, { seireki: p.isForeignResident }) : ''}</td>
      <td><span class="badge badge-${renewal ? 'done' : 'wait'}">${c.statusLabel}</span></td>
      ${
        renewal
          ? html`<td>${wareki(c.issuedOn)}</td><td>${wareki(c.expiryDate)}</td><td>${c.expiryDate ? wareki(renewalFrom(c.expiryDate)) : ''}</td>`
          : html`<td>${c.noticeSentOn ? `${wareki(c.noticeSentOn)} 送付` : html`<span class="muted">未送付</span>`}</td>
      <td>${c.noticeSentOn ? wareki(c.noticeSentOn) : ''} 〜 <strong${soon ? html` class="overdue"` : ''}>${wareki(c.storageLimitDate)}</strong></td>`
      }
      <td class="mono">${c.cardId}</td><td>${rowActions(ctx, r)}</td></tr>`;
    })}</tbody></table>`;
}

/**
 * 個人番号カード: the queues 「本日の交付予定」, 「保管期限間近」 and 「更新のお知らせ対象」 (domain spec §4.8 steps 2–3,
 * item 7): the rows from the same service as `GET /api/cards?queue=` (service.ts, which audits every listed person as
 * a 照会), the tab counts from its filters, and 「交付手続」 for a card whose case waits for the visit.
 */
export function installCardQueueRoutes(r: Router, deps: WebDeps, session: RequestHandler): void {
  const cards = cardService(deps);
  r.get('/cards', session, requireWebRole(deps.orm, mayReadCardQueues, 'GET /cards'), async (req, res) => {
    const ctx = webOf(res);
    const queue = (CARD_QUEUES as readonly unknown[]).includes(req.query.queue)
      ? (req.query.queue as CardQueue)
      : CardQueue.TODAY;
    const leadDays = deps.config.deadlines.cardReminderLeadDays;
    const today = jstDate(ctx.now);
    const em = deps.orm.em.fork();
    const counts = {} as Record<CardQueue, number>;
    for (const q of CARD_QUEUES) counts[q] = await em.count(MyNumberCard, cardQueueFilter(q, today, leadDays) as never);
    // the service lists the queue and audits every listed person (照会); kana and birth date come from the same records
    const { items } = await cards.queue(ctx.staff, { queue });
    const shown = items.slice(0, CARD_QUEUE_LIMIT);
    const people = new Map(
      (await em.find(Resident, { addresseeNumber: { $in: shown.map((c) => c.addresseeNumber) } })).map((p) => [
        p.addresseeNumber,
        p,
      ]),
    );
    const caseIds = shown.map((c) => c.caseId).filter((id): id is string => Boolean(id));
    const caseRows = new Map((await em.find(CaseRecord, { caseId: { $in: caseIds } })).map((c) => [c.caseId, c]));
    const rows: QueueRow[] = shown.map((item) => ({
      item,
      person: people.get(item.addresseeNumber),
      caseRow: item.caseId ? caseRows.get(item.caseId) : undefined,
    }));
    const body = html`<nav class="tabs" aria-label="カードのキュー"><ul>${CARD_QUEUES.map(
      (q) => html`<li><a href="/cards?queue=${q}" id="card-queue-${q}"${q === queue ? html` aria-current="page"` : ''}>
      ${cardQueueLabel[q]} <span class="count" aria-label="${counts[q]}件">${counts[q]}</span></a></li>`,
    )}</ul></nav>
    <p class="help">${cardQueueHelp(queue, leadDays)}</p>
    ${table(ctx, queue, rows)}
    ${items.length > CARD_QUEUE_LIMIT ? html`<p class="muted">先頭の${CARD_QUEUE_LIMIT}件を表示しています。</p>` : ''}`;
    res.type('html').send(
      page({
        title: `個人番号カード：${cardQueueLabel[queue]}`,
        ctx,
        body,
        municipalityName: deps.config.municipalityName,
        notice: takeFlash(req, res),
      }),
    );
  });
}
