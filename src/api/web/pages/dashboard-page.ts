import type { MikroORM } from '@mikro-orm/core';
import type { RequestHandler, Router } from 'express';
import { can } from '../../../domain/roles';
import { barChart, lineChart, stackedBarChart } from '../charts';
import { ageEl, caseLink, timeEl } from '../components';
import { duration, percent, wareki } from '../format';
import { html } from '../html';
import { page } from '../layout';
import { residentCodePoolLevel } from '../../../db/resident-code-pool';
import { loadDashboard, StatusGroup } from '../queries/dashboard-query';
import type { ProcedureTable } from '../../../procedures/table';
import { requireWebRole } from '../web-auth';
import { webOf } from '../web-context';

const GROUPS = [
  { key: StatusGroup.WAIT, label: '職員の作業待ち', cls: 'c0' },
  // 除票・転入通知・保管中: waiting for a date or a partner's message, no staff work (issue 14 bug 11)
  { key: StatusGroup.LATER, label: '日付・通知待ち', cls: 'c6' },
  { key: StatusGroup.RUN, label: '自動処理中', cls: 'c5' },
  { key: StatusGroup.ALERT, label: '要対応', cls: 'c3' },
  { key: StatusGroup.DONE, label: '完了', cls: 'c1' },
  { key: StatusGroup.CLOSED, label: '却下・取消・消去', cls: 'c7' },
];

const CHART_PARTNER: Record<string, string> = { CS: 'CS（住基ネット）', JLIS: 'J-LIS', PORTAL: 'マイナポータル' };
const dur = (ms: number | undefined) => (ms === undefined ? '—' : duration(ms));
const shortDuration = (ms: number) =>
  ms >= 3600_000
    ? `${Math.round(ms / 360_000) / 10}時間`
    : ms >= 60_000
      ? `${Math.round(ms / 6_000) / 10}分`
      : `${Math.round(ms / 1000)}秒`;

/** A small operational dashboard (issue #5 §7): SVG charts with the numbers beside them. */
export function installDashboardRoutes(
  r: Router,
  deps: {
    orm: MikroORM;
    municipalityName: string;
    procedures: ProcedureTable;
    residentCodePoolThreshold: number;
    partnerDownAfterFailures?: number;
  },
  session: RequestHandler,
) {
  r.get('/dashboard', session, requireWebRole(deps.orm, can.readCases, 'GET /dashboard'), async (req, res) => {
    const ctx = webOf(res);
    const d = await loadDashboard(deps.orm, ctx.now, deps.procedures, deps.partnerDownAfterFailures);
    const pool = await residentCodePoolLevel(deps.orm.em.fork());
    const poolLow = pool < deps.residentCodePoolThreshold;
    const body = html`
    <div class="cards">
      <div class="card">本日受付<b>${d.byProcedure.reduce((s, p) => s + Object.values(p.groups).reduce((a, b) => a + b, 0), 0)}</b>件（${wareki(d.today)}）</div>
      <div class="card">決裁待ち<b>${d.waitingApprovals}</b>件</div>
      <div class="card ${d.oldestApproval ? 'card-alert' : 'card-ok'}">最も古い決裁待ち<b>${d.oldestApproval ? ageEl(d.oldestApproval.createdAt, ctx.now) : '—'}</b>${d.oldestApproval ? html`${caseLink(d.oldestApproval.caseId)}（${ctx.labels.procedureText(d.oldestApproval.procedure)}）` : 'ありません'}</div>
      <div class="card">受付から完了まで（7日間）<b>中央値 ${dur(d.week.p50)}</b>p95 ${dur(d.week.p95)} ／ ${d.week.count}件</div>
      <div class="card ${poolLow ? 'card-alert' : 'card-ok'}">住民票コードの在庫<b>${pool}</b>${poolLow ? html`下限 ${deps.residentCodePoolThreshold} を下回っています` : html`下限 ${deps.residentCodePoolThreshold}`}</div>
    </div>
    <div class="charts">
      <section class="panel chart" aria-labelledby="h-c1"><h2 id="h-c1">本日の案件（手続・状態別）</h2>
        ${d.byProcedure.length ? stackedBarChart({ title: '本日の案件数（手続・状態別）', keys: GROUPS, rows: d.byProcedure.map((p) => ({ label: ctx.labels.procedureText(p.procedure), segments: p.groups })) }) : html`<p class="muted">本日の受付はまだありません。</p>`}
        <details><summary>状態別の件数</summary><table class="grid"><thead><tr><th scope="col">手続</th><th scope="col">状態</th><th scope="col">件数</th></tr></thead><tbody>
          ${d.byProcedure.flatMap((p) => Object.entries(p.statuses).map(([s, n]) => html`<tr><td>${ctx.labels.procedureText(p.procedure)}</td><td>${ctx.labels.statusText(s)}</td><td class="num">${n}</td></tr>`))}</tbody></table></details></section>
      <section class="panel chart" aria-labelledby="h-c2"><h2 id="h-c2">受付から完了までの時間（直近7日）</h2>
        ${
          d.week.count
            ? lineChart({
                title: '受付から完了までの時間（日別の中央値と95パーセンタイル）',
                labels: d.days.map((x) => x.date.slice(5).replace('-', '/')),
                format: shortDuration,
                series: [
                  { label: '中央値', cls: 'p50', values: d.days.map((x) => x.p50 ?? null) },
                  { label: '95パーセンタイル', cls: 'p95', values: d.days.map((x) => x.p95 ?? null) },
                ],
              })
            : html`<p class="muted">直近7日間に完了した案件はありません。</p>`
        }
        <details><summary>日別の数値</summary><table class="grid"><thead><tr><th scope="col">日</th><th scope="col">完了件数</th><th scope="col">中央値</th><th scope="col">p95</th></tr></thead><tbody>
          ${d.days.map((x) => html`<tr><td>${wareki(x.date)}</td><td class="num">${x.count}</td><td class="num">${dur(x.p50)}</td><td class="num">${dur(x.p95)}</td></tr>`)}</tbody></table></details></section>
      <section class="panel chart" aria-labelledby="h-c3"><h2 id="h-c3">連携先のエラー率（直近1時間）</h2>
        ${
          d.partners.some((p) => p.calls)
            ? barChart({
                title: '連携先ごとのエラー率',
                max: 1,
                format: (v) => percent(v, 0),
                bars: d.partners.map((p) => ({
                  label: CHART_PARTNER[p.partner] ?? p.partner,
                  value: p.errorRate,
                  cls: p.state === 'down' ? 'c3' : p.state === 'degraded' ? 'c2' : 'c1',
                  ...(p.calls ? { note: `(${p.failures}/${p.calls}件)` } : { valueText: '呼出なし' }),
                })),
              })
            : html`<p class="muted">直近1時間に連携先の呼出はありません。</p>`
        }</section>
      <section class="panel wide" aria-labelledby="h-c4"><h2 id="h-c4">決裁待ちの古い順（上位5件）</h2>${
        d.oldestApprovals.length
          ? html`<table class="grid nowrap"><thead><tr><th scope="col">案件番号</th><th scope="col">手続</th><th scope="col">受付</th><th scope="col">経過</th><th scope="col">入力者</th><th scope="col">担当者</th></tr></thead><tbody>
        ${d.oldestApprovals.map((c) => html`<tr><td>${caseLink(c.caseId)}</td><td>${ctx.labels.procedureText(c.procedure)}</td><td>${timeEl(c.createdAt)}</td><td class="num">${ageEl(c.createdAt, ctx.now)}</td><td>${c.enteredBy}</td><td>${c.assignedTo ?? '未割当'}</td></tr>`)}</tbody></table>`
          : html`<p class="muted">決裁待ちの案件はありません。</p>`
      }</section>
    </div>`;
    res.type('html').send(page({ title: 'ダッシュボード', ctx, body, municipalityName: deps.municipalityName }));
  });
}
