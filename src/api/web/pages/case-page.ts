import type { Request, RequestHandler, Response, Router } from 'express';
import { can } from '../../../domain/roles';
import { StaffUser } from '../../../db/entities';
import { caseVersionOf } from '../../case-service';
import { ApiError } from '../../errors';
import type { CaseView } from '../../case-service';
import { allowedActionsOf } from '../case-actions-ui';
import { takeFlash } from '../flash';
import { html, type SafeHtml } from '../html';
import { formGuards, page } from '../layout';
import { genericFacts } from '../panels/application-facts';
import type { WebDeps } from '../web-deps';
import { committedComparison } from '../queries/case-registry';
import type { PersonComparison } from '../panels/panel-types';
import { blockedAddresseeNumbers } from '../queries/resident-search-query';
import { WebError, webOf } from '../web-context';
import { actionsPanel } from './case-actions-panel';
import {
  comparisonSection,
  documentsSection,
  factsSection,
  findingsSection,
  headChangeAction,
  stepsSection,
  stuckSection,
  summarySection,
  timelineSection,
} from './case-sections';
import { randomUUID } from 'node:crypto';

const CASE_ID = /^[A-Za-z0-9-]{1,64}$/;

/** 差戻し: the reason at the top, and for the maker 「訂正して再提出」 (the intake form pre-filled) — issue 14 item 4. */
const returnedSection = (view: CaseView, userId: string, intakePath: string | undefined): SafeHtml | '' =>
  view.status === 'RETURNED'
    ? html`<section class="notice notice-error" id="return-reason" aria-labelledby="h-return"><h2 id="h-return">差戻し中</h2>
      <p>差戻しの理由：<span id="return-reason-text">${view.returnReason ?? '（理由の記録なし）'}</span></p>
      ${
        view.correctable && intakePath && (view.makerId ?? view.enteredBy) === userId
          ? html`<p><a class="btn-primary btn-link-big" id="correct-link" href="/intake/${intakePath}?correct=${encodeURIComponent(view.caseId)}">訂正して再提出</a> <span class="help">届出の様式を申請内容で開きます（個人番号は変更する場合だけ入力）。内容を変えずに戻す場合は「再提出」。</span></p>`
          : ''
      }</section>`
    : '';

/** The last correction, item by item (before → after; a 個人番号 only as 「変更あり」), for the approver at 決裁. */
const correctionSection = (view: CaseView): SafeHtml | '' =>
  view.correction
    ? html`<section class="panel" id="correction-diff" aria-labelledby="h-corr"><h2 id="h-corr">訂正内容（第${view.correction.version}版、${view.correction.by} が訂正）</h2>
      ${
        view.correction.changes.length
          ? html`<table class="data"><thead><tr><th scope="col">項目</th><th scope="col">訂正前</th><th scope="col">訂正後</th></tr></thead><tbody>
        ${view.correction.changes.map((c) => html`<tr data-path="${c.path}"><th scope="row">${c.label}</th><td>${c.before ?? '—'}</td><td><strong>${c.after ?? '（削除）'}</strong></td></tr>`)}
        </tbody></table>`
          : html`<p>前回の申請から変更された項目はありません。</p>`
      }</section>`
    : '';

/** The draft of a case closed before 本登録: nothing was or will be recorded (issue 14 bug 11). */
const unrecordedDraft = (p: PersonComparison, statusLabel: string | undefined): PersonComparison => ({
  ...p,
  columns: p.columns.map((c, i) => (i === p.columns.length - 1 ? '届出内容（住民票には記載されていません）' : c)),
  note: `この案件は「${statusLabel ?? '終了'}」のため、住民票は変更されていません。`,
});

async function renderCase(req: Request, res: Response, deps: WebDeps, reveal: boolean) {
  const ctx = webOf(res);
  const caseId = String(req.params.caseId);
  if (!CASE_ID.test(caseId)) throw new WebError(404, '案件が見つかりません。');
  const view = await deps.services.cases.read(ctx.staff, caseId, { reveal }).catch((e: unknown) => {
    if (!(e instanceof ApiError)) throw e;
    throw new WebError(e.status, e.status === 404 ? '案件が見つかりません。' : e.message || '案件を表示できません。');
  });
  const em = deps.orm.em.fork();
  const module = deps.procedures.caseModule(view.procedure);
  const panel = module?.web.panel ?? {};
  const app = (view.application ?? {}) as Record<string, any>;
  const pctx = { em, pii: deps.pii, view, app, reveal, staff: ctx.staff, csrf: ctx.csrf };
  const committed = await committedComparison(pctx);
  const draft = committed ? undefined : await panel.draftComparison?.(pctx);
  // a case closed before 本登録 (取消し, 却下) recorded nothing: its draft is the application, not what 決裁 will write
  const closed = !committed && deps.procedures.isFinal(view.procedure, view.status);
  const persons = committed ?? (closed ? draft?.map((p) => unrecordedDraft(p, view.statusLabel)) : draft) ?? [];
  const extra = await panel.extra?.(pctx);
  // 支援措置 / 抑止: the status is visible on every screen that shows the person (domain.md §8.6)
  const protectedSubjects = await blockedAddresseeNumbers(em, view.subjectAddresseeNumbers ?? []);
  await em.flush(); // audit rows of records read beside the case (e.g. a 除票 on 再転入)
  const notice =
    takeFlash(req, res) ??
    (reveal ? { kind: 'info' as const, text: '個人番号を表示しています。この閲覧は記録されました。' } : undefined);
  const staffIds = allowedActionsOf(view).includes('reassign')
    ? (await em.find(StaffUser, { active: true }, { fields: ['userId'], orderBy: { userId: 'asc' } })).map(
        (s) => s.userId,
      )
    : [];
  const path = `/cases/${encodeURIComponent(caseId)}`;
  const revealForm = can.seeIndividualNumber(ctx.staff.roles)
    ? reveal
      ? html`<p class="reveal"><a href="${path}">個人番号を隠す</a></p>`
      : html`<form method="post" action="${path}/reveal" class="reveal" data-confirm="個人番号を表示します。この閲覧は監査記録に残ります。よろしいですか？">${formGuards(ctx, randomUUID())}<button type="submit" class="btn-small">個人番号を表示</button> <span class="help">（表示は記録されます）</span></form>`
    : html`<p class="help">個人番号は表示できません（個人番号利用事務の権限が必要です）。</p>`;
  const facts = panel.facts ? panel.facts(app, view) : genericFacts(app);
  const findings = view.findings ?? panel.findings?.(app) ?? [];
  const findingActions = headChangeAction(view, findings, app, ctx);
  // live parts (issue 14 bug 7): app.js polls the progress and, when the version changes, reloads these in place
  const version = caseVersionOf(view, view.actions.length, view.certificates.length);
  const body = html`<div class="case-layout" data-live-check="/api/cases/${encodeURIComponent(view.caseId)}/progress" data-live-version="${version}">
    <div class="case-main">
      ${protectedSubjects.size ? html`<p class="notice notice-error" id="support-measure-notice"><span class="badge badge-alert">支援措置・抑止</span> この案件には支援措置・抑止の対象の方が含まれます。証明書の交付には支援措置責任者の解除が必要です。</p>` : ''}
      <div id="live-state" data-live>
      ${returnedSection(view, ctx.staff.userId, module?.intake?.path)}
      ${correctionSection(view)}
      ${summarySection(view, ctx)}
      ${stepsSection(view, module?.definition.steps ?? [], ctx.labels)}
      ${stuckSection(view, ctx)}
      </div>
      ${findingsSection(view, findings, findingActions)}
      ${factsSection(facts)}
      <div id="live-record" data-live>
      ${comparisonSection(persons, { committed: Boolean(committed), closed, revealForm })}
      ${extra}
      ${documentsSection(view, ctx)}
      ${timelineSection(view, ctx)}
      </div>
    </div>
    <aside class="case-side" id="live-actions" data-live aria-label="操作">${actionsPanel(view, ctx, notice, staffIds, panel.withheldActions?.(app))}</aside>
  </div>`;
  res.type('html').send(
    page({
      title: `案件 ${view.caseId}（${view.procedureLabel ?? view.procedure}）`,
      ctx,
      body,
      notice,
      municipalityName: deps.config.municipalityName,
    }),
  );
}

/** The case screen (issue #5 §4). Opening it is audited by GET /api/cases/:id; 「個人番号を表示」 is a POST, audited too. */
export function installCaseRoutes(r: Router, deps: WebDeps, session: RequestHandler) {
  r.get('/cases/:caseId', session, (req, res) => renderCase(req, res, deps, false));
  r.post('/cases/:caseId/reveal', session, (req, res) => renderCase(req, res, deps, true));
}
