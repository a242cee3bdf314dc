import type { MikroORM } from '@mikro-orm/core';
import type { RequestHandler, Router } from 'express';
import { renewalFrom } from '../../domain/card-status';
import { addDays, jstDate } from '../../domain/dates';
import { CardStatus } from '../../domain/registry-values';
import { can, type Role } from '../../domain/roles';
import { CaseRecord, MyNumberCard, Resident } from '../../db/entities';
import { fullKana, fullName } from '../../db/registry-lookup';
import { caseLink } from '../../api/web/components';
import { takeFlash } from '../../api/web/flash';
import { wareki } from '../../api/web/format';
import { html, type SafeHtml } from '../../api/web/html';
import { cardStatusLabel } from '../../api/web/labels';
import { page } from '../../api/web/layout';
import { auditInquiry } from '../../api/web/queries/case-registry';
import { requireWebRole } from '../../api/web/web-auth';
import { webOf, type WebContext } from '../../api/web/web-context';
import { awaitingHandover, handoverPath } from './handover-page';

/** The card queues (domain spec §4.8 steps 2–3 and item 7). */
export const CardQueue = { TODAY: 'today', STORAGE_EXPIRING: 'storage-expiring', RENEWAL: 'renewal' } as const;
export type CardQueue = (typeof CardQueue)[keyof typeof CardQueue];
const CARD_QUEUES: readonly CardQueue[] = Object.values(CardQueue);

export const cardQueueLabel: Record<CardQueue, string> = {
  today: '本日の交付予定',
  'storage-expiring': '保管期限間近',
  renewal: '更新のお知らせ対象',
};
const cardQueueHelp = (q: CardQueue, leadDays: number): string =>
  q === CardQueue.TODAY
    ? '市区町村に到着し交付通知書を送付した（または送付前の）カードで、本日受け取りに来られる方（受取期間内）'
    : q === CardQueue.STORAGE_EXPIRING
      ? `受け取られていないカードのうち、保管期限まで${leadDays}日以内のもの（保管期限の近い順）。期限を過ぎると廃止し J-LIS へ通知します`
      : '有効期限の3か月前を過ぎた交付済みのカード（更新の案内の対象、有効期限の近い順）';

/** Who may see the card queues: the counter, and supervisors (the console links here). */
export const mayReadCardQueues = (roles: readonly Role[]): boolean => can.enterCase(roles) || can.superviseCases(roles);

const WAITING: CardStatus[] = [CardStatus.AT_OFFICE, CardStatus.NOTICE_SENT];
const HELD: CardStatus[] = [CardStatus.ISSUED, CardStatus.SUSPENDED, CardStatus.CONTINUED_USE_PENDING];
export const CARD_QUEUE_LIMIT = 200;

/** The last day of the month three months after `today` (an upper bound of the expiries whose renewal has begun). */
const renewalBound = (today: string): string => {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const month = m + 3 > 12 ? m - 9 : m + 3;
  const year = m + 3 > 12 ? y + 1 : y;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(last).padStart(2, '0')}`;
};

/** Each queue as a filter on the card table (the projection of the card's events; no workflow is read). */
export function cardQueueFilter(q: CardQueue, today: string, leadDays: number): Record<string, unknown> {
  switch (q) {
    case CardQueue.TODAY:
      return { status: { $in: WAITING }, storageLimitDate: { $gte: today } };
    case CardQueue.STORAGE_EXPIRING:
      return { status: { $in: WAITING }, storageLimitDate: { $lte: addDays(today, leadDays) } };
    case CardQueue.RENEWAL:
      return { status: { $in: HELD }, expiryDate: { $ne: null, $lte: renewalBound(today) } };
  }
}

export interface CardQueueRow {
  card: MyNumberCard;
  person?: Resident;
  caseRow?: CaseRecord;
}

export async function loadCardQueue(
  orm: MikroORM,
  q: CardQueue,
  today: string,
  leadDays: number,
): Promise<{ rows: CardQueueRow[]; counts: Record<CardQueue, number>; truncated: boolean }> {
  const em = orm.em.fork();
  const counts = {} as Record<CardQueue, number>;
  for (const id of CARD_QUEUES)
    counts[id] = await em.count(MyNumberCard, cardQueueFilter(id, today, leadDays) as never);
  const orderBy = q === CardQueue.RENEWAL ? { expiryDate: 'asc' as const } : { storageLimitDate: 'asc' as const };
  let cards = await em.find(MyNumberCard, cardQueueFilter(q, today, leadDays) as never, {
    orderBy: { ...orderBy, cardId: 'asc' },
    limit: CARD_QUEUE_LIMIT + 1,
  });
  if (q === CardQueue.RENEWAL) cards = cards.filter((c) => c.expiryDate && renewalFrom(c.expiryDate) <= today);
  const shown = cards.slice(0, CARD_QUEUE_LIMIT);
  const people = new Map(
    (await em.find(Resident, { addresseeNumber: { $in: shown.map((c) => c.addresseeNumber) } })).map((r) => [
      r.addresseeNumber,
      r,
    ]),
  );
  const caseIds = shown.map((c) => c.caseId).filter((id): id is string => Boolean(id));
  const cases = new Map((await em.find(CaseRecord, { caseId: { $in: caseIds } })).map((c) => [c.caseId, c]));
  return {
    rows: shown.map((card) => ({
      card,
      person: people.get(card.addresseeNumber),
      caseRow: card.caseId ? cases.get(card.caseId) : undefined,
    })),
    counts,
    truncated: cards.length > CARD_QUEUE_LIMIT,
  };
}

function rowActions(ctx: WebContext, r: CardQueueRow): SafeHtml | '' {
  const c = r.caseRow;
  if (!c || !can.enterCase(ctx.staff.roles)) return '';
  // while the case waits for the visit; the handover screen checks the case's allowed actions for this user
  return awaitingHandover(c)
    ? html`<a class="btn-link handover-start" href="${handoverPath(c.caseId)}">交付手続</a>`
    : '';
}

function table(ctx: WebContext, q: CardQueue, rows: CardQueueRow[]): SafeHtml {
  if (!rows.length) return html`<p class="empty">このキューにカードはありません。</p>`;
  const renewal = q === CardQueue.RENEWAL;
  return html`<table class="grid card-queue" data-nav><caption class="sr-only">${cardQueueLabel[q]}のカード一覧</caption>
    <thead><tr><th scope="col">案件番号</th><th scope="col">氏名</th><th scope="col">フリガナ</th><th scope="col">生年月日</th><th scope="col">カードの状態</th>
    ${renewal ? html`<th scope="col">交付日</th><th scope="col">有効期限</th><th scope="col">更新の案内開始</th>` : html`<th scope="col">到着日</th><th scope="col">交付通知書</th><th scope="col">受取期間（保管期限まで）</th>`}
    <th scope="col">カード管理番号</th><th scope="col">操作</th></tr></thead>
    <tbody>${rows.map((r) => {
      const p = r.person;
      const c = r.card;
      const soon = !renewal && c.storageLimitDate && c.storageLimitDate <= addDays(jstDate(ctx.now), 7);
      return html`<tr${soon ? html` class="row-alert"` : ''}><td>${c.caseId ? caseLink(c.caseId) : '—'}</td>
      <td>${p ? fullName(p) : ''}</td><td>${p ? fullKana(p) : ''}</td><td>${p ? wareki(p.birthDate, { seireki: p.isForeignResident }) : ''}</td>
      <td><span class="badge badge-${c.status === CardStatus.NOTICE_SENT || c.status === CardStatus.AT_OFFICE ? 'wait' : 'done'}">${cardStatusLabel[c.status] ?? c.status}</span></td>
      ${
        renewal
          ? html`<td>${wareki(c.issuedOn)}</td><td>${wareki(c.expiryDate)}</td><td>${c.expiryDate ? wareki(renewalFrom(c.expiryDate)) : ''}</td>`
          : html`<td>${wareki(c.atOfficeOn)}</td><td>${c.noticeSentOn ? `${wareki(c.noticeSentOn)} 送付` : html`<span class="muted">未送付</span>`}</td>
      <td>${wareki(c.noticeSentOn ?? c.atOfficeOn)} 〜 <strong${soon ? html` class="overdue"` : ''}>${wareki(c.storageLimitDate)}</strong></td>`
      }
      <td class="mono">${c.cardId}</td><td>${rowActions(ctx, r)}</td></tr>`;
    })}</tbody></table>`;
}

/**
 * 個人番号カード: the queues 「本日の交付予定」, 「保管期限間近」 and 「更新のお知らせ対象」 (domain spec §4.8 steps 2–3,
 * item 7), from the card table. Names are shown, so every listed person is an audited 照会.
 */
export function installCardQueueRoutes(
  r: Router,
  deps: { orm: MikroORM; municipalityName: string; leadDays: () => number },
  session: RequestHandler,
): void {
  r.get('/cards', session, requireWebRole(deps.orm, mayReadCardQueues, 'GET /cards'), async (req, res) => {
    const ctx = webOf(res);
    const queue = (CARD_QUEUES as readonly unknown[]).includes(req.query.queue)
      ? (req.query.queue as CardQueue)
      : CardQueue.TODAY;
    const leadDays = deps.leadDays();
    const today = jstDate(ctx.now);
    const result = await loadCardQueue(deps.orm, queue, today, leadDays);
    const em = deps.orm.em.fork();
    for (const row of result.rows)
      if (row.person)
        auditInquiry(em, ctx.staff, row.card.caseId, row.person.addresseeNumber, `GET /cards?queue=${queue}`);
    await em.flush();
    const body = html`<nav class="tabs" aria-label="カードのキュー"><ul>${CARD_QUEUES.map(
      (q) => html`<li><a href="/cards?queue=${q}" id="card-queue-${q}"${q === queue ? html` aria-current="page"` : ''}>
      ${cardQueueLabel[q]} <span class="count" aria-label="${result.counts[q]}件">${result.counts[q]}</span></a></li>`,
    )}</ul></nav>
    <p class="help">${cardQueueHelp(queue, leadDays)}</p>
    ${table(ctx, queue, result.rows)}
    ${result.truncated ? html`<p class="muted">先頭の${result.rows.length}件を表示しています。</p>` : ''}`;
    res.type('html').send(
      page({
        title: `個人番号カード：${cardQueueLabel[queue]}`,
        ctx,
        body,
        municipalityName: deps.municipalityName,
        notice: takeFlash(req, res),
      }),
    );
  });
}
