import type { Request, Response } from 'express';
import { restoreKeptNumbers } from '../../kept-numbers';
import { attempt, refusalNotice } from '../pages/action-routes';
import { WebError, webOf } from '../web-context';
import type { WebDeps } from '../web-deps';
import type { FormValues } from './form-input';

const CASE_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * 訂正して再提出 on a procedure's own intake form (issue 14 item 4). `GET <form>?correct=<caseId>` opens the form
 * pre-filled from the stored application (the procedure's `web.formValues`, kept 個人番号 as sealed tokens) with the
 * 差戻し reason at the top; the form posts `correctCaseId` back (rendered by `formGuards`), and `submitIntake` then
 * files the application as the case's correction instead of a new intake. Only the maker, only while RETURNED.
 */
export async function correctionPrefill(deps: WebDeps, req: Request, res: Response): Promise<FormValues | undefined> {
  const caseId = req.query.correct;
  if (caseId === undefined) return undefined;
  if (typeof caseId !== 'string' || !CASE_ID.test(caseId)) throw new WebError(404, '案件が見つかりません。');
  const ctx = webOf(res);
  const answer = await attempt(() => deps.services.cases.correctionDraft(ctx.staff, caseId));
  if (!answer.ok) throw new WebError(answer.status, `訂正できません：${refusalNotice(answer.status, answer.body)}`);
  ctx.correction = { caseId, reason: answer.value.reason };
  return answer.value.values;
}

/**
 * A posted intake form: its kept 個人番号 restored (sealed tokens of this user), and, when it corrects a returned case
 * (`correctCaseId`), that case and its 差戻し reason set on the page context.
 */
export async function postedForm(deps: WebDeps, req: Request, res: Response, f: FormValues): Promise<FormValues> {
  const ctx = webOf(res);
  const caseId = f.correctCaseId;
  if (caseId !== undefined) {
    if (!CASE_ID.test(caseId)) throw new WebError(404, '案件が見つかりません。');
    ctx.correction = { caseId, reason: await deps.services.cases.returnReason(ctx.staff, caseId) };
  }
  const { correctCaseId: _omit, ...rest } = f;
  return restoreKeptNumbers(deps.pii, ctx.staff.userId, rest);
}
