import { randomUUID } from 'node:crypto';
import type { RequestHandler, Router } from 'express';
import { ResidentStatus } from '../../domain/registry-values';
import { Resident } from '../../db/entities';
import { allowedActionsOf } from '../../api/web/case-actions-ui';
import { setFlash } from '../../api/web/flash';
import { html, type SafeHtml } from '../../api/web/html';
import { RELATIONSHIP_OPTIONS, fieldId } from '../../api/web/intake/form-controls';
import { compact, formValues } from '../../api/web/intake/form-input';
import { formRequestId } from '../../api/web/intake/intake-submit';
import { attempt, refusalNotice } from '../../api/web/pages/action-routes';
import type { PanelContext } from '../../api/web/panels/panel-types';
import { auditInquiry } from '../../api/web/queries/case-registry';
import { WebError, webOf } from '../../api/web/web-context';
import type { WebDeps } from '../../api/web/web-deps';
import { OnlineMoveOutRule } from './rules';

const MAX_MEMBERS = 12;
const needsChoice = (app: Record<string, any>): boolean =>
  Array.isArray(app.online?.findings) &&
  app.online.findings.some((f: { rule?: string }) => f.rule === OnlineMoveOutRule.HEAD_CHANGE_EX_OFFICIO);

/** The generic 審査 button is replaced by the 世帯主変更 section while the finding HEAD_CHANGE_EX_OFFICIO stands. */
export const headChangeWithheld = (app: Record<string, any>): Array<{ action: string; reason: string }> =>
  needsChoice(app)
    ? [
        {
          action: 'confirm-review',
          reason:
            '世帯主が転出し世帯員が残ります。「世帯主変更（審査）」で新しい世帯主と続柄を確認して審査を確定してください。',
        },
      ]
    : [];

/**
 * 審査 of an online 転出 whose 世帯主 leaves members behind (domain.md §3.2, §4.4 step 3): the staying members with a
 * choice of the new 世帯主 and the others' new 続柄, posted as the 審査 (confirm-review with `householdHeadChange`).
 * One staying member is pre-selected (the domain rule: that member becomes 世帯主); with two or more nothing is.
 */
export async function headChangeReviewSection(p: PanelContext): Promise<SafeHtml | undefined> {
  if (!needsChoice(p.app) || !allowedActionsOf(p.view).includes('confirm-review')) return undefined;
  const movers = new Set<string>(
    ((p.app.movers ?? []) as Array<{ addresseeNumber: string }>).map((m) => m.addresseeNumber),
  );
  const staying = (
    await p.em.find(
      Resident,
      { householdNumber: String(p.app.householdNumber ?? ''), status: ResidentStatus.RESIDENT },
      { orderBy: { addresseeNumber: 'asc' }, limit: MAX_MEMBERS + movers.size },
    )
  )
    .filter((r) => !movers.has(r.addresseeNumber))
    .slice(0, MAX_MEMBERS);
  for (const r of staying)
    auditInquiry(p.em, p.staff, p.view.caseId, r.addresseeNumber, 'GET /cases/:caseId (世帯主変更の審査)');
  await p.em.flush();
  const options = RELATIONSHIP_OPTIONS.filter(([v]) => v !== '世帯主');
  const only = staying.length === 1 ? staying[0]!.addresseeNumber : undefined;
  return html`<section class="panel" aria-labelledby="h-head-review"><h2 id="h-head-review">世帯主変更（審査）</h2>
    <p class="help">世帯主が転出し、次の方が世帯に残ります。転出の記録と同時に職権で世帯主を変更し、世帯主変更通知書を作成します。${only ? '残る方が1人のため、その方が世帯主になります。' : '新しい世帯主と、ほかの方の新しい世帯主との続柄を選んでください。'}</p>
    <form method="post" action="/cases/${encodeURIComponent(p.view.caseId)}/online-move-out/confirm-review" id="head-change-review" class="action-form">
      <input type="hidden" name="_csrf" value="${p.csrf}"><input type="hidden" name="requestId" value="${randomUUID()}">
      <table class="grid"><thead><tr><th scope="col">新しい世帯主</th><th scope="col">氏名</th><th scope="col">現在の続柄</th><th scope="col">新しい続柄</th></tr></thead><tbody>
      ${staying.map((m, i) => {
        const k = `p${i}.newRelationship`;
        return html`<tr><td><input type="hidden" name="p${i}.addresseeNumber" value="${m.addresseeNumber}"><input type="radio" name="newHead" value="${m.addresseeNumber}" id="${fieldId(`newHead.${m.addresseeNumber}`)}" aria-label="${m.familyName}　${m.givenName}さんを世帯主にする"${only ? html` checked` : ''}></td>
        <td>${m.familyName}　${m.givenName}</td><td>${m.relationshipToHead}</td>
        <td>${only ? '世帯主' : html`<select name="${k}" id="${fieldId(k)}" aria-label="${m.familyName}　${m.givenName}さんの新しい続柄"><option value="">（新しい世帯主は空欄）</option>${options.map(([v, l]) => html`<option value="${v}">${l}</option>`)}</select>`}</td></tr>`;
      })}</tbody></table>
      <div class="field"><label for="head-change-review-reason">審査の理由（任意）</label><textarea id="head-change-review-reason" name="reason" rows="2" maxlength="500"></textarea></div>
      <button type="submit" class="btn-primary">世帯主を確認して審査を確定（決裁へ）</button></form></section>`;
}

/** The form → confirm-review with `householdHeadChange` (the same service, validators and audit as the API). */
export function installHeadChangeReview(r: Router, deps: WebDeps, session: RequestHandler): void {
  r.post('/cases/:caseId/online-move-out/confirm-review', session, async (req, res) => {
    const ctx = webOf(res);
    const caseId = String(req.params.caseId);
    if (!/^[A-Za-z0-9-]{1,64}$/.test(caseId)) throw new WebError(404, '案件が見つかりません。');
    const f = formValues(req.body);
    const newHead = f.newHead || undefined;
    const relationships: Array<{ addresseeNumber: string; relationshipToHead: string }> = [];
    for (let i = 0; i < MAX_MEMBERS; i++) {
      const a = f[`p${i}.addresseeNumber`];
      const rel = f[`p${i}.newRelationship`];
      if (a && rel && a !== newHead) relationships.push({ addresseeNumber: a, relationshipToHead: rel });
    }
    const body = compact({
      householdHeadChange: newHead ? { newHeadAddresseeNumber: newHead, relationships } : undefined,
      reason: f.reason?.trim() || undefined,
    });
    const answer = await attempt(() =>
      deps.services.cases.act(ctx.staff, caseId, 'confirm-review', body, formRequestId(req.body)),
    );
    if (answer.ok)
      setFlash(req, res, { kind: 'ok', text: `${caseId}：世帯主変更を確認し、審査を確定して決裁に回しました。` });
    else
      setFlash(req, res, {
        kind: 'error',
        text: `審査を確定できませんでした：${refusalNotice(answer.status, answer.body)}`,
        details: (answer.body.errors ?? []).map((e) => e.message).filter((m) => /[\u3040-\u9fff]/.test(m)),
      });
    res.redirect(303, `/cases/${encodeURIComponent(caseId)}`);
  });
}
