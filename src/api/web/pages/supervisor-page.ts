import type { MikroORM } from '@mikro-orm/core';
import type { RequestHandler, Router } from 'express';
import { can } from '../../../domain/roles';
import { AttentionReason } from '../../../domain/case-status';
import { jstDate } from '../../../domain/dates';
import { MyNumberCard, StaffUser } from '../../../db/entities';
import { CardQueue, cardQueueFilter } from '../../../procedures/card-issuance/service';
import { ACTION_SPECS } from '../case-actions-ui';
import { ageEl, attentionBadge, caseLink, dueEl, timeEl } from '../components';
import { errorExplained } from './case-sections';
import { takeFlash } from '../flash';
import { html, type SafeHtml } from '../html';
import { attentionLabel, partnerLabel, stepText } from '../labels';
import { page } from '../layout';
import { loadConsole, type AttentionCase, type ConsoleFilter } from '../queries/attention-query';
import { PARTNERS, Reason } from '../queries/attention-rules';
import { loadNumberConsole, numberAttentionLabel, type NumberConsole } from '../queries/individual-number-query';
import { loadPartnerHealth, type PartnerStatus } from '../queries/partner-health-query';
import { requireWebRole } from '../web-auth';
import { webOf, type WebContext } from '../web-context';

const BULK_ACTIONS = ['retry-now', 'reassign', 'escalate', 'cancel'] as const;
const healthText: Record<string, string> = { ok: '正常', degraded: '一部エラー', down: '障害', unknown: '記録なし' };

const href = (f: ConsoleFilter) =>
  `/supervisor?${new URLSearchParams(Object.entries(f).filter(([, v]) => v) as Array<[string, string]>).toString()}`;

function detail(c: AttentionCase, ctx: WebContext): SafeHtml {
  const now = ctx.now;
  const r = c.row;
  return html`${c.reasons.map(
    (reason) => html`<div>${attentionBadge(reason === 'UNSPECIFIED' ? r.attentionReason : reason)}
    ${reason === Reason.ACTIVITY_FAILING && r.failingStep ? html`${stepText(r.failingStep)}：試行 ${r.attempt ?? '?'} 回 ／ ${errorExplained(r.lastError, ctx)} ／ 次の再試行 ${r.nextRetryAt ? html`${timeEl(r.nextRetryAt)}（${dueEl(r.nextRetryAt, now)}）` : '—'}` : ''}
    ${reason === Reason.APPROVAL_OVERDUE ? html`決裁期限 ${r.dueAt ? html`${timeEl(r.dueAt)} ${dueEl(r.dueAt, now)}` : '超過'}` : ''}
    ${reason === Reason.PURGE_SOON && c.purgeAt ? html`消去予定 ${timeEl(c.purgeAt)}（${dueEl(c.purgeAt, now)}）` : ''}
    ${reason === Reason.MOVE_IN_NOTICE_OVERDUE ? '転出予定日から所定の日数を過ぎても転入通知が届いていません（転入通知未着照会を検討）' : ''}
    ${reason === Reason.CS_REJECTED ? '原因を修正して「今すぐ再試行」で再送してください' : ''}
    ${reason === Reason.CERTIFICATE_INFO_OVERDUE ? '送信依頼への回答（転出証明書情報）が届いていません' : ''}
    ${reason === AttentionReason.CARD_STORAGE_LIMIT ? html`カードが受け取られていません（催告済み）。保管期限を過ぎると廃止し J-LIS へ通知します。<a href="/cards?queue=${CardQueue.STORAGE_EXPIRING}">保管期限間近の一覧</a>` : ''}</div>`,
  )}`;
}

function partnerCards(health: PartnerStatus[], byPartner: Map<string, number>, f: ConsoleFilter): SafeHtml {
  return html`<div class="cards" aria-label="連携先の状態">${PARTNERS.map((p) => {
    const h = health.find((x) => x.partner === p);
    const state = h?.state ?? 'unknown';
    return html`<a class="card ${state === 'down' || state === 'degraded' ? 'card-alert' : state === 'ok' ? 'card-ok' : ''}" href="${href({ ...f, partner: f.partner === p ? undefined : p })}"${f.partner === p ? html` aria-current="true"` : ''}>
      ${partnerLabel[p]}<b>${healthText[state]}</b>${h?.calls ? html`直近の呼出 ${h.calls} 件中エラー ${h.failures} 件${h.failingInARow > 1 ? html`（最新 ${h.failingInARow} 件連続エラー）` : ''}` : h?.source === 'cases' ? '呼出記録なし（案件から推定）' : '呼出記録なし'} ／ 滞留 ${byPartner.get(p) ?? 0} 件</a>`;
  })}</div>`;
}

function bulkForm(staffIds: string[]): SafeHtml {
  return html`<form id="bulk-form" class="bulk" aria-label="一括操作">
    <div class="bulk-row">
      <label for="bulk-action">選択した <span id="bulk-selected">0</span> 件に</label>
      <select id="bulk-action" name="bulkAction">${BULK_ACTIONS.map((a) => html`<option value="${a}">${ACTION_SPECS[a]!.label}</option>`)}</select>
      <label for="bulk-reason">理由<span class="req">（必須）</span></label><textarea id="bulk-reason" name="bulkReason" rows="1" maxlength="500"></textarea>
      <label for="bulk-to">割当先（再割当のみ）</label><input id="bulk-to" name="bulkTo" list="bulk-staff" autocomplete="off" size="12">
      <button type="submit" class="btn-primary">一括実行</button>
    </div>
    <datalist id="bulk-staff">${staffIds.map((s) => html`<option value="${s}">`)}</datalist>
    <div class="bulk-row"><progress id="bulk-progress" value="0" max="1" hidden></progress><span id="bulk-status" role="status" aria-live="polite"></span></div>
  </form>`;
}

function table(ctx: WebContext, cases: AttentionCase[], temporalUi: (workflowId: string) => string): SafeHtml {
  if (!cases.length) return html`<p class="empty">対応が必要な案件はありません。</p>`;
  return html`<table class="grid" data-nav><thead><tr><th scope="col"><input type="checkbox" id="select-all" aria-label="すべて選択"></th><th scope="col">案件番号</th><th scope="col">手続</th><th scope="col">状態</th>
    <th scope="col">要対応の理由と詳細</th><th scope="col">経過</th><th scope="col">担当者</th><th scope="col">ワークフロー</th><th scope="col">一括操作の結果</th></tr></thead><tbody>
    ${cases.map(
      (
        c,
      ) => html`<tr class="row-alert"><td><input type="checkbox" name="case" value="${c.row.caseId}" aria-label="${c.row.caseId} を選択"></td>
      <td>${caseLink(c.row.caseId)}</td><td>${ctx.labels.procedureText(c.row.procedure)}</td><td>${ctx.labels.statusBadge(c.row.status, false, c.row.procedure)}</td>
      <td>${detail(c, ctx)}</td><td class="num">${ageEl(c.row.createdAt, ctx.now)}</td>
      <td>${c.row.assignedTo ?? html`<span class="muted">未割当</span>`}<br><span class="muted">入力 ${c.row.enteredBy}</span></td>
      <td><a href="${temporalUi(c.row.workflowId)}" target="_blank" rel="noopener noreferrer">Temporal</a></td>
      <td data-result-for="${c.row.caseId}"></td></tr>`,
    )}</tbody></table>`;
}

/** The 住民票コード pool level (an alert below the threshold) and the 個人番号 generation tasks. */
function numberSection(ctx: WebContext, n: NumberConsole): SafeHtml {
  const low = n.poolLevel < n.poolThreshold;
  return html`<div class="cards" aria-label="住民票コードと個人番号生成">
      <div class="card ${low ? 'card-alert' : 'card-ok'}">住民票コードの在庫<b>${n.poolLevel}</b>${low ? html`下限 ${n.poolThreshold} を下回っています：CS から払出しを受けてください` : html`下限 ${n.poolThreshold}`}</div>
      <div class="card ${n.requests.length ? 'card-alert' : 'card-ok'}">個人番号生成の要対応<b>${n.requests.length}</b>件</div></div>
    ${
      n.requests.length
        ? html`<table class="grid"><caption>個人番号生成の要対応</caption><thead><tr><th scope="col">案件番号</th><th scope="col">宛名番号</th><th scope="col">理由</th><th scope="col">発生</th><th scope="col">要求日時</th></tr></thead><tbody>
      ${n.requests.map((r) => html`<tr class="row-alert"><td>${caseLink(r.caseId)}</td><td class="mono">${r.addresseeNumber}</td><td>${numberAttentionLabel[r.attentionReason ?? ''] ?? r.attentionReason}</td><td>${r.attentionAt ? timeEl(r.attentionAt) : ''}</td><td>${timeEl(r.requestedAt)}（${ageEl(r.requestedAt, ctx.now)}）</td></tr>`)}
    </tbody></table>`
        : ''
    }`;
}

/** Uncollected 個人番号カード close to their storage limit (廃止 after it), linked to the clerks' card queue. */
const cardSection = (n: number, leadDays: number): SafeHtml =>
  html`<div class="cards" aria-label="個人番号カード"><a class="card ${n ? 'card-alert' : 'card-ok'}" href="/cards?queue=${CardQueue.STORAGE_EXPIRING}" id="card-storage-expiring">個人番号カードの保管期限間近<b>${n}</b>件（保管期限まで${leadDays}日以内・未受領）</a>
    <a class="card" href="/cards?queue=${CardQueue.RENEWAL}">個人番号カードの更新のお知らせ対象<b>→</b>一覧を開く</a></div>`;

/** The supervisor's console (issue #5 §6): every stuck case with its reason, counts, and per-case or bulk actions. */
export function installSupervisorRoutes(
  r: Router,
  deps: {
    orm: MikroORM;
    municipalityName: string;
    temporalUi: (workflowId: string) => string;
    /** Below it the 住民票コード pool is flagged (RESIDENT_CODE_POOL_THRESHOLD). */
    residentCodePoolThreshold: number;
    /** Uncollected cards this many days before their storage limit are shown (CARD_REMINDER_LEAD_DAYS). */
    cardReminderLeadDays: number;
    /** PARTNER_DOWN_AFTER_FAILURES: failed calls in a row that make a partner 障害. */
    partnerDownAfterFailures: number;
  },
  session: RequestHandler,
) {
  r.get('/supervisor', session, requireWebRole(deps.orm, can.superviseCases, 'GET /supervisor'), async (req, res) => {
    const ctx = webOf(res);
    const q = (k: string) => (typeof req.query[k] === 'string' && req.query[k] ? (req.query[k] as string) : undefined);
    const f: ConsoleFilter = {
      reason: q('reason'),
      partner: PARTNERS.find((p) => p === q('partner')),
      procedure: q('procedure') && ctx.labels.isProcedure(q('procedure')!) ? q('procedure') : undefined,
    };
    const data = await loadConsole(deps.orm, ctx.now, f);
    const health = await loadPartnerHealth(deps.orm, ctx.now, data, deps.partnerDownAfterFailures);
    const numbers = await loadNumberConsole(deps.orm, deps.residentCodePoolThreshold);
    const expiringCards = await deps.orm.em
      .fork()
      .count(
        MyNumberCard,
        cardQueueFilter(CardQueue.STORAGE_EXPIRING, jstDate(ctx.now), deps.cardReminderLeadDays) as never,
      );
    const staffIds = (
      await deps.orm.em.fork().find(StaffUser, { active: true }, { fields: ['userId'], orderBy: { userId: 'asc' } })
    ).map((s) => s.userId);
    const byPartner = new Map(data.byPartner);
    // live parts (issue 14 bug 7): app.js reloads them every 15 s while the supervisor is not using a form
    const body = html`<div data-live-every="15000">
    <div id="live-console-state" data-live><div class="cards" aria-label="理由別の件数"><a class="card ${data.total ? 'card-alert' : 'card-ok'}" href="/supervisor"${!f.reason ? html` aria-current="true"` : ''}>要対応の案件<b>${data.total}</b>すべて</a>
      ${data.byReason.map(([reason, n]) => html`<a class="card card-alert" href="${href({ ...f, reason: f.reason === reason ? undefined : reason })}"${f.reason === reason ? html` aria-current="true"` : ''}>${attentionLabel[reason] ?? reason}<b>${n}</b>件</a>`)}</div>
    ${partnerCards(health, byPartner, f)}
    ${numberSection(ctx, numbers)}
    ${cardSection(expiringCards, deps.cardReminderLeadDays)}</div>
    <form method="get" action="/supervisor" class="filters" role="search" aria-label="絞り込み">
      ${f.reason ? html`<input type="hidden" name="reason" value="${f.reason}">` : ''}${f.partner ? html`<input type="hidden" name="partner" value="${f.partner}">` : ''}
      <label>手続 <select name="procedure" data-search>${ctx.labels.procedureOptions(f.procedure)}</select></label><button type="submit">表示</button>
      <span class="muted">表示中 ${data.cases.length} 件${f.reason ? ` ／ 理由: ${attentionLabel[f.reason] ?? f.reason}` : ''}${f.partner ? ` ／ 連携先: ${partnerLabel[f.partner]}` : ''}</span>
    </form>
    ${bulkForm(staffIds)}
    <div id="live-console-cases" data-live>${table(ctx, data.cases, deps.temporalUi)}
    ${data.truncated ? html`<p class="muted">先頭の案件のみ表示しています。絞り込んでください。</p>` : ''}</div></div>`;
    res.type('html').send(
      page({
        title: '監督者コンソール',
        ctx,
        body,
        municipalityName: deps.municipalityName,
        notice: takeFlash(req, res),
      }),
    );
  });
}
