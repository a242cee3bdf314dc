import type { EntityManager } from '@mikro-orm/core';
import { isReportedCardEvent, type CardEventKind, type CardEventReason } from '../../domain/card-status';
import { CardStatus } from '../../domain/registry-values';
import { CardEventRecord, MyNumberCard } from '../../db/entities';
import { caseLink } from '../../api/web/components';
import { jstDateTime, wareki } from '../../api/web/format';
import { html, type SafeHtml } from '../../api/web/html';
import { cardEventKindLabel, cardEventOriginLabel, cardEventReasonLabel, cardStatusLabel } from '../../api/web/labels';

const tone = (s: string): string =>
  s === CardStatus.ISSUED
    ? 'done'
    : s === CardStatus.CANCELLED
      ? 'closed'
      : s === CardStatus.SUSPENDED || s === CardStatus.CONTINUED_USE_PENDING
        ? 'warn'
        : 'wait';
export const cardStatusBadge = (s: string): SafeHtml =>
  html`<span class="badge badge-${tone(s)} card-status">${cardStatusLabel[s as CardStatus] ?? s}</span>`;

/** Whether and when J-LIS received an event (only the reported kinds are sent: domain spec §4.8 item 5). */
function sentText(e: CardEventRecord): SafeHtml | string {
  if (!isReportedCardEvent(e.kind as CardEventKind)) return html`<span class="muted">通知対象外</span>`;
  if (e.sentAt) return html`<span class="jlis-sent">送信済み</span> ${jstDateTime(e.sentAt)}`;
  return html`<span class="badge badge-warn">未送信（送信待ち）</span>`;
}

/** The card the person holds (or the newest one): not a 廃止 card when another exists. */
export const currentCard = (cards: readonly MyNumberCard[]): MyNumberCard | undefined =>
  cards.find((c) => c.status !== CardStatus.CANCELLED) ?? cards[0];

/**
 * The 個人番号カード panel of the resident record (domain spec §3.6, §4.8): the current card with its status, expiry
 * and storage limit, older cards, and every event of the person's cards (date, event, reason, sent to J-LIS and when).
 * `actions` renders the status events this user may record for a card (card-events), if any.
 */
export async function residentCardSection(
  em: EntityManager,
  addresseeNumber: string,
  actions?: (card: MyNumberCard) => SafeHtml | '',
): Promise<SafeHtml> {
  const cards = await em.find(
    MyNumberCard,
    { addresseeNumber },
    { orderBy: { producedOn: 'desc', createdAt: 'desc' } },
  );
  const head = html`<h2 id="h-card">個人番号カード</h2>`;
  if (!cards.length)
    return html`<section class="panel" id="card-panel" aria-labelledby="h-card">${head}<p class="muted">この方の個人番号カードの記録はありません。</p></section>`;
  const events = await em.find(
    CardEventRecord,
    { cardId: { $in: cards.map((c) => c.cardId) } },
    { orderBy: { recordedAt: 'desc', id: 'desc' } },
  );
  const current = currentCard(cards)!;
  const waiting = current.status === CardStatus.AT_OFFICE || current.status === CardStatus.NOTICE_SENT;
  const rows: Array<[string, SafeHtml | string]> = [
    ['状態', cardStatusBadge(current.status)],
    ['カード管理番号', html`<span class="mono">${current.cardId}</span>`],
    ['交付日', wareki(current.issuedOn)],
    ['有効期限', wareki(current.expiryDate)],
    ...(waiting
      ? ([
          ['市区町村への到着', wareki(current.atOfficeOn)],
          ['交付通知書の送付', wareki(current.noticeSentOn)],
          ['保管期限', wareki(current.storageLimitDate)],
        ] as Array<[string, string]>)
      : []),
    [
      '署名用電子証明書',
      current.signingCertIssued === undefined || current.signingCertIssued === null
        ? current.hasSigningCert
          ? '搭載（交付時に発行の有無を記録）'
          : '搭載なし'
        : current.signingCertIssued
          ? '発行'
          : '発行なし',
    ],
    ['交付の案件', current.caseId ? caseLink(current.caseId) : ''],
  ];
  const others = cards.filter((c) => c !== current);
  return html`<section class="panel" id="card-panel" aria-labelledby="h-card">${head}
    <table class="grid compare"><tbody>${rows.filter(([, v]) => v !== '').map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table>
    ${actions ? actions(current) : ''}
    ${
      others.length
        ? html`<h3>以前のカード</h3><table class="grid"><thead><tr><th scope="col">カード管理番号</th><th scope="col">状態</th><th scope="col">交付日</th><th scope="col">有効期限</th></tr></thead><tbody>
      ${others.map((c) => html`<tr><td class="mono">${c.cardId}</td><td>${cardStatusBadge(c.status)}</td><td>${wareki(c.issuedOn)}</td><td>${wareki(c.expiryDate)}</td></tr>`)}</tbody></table>`
        : ''
    }
    <h3>カードの履歴</h3>
    <table class="grid card-events" id="card-events"><thead><tr><th scope="col">日付</th><th scope="col">事象</th><th scope="col">理由</th><th scope="col">状態の変化</th><th scope="col">記録元</th><th scope="col">J-LIS への通知</th><th scope="col">更新順番号</th>${others.length ? html`<th scope="col">カード管理番号</th>` : ''}</tr></thead><tbody>
    ${events.map(
      (
        e,
      ) => html`<tr data-kind="${e.kind}"><td>${wareki(e.eventDate)}</td><td>${cardEventKindLabel[e.kind as CardEventKind] ?? e.kind}</td>
      <td>${e.reason ? (cardEventReasonLabel[e.reason as CardEventReason] ?? e.reason) : ''}</td>
      <td>${e.fromStatus === e.toStatus ? html`<span class="muted">変化なし</span>` : `${cardStatusLabel[e.fromStatus as CardStatus] ?? e.fromStatus} → ${cardStatusLabel[e.toStatus as CardStatus] ?? e.toStatus}`}</td>
      <td>${cardEventOriginLabel[e.origin] ?? e.origin}（${e.recordedBy}）</td><td>${sentText(e)}</td><td class="num">${e.sequenceNumber ?? ''}</td>
      ${others.length ? html`<td class="mono">${e.cardId}</td>` : ''}</tr>`,
    )}</tbody></table></section>`;
}
