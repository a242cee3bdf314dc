import { randomUUID } from 'node:crypto';
import { REJECTION_TEXT, stepErrorText } from '../../../domain/partner-error-text';
import { can } from '../../../domain/roles';
import type { CaseView } from '../../case-service';
import { attentionBadge, flagBadges, timeEl, ageEl, dueEl, type CaseLabels } from '../components';
import { jstDateTime } from '../format';
import { html, type SafeHtml } from '../html';
import { actionLabel, certificateTypeLabel, flagText, messageKindLabel, stepText } from '../labels';
import { formGuards } from '../layout';
import type { Facts, PersonComparison } from '../panels/panel-types';
import type { WebContext } from '../web-context';

/** Sections of the case screen (summary, stuck state, progress, findings, comparison, documents, timeline). */

export function summarySection(c: CaseView, ctx: WebContext): SafeHtml {
  return html`<section class="panel summary" aria-labelledby="h-summary"><h2 id="h-summary" class="sr-only">概要</h2><dl class="facts facts-wide">
    <dt>案件番号</dt><dd class="mono">${c.caseId}</dd>
    <dt>手続</dt><dd>${c.procedureLabel}</dd>
    <dt>状態</dt><dd>${ctx.labels.statusBadge(c.status, c.needsAttention, c.procedure)} ${c.needsAttention ? attentionBadge(c.attentionReason) : ''} ${c.escalated ? html`<span class="badge badge-alert">エスカレーション中</span>` : ''}</dd>
    <dt>受付</dt><dd>${timeEl(c.createdAt)}（経過 ${ageEl(c.createdAt, ctx.now)}）</dd>
    ${c.dueAt && (c.awaitingRole || c.status === 'HELD' || c.status === 'IN_USE') ? html`<dt>${c.awaitingRole ? '処理期限' : '消去予定'}</dt><dd>${timeEl(c.dueAt)} ${dueEl(c.dueAt, ctx.now)}</dd>` : ''}
    <dt>入力者</dt><dd>${c.enteredBy === 'portal' ? 'マイナポータル（電子申請）' : c.enteredBy}${c.makerId && c.makerId !== c.enteredBy ? `（審査 ${c.makerId}）` : ''}</dd>
    <dt>担当者</dt><dd>${c.assignedTo ?? html`<span class="muted">未割当</span>`}</dd>
    ${c.awaitingRole ? html`<dt>次の作業</dt><dd>${c.awaitingRole === 'approver' ? '決裁者の決裁' : c.status === 'RETURNED' ? '入力者の修正・再提出' : '窓口担当の審査'}</dd>` : ''}
    ${c.decidedBy ? html`<dt>決裁者</dt><dd>${c.decidedBy}</dd>` : ''}
    ${c.completedAt ? html`<dt>終了</dt><dd>${timeEl(c.completedAt)}</dd>` : ''}
    ${c.temporalUi && can.superviseCases(ctx.staff.roles) ? html`<dt>ワークフロー</dt><dd><a href="${c.temporalUi}" target="_blank" rel="noopener noreferrer">Temporal Web UI で開く</a></dd>` : ''}
  </dl></section>`;
}

/**
 * A stored step error in Japanese (issue 14 bug 7); the technical text (scrubbed: safeErrorText) only in a detail that
 * supervisors may open.
 */
export function errorExplained(lastError: string | null | undefined, ctx: Pick<WebContext, 'staff'>): SafeHtml | '' {
  const text = stepErrorText(lastError);
  if (!text) return '';
  return html`<span class="error-text">${text.message}</span>${
    can.superviseCases(ctx.staff.roles)
      ? html` <details class="tech-detail"><summary>技術情報</summary><code class="mono">${lastError}</code></details>`
      : ''
  }`;
}

/** "Stuck is visible" (architecture principle 8): the failing step, attempts, last error and next retry. */
export function stuckSection(c: CaseView, ctx: WebContext): SafeHtml | '' {
  if (!c.failingStep && !c.needsAttention) return '';
  return html`<section class="panel panel-alert" aria-labelledby="h-stuck" role="region"><h2 id="h-stuck">要対応</h2>
    ${
      c.failingStep
        ? html`<p>処理「${stepText(c.failingStep)}」が失敗しています。${c.nextRetryAt ? '自動で再試行を続けています。' : ''}</p>
    <dl class="facts"><dt>試行回数</dt><dd>${c.attempt ?? ''} 回</dd><dt>最後のエラー</dt><dd class="step-error">${errorExplained(c.lastError, ctx)}</dd>
    <dt>次の再試行</dt><dd id="next-retry">${c.nextRetryAt ? html`${timeEl(c.nextRetryAt)}（${dueEl(c.nextRetryAt, ctx.now)}）` : '—'}</dd></dl>`
        : ''
    }
    ${c.needsAttention && !c.failingStep ? html`<p>${attentionBadge(c.attentionReason)}</p>` : ''}
  </section>`;
}

/** Progress of the case: the steps of its procedure's definition, the current one marked. */
export function stepsSection(
  c: CaseView,
  steps: ReadonlyArray<{ label: string; statuses: readonly string[] }>,
  labels: CaseLabels,
): SafeHtml | '' {
  if (!steps.length) return '';
  const current = steps.findIndex((s) => s.statuses.includes(c.status));
  const closed = current < 0;
  return html`<ol class="steps" aria-label="進捗">${steps.map((s, i) => {
    const finished = i === current && i === steps.length - 1 && c.completedAt;
    const state = closed
      ? 'todo'
      : i < current || finished
        ? 'done'
        : i === current
          ? c.needsAttention
            ? 'stuck'
            : 'now'
          : 'todo';
    return html`<li class="step step-${state}"${state === 'now' || state === 'stuck' ? html` aria-current="step"` : ''}>${s.label}</li>`;
  })}${closed ? html`<li class="step step-closed" aria-current="step">${labels.statusBadge(c.status, false, c.procedure)}</li>` : ''}</ol>`;
}

/** The rule whose finding says a 世帯主変更 must be filed first: it links to the 世帯変更 form of the household. */
export const HEAD_CHANGE_REQUIRED = 'HEAD_CHANGE_REQUIRED';

/**
 * 「先に世帯主変更が必要です」 (HEAD_CHANGE_REQUIRED, domain spec §3.2): for a clerk, the 世帯変更 form of that household
 * (世帯主変更 preselected) one click away, posted with the 世帯番号 (never in a URL).
 */
export function headChangeAction(
  c: Pick<CaseView, 'flags'>,
  findings: ReadonlyArray<{ rule: string }>,
  app: Record<string, unknown>,
  ctx: WebContext,
): Partial<Record<string, SafeHtml>> {
  const needed = [...(c.flags ?? []), ...findings.map((f) => f.rule)].includes(HEAD_CHANGE_REQUIRED);
  const householdNumber = typeof app.householdNumber === 'string' ? app.householdNumber : '';
  if (!needed || !/^\d{7}$/.test(householdNumber) || !can.enterCase(ctx.staff.roles)) return {};
  return {
    [HEAD_CHANGE_REQUIRED]: html` <form method="post" action="/intake/household-change/start" class="inline" id="head-change-link">${formGuards(ctx, randomUUID())}<input type="hidden" name="householdNumber" value="${householdNumber}"><input type="hidden" name="kind" value="headChange"><button type="submit" class="btn-small">この世帯の世帯変更届（世帯主変更）を作成</button></form>`,
  };
}

export function findingsSection(
  c: CaseView,
  findings: NonNullable<CaseView['findings']>,
  /** Per rule, a control shown after its finding (e.g. the 世帯変更 form of the household for HEAD_CHANGE_REQUIRED). */
  actions: Partial<Record<string, SafeHtml>> = {},
): SafeHtml | '' {
  // a finding's rule is also a case flag: show it once, with the finding's own message (it may name the mover)
  const flags = (c.flags ?? []).filter((f) => !findings.some((x) => x.rule === f));
  if (!flags.length && !findings.length)
    return html`<section class="panel" aria-labelledby="h-find"><h2 id="h-find">自動確認の結果</h2><p class="muted">指摘事項はありません。</p></section>`;
  return html`<section class="panel" aria-labelledby="h-find"><h2 id="h-find">自動確認の結果</h2><ul class="findings">
    ${flags.map((f) => html`<li class="finding finding-${flagText[f]?.level ?? 'info'}">${flagBadges([f])} ${flagText[f]?.explain ?? f}${actions[f] ?? ''}</li>`)}
    ${findings.map((f) => html`<li class="finding finding-warn">${flagBadges([f.rule])} ${f.message}${f.mover !== undefined ? `（転出者 ${f.mover + 1}）` : ''}${actions[f.rule] ?? ''}</li>`)}
  </ul></section>`;
}

export function factsSection(facts: Facts): SafeHtml | '' {
  const shown = facts.filter(([, v]) => v !== '');
  return shown.length
    ? html`<section class="panel" aria-labelledby="h-app"><h2 id="h-app">届出内容</h2><dl class="facts">${shown.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl></section>`
    : '';
}

export function comparisonSection(
  persons: PersonComparison[],
  opts: { committed: boolean; closed?: boolean; revealForm?: SafeHtml },
): SafeHtml | '' {
  if (!persons.length) return '';
  const badge = opts.committed
    ? html`<span class="badge badge-done">本登録済み</span>`
    : opts.closed
      ? html`<span class="badge badge-closed">記載なし（終了）</span>`
      : html`<span class="badge badge-wait">仮登録（未反映）</span>`;
  return html`<section class="panel" aria-labelledby="h-cmp"><h2 id="h-cmp">住民票の変更内容 ${badge}</h2>
    ${opts.revealForm ?? ''}
    ${persons.map(
      (p) => html`<div class="person"><h3>${p.heading}</h3>${p.note ? html`<p class="help">${p.note}</p>` : ''}
    <table class="grid compare compare-${p.columns.length}"><thead><tr><th scope="col">項目</th>${p.columns.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
    <tbody>${p.rows.map((r) => html`<tr${r.changed.some(Boolean) ? html` class="has-change"` : ''}><th scope="row">${r.label}</th>${r.values.map((v, i) => html`<td${r.changed[i] ? html` class="${r.values[i - 1] ? 'changed' : 'added'}"` : ''}>${v || html`<span class="muted">—</span>`}${r.changed[i] ? html`<span class="sr-only">${r.values[i - 1] ? '（変更）' : '（新規）'}</span>` : ''}</td>`)}</tr>`)}</tbody></table></div>`,
    )}
  </section>`;
}

export function documentsSection(c: CaseView, ctx: WebContext): SafeHtml {
  const back = `/cases/${encodeURIComponent(c.caseId)}`;
  const mayIssue = can.issueCertificate(ctx.staff.roles);
  return html`<section class="panel" aria-labelledby="h-docs"><h2 id="h-docs">帳票</h2>
  ${
    c.certificates.length
      ? html`<table class="grid"><thead><tr><th scope="col">種別</th><th scope="col">発行番号</th><th scope="col">発行日時</th><th scope="col">枚数</th><th scope="col">操作</th></tr></thead><tbody>
    ${[...c.certificates]
      .sort((a, b) => new Date(a.issuedAt).getTime() - new Date(b.issuedAt).getTime())
      .map(
        (
          d,
        ) => html`<tr><td>${d.printedItems?.equivalent ? '転出証明書に準ずる証明書' : (certificateTypeLabel[d.type] ?? d.type)}${d.printedItems?.reissue ? html` <span class="badge badge-warn">再交付</span>` : ''}${d.printedItems?.includeIndividualNumber ? html` <span class="badge badge-info">個人番号記載</span>` : ''}</td>
      <td class="mono">${d.issueNumber}</td><td>${timeEl(d.issuedAt)}</td><td class="num">${d.pages}</td>
      <td>${
        mayIssue
          ? html`<a href="${d.href}" target="_blank" rel="noopener">表示</a> ・ <a href="${d.href}" download="${d.certificateId}.pdf">ダウンロード</a>
        <form method="post" action="/certificates/${d.certificateId}/reissue" class="inline" data-confirm="再交付します（新しい発行番号で「再交付」と記載されます）。よろしいですか？">${formGuards(ctx, randomUUID())}<input type="hidden" name="return" value="${back}"><button type="submit" class="btn-small">再交付</button></form>`
          : html`<span class="muted">交付権限のある職員のみ</span>`
      }</td></tr>`,
      )}
  </tbody></table>`
      : html`<p class="muted">発行された帳票はありません。</p>`
  }</section>`;
}

function actionDetail(a: CaseView['actions'][number], ctx: Pick<WebContext, 'staff'>): SafeHtml {
  const d = a.detail ?? {};
  const parts: Array<SafeHtml | string> = [];
  if (a.action === 'ACTIVITY_FAILED')
    parts.push(
      html`${stepText(d.step)} — 試行 ${d.attempt ?? ''} 回目：${errorExplained(d.error, ctx)}${d.nextRetryAt ? `（次の再試行 ${jstDateTime(d.nextRetryAt, { timeOnly: true })}）` : ''}`,
    );
  if (d.kind && messageKindLabel[d.kind])
    parts.push(
      `${messageKindLabel[d.kind]}${d.sequence !== undefined ? `（更新順番号 ${d.sequence}）` : ''}${d.duplicate ? '（重複: 既に受理済み）' : ''}`,
    );
  if (d.code) parts.push(`${REJECTION_TEXT[d.code] ?? '受け付けられない内容'}（エラーコード ${d.code}）`);
  if (d.type)
    parts.push(
      `${certificateTypeLabel[d.type] ?? d.type}${d.pages ? ` ${d.pages}枚` : ''}${d.reissueOf ? '（再交付）' : ''}`,
    );
  if (d.to) parts.push(`担当 ${d.previous ?? '未割当'} → ${d.to}`);
  else if (a.action === 'RELEASE' && d.previous) parts.push(`${d.previous} の担当を解除`);
  if (a.action === 'RETRY_NOW') parts.push(d.what === 'delivery' ? 'CS エラー後の再送' : '失敗中の処理を直ちに再実行');
  if (a.action === 'COMPENSATE') {
    parts.push(
      `異動の取消し ${Array.isArray(d.compensated) ? d.compensated.length : 0}名 ／ 取消の通知 ${d.outbox ?? 0}件 ／ 未送信で取り下げ ${d.withdrawnUnsent ?? 0}件`,
    );
    if (Array.isArray(d.followUp) && d.followUp.length)
      parts.push(
        html`<strong class="overdue">要フォロー: ${d.followUp.map((k: string) => messageKindLabel[k] ?? k).join('、')}</strong>`,
      );
  }
  if (Array.isArray(d.flags) && d.flags.length) parts.push(html`${flagBadges(d.flags as string[])}`);
  if (d.reason) parts.push(`理由：${d.reason}`);
  return html`${parts.map((p, i) => html`${i ? ' ／ ' : ''}${p}`)}`;
}

export function timelineSection(c: CaseView, ctx: Pick<WebContext, 'staff'>): SafeHtml {
  const rows = [...c.actions].sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  return html`<section class="panel" aria-labelledby="h-tl"><h2 id="h-tl">経過（操作とワークフローの処理）</h2>
    <table class="grid timeline"><thead><tr><th scope="col">日時</th><th scope="col">内容</th><th scope="col">実施者</th><th scope="col">詳細</th></tr></thead><tbody>
    ${rows.map(
      (
        a,
      ) => html`<tr class="tl-${a.action === 'ACTIVITY_FAILED' || a.action === 'CS_REJECTED' ? 'fail' : 'ok'}"><td>${jstDateTime(a.at, { seconds: true })}</td><td>${actionLabel[a.action] ?? a.action}</td>
      <td>${a.actorId === 'system' ? html`<span class="muted">システム</span>` : a.actorId}</td><td>${actionDetail(a, ctx)}</td></tr>`,
    )}
    </tbody></table></section>`;
}
