import type { RequestHandler, Router } from 'express';
import { ApiError } from '../../errors';
import type { ApiServices } from '../../services';
import { ACTION_SPECS, refusalText } from '../case-actions-ui';
import { setFlash, safeReturn } from '../flash';
import { ActionFormSchemas, reasonMessages, validateForm } from '../forms';
import { WebError, webOf } from '../web-context';

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;
/** Refusals meaning the page was drawn before the case moved on (issue 14 bug 2). */
const STALE = ['NOT_AWAITING_APPROVAL', 'NOT_IN_STEP', 'NOT_RETURNED', 'CASE_CLOSED', 'NOT_CLAIMABLE'];
const requestIdOf = (body: Record<string, unknown>): string | undefined =>
  typeof body.requestId === 'string' && REQUEST_ID.test(body.requestId) ? body.requestId : undefined;

/** An API refusal as the UI shows it (the body of an ApiError). */
export interface ApiErrorBody {
  error: string;
  message: string;
  errors?: Array<{ field: string; rule: string; message: string }>;
}

/** The refusal as shown to the user: the validator's own message, with status and code for the helpdesk. */
export const refusalNotice = (status: number, json: Partial<ApiErrorBody> | undefined): string => {
  const code = json?.error ?? 'ERROR';
  const text = json?.message || refusalText[code] || '操作は受け付けられませんでした。';
  return `${text}（${status} ${code}）`;
};

/** Runs a service call; an ApiError (a refusal) is returned as its status and body instead of thrown. */
export const PENDING_CANCEL_TEXT =
  '取消を申請しました。決裁後の取消は、別の監督者が「取消（補償処理あり）」を実行して承認すると反映されます。';

export async function attempt<T>(
  fn: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; status: number; body: ApiErrorBody; error: ApiError }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return { ok: false, status: e.status, body: e.toBody(), error: e };
  }
}

/**
 * Form posts of the human steps (claim, approve, reject, …, and 再交付). Each is validated here (ajv, Japanese field
 * errors), then performed by the same in-process service as the JSON API (role gates, workflow validators, audit)
 * with the form's per-render request ID as the update ID, so a double submit runs once. Post/redirect/get with a
 * one-time notice.
 */
export function installActionRoutes(r: Router, services: ApiServices, session: RequestHandler) {
  r.post('/cases/:caseId/do/:action', session, async (req, res) => {
    const ctx = webOf(res);
    const caseId = String(req.params.caseId);
    const action = String(req.params.action);
    const spec = ACTION_SPECS[action];
    if (!spec || !/^[A-Za-z0-9-]{1,64}$/.test(caseId)) throw new WebError(404, 'そのような操作はありません。');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const casePath = `/cases/${encodeURIComponent(caseId)}`;
    const back = safeReturn(body.return, casePath);
    const schema = spec.target ? ActionFormSchemas.reassign : ActionFormSchemas[spec.reason];
    const v = validateForm<{ reason?: string; to?: string }>(schema, body, reasonMessages);
    if (!v.ok) {
      setFlash(req, res, {
        kind: 'error',
        text: `${spec.label}：入力内容を確認してください。`,
        details: Object.values(v.errors),
        formId: `action-${action}`,
        fieldErrors: v.errors,
      });
      return void res.redirect(303, back);
    }
    const answer = await attempt(() =>
      services.cases.act(
        ctx.staff,
        caseId,
        action,
        Object.keys(v.value).length ? v.value : undefined,
        requestIdOf(body),
      ),
    );
    if (answer.ok) {
      // a cancellation after 決裁 waits for a second supervisor (issue 13 item 8)
      const pending = (answer.value as { pendingSecondApproval?: boolean }).pendingSecondApproval;
      setFlash(req, res, { kind: 'ok', text: `${caseId}：${pending ? PENDING_CANCEL_TEXT : spec.done}` });
    } else if (answer.status === 409 && STALE.includes(answer.body.error))
      // a button of a page drawn before another step (e.g. 決裁 by someone else): say so, show the current state
      setFlash(req, res, {
        kind: 'error',
        text: `${spec.label}できませんでした：${refusalText[answer.body.error] ?? answer.body.message} 画面の表示が古くなっていたため、最新の状態を表示しています。`,
      });
    else
      setFlash(req, res, {
        kind: 'error',
        text: `${spec.label}できませんでした：${refusalNotice(answer.status, answer.body)}`,
        formId: `action-${action}`,
      });
    res.redirect(303, back);
  });

  /** 再交付: a new copy with a new 発行番号 and the 「再交付」 mark (POST /api/certificates/:id/reissue). */
  r.post('/certificates/:certificateId/reissue', session, async (req, res) => {
    const ctx = webOf(res);
    const certificateId = String(req.params.certificateId);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!/^[0-9a-f-]{36}$/.test(certificateId)) throw new WebError(404, '証明書が見つかりません。');
    const back = safeReturn(body.return, '/queues');
    const answer = await attempt(() => services.reissue(ctx.staff, certificateId, requestIdOf(body)));
    // from a counter copy's 交付 page: on to the new copy's page (its PDF and 発行番号)
    if (answer.ok && /^\/certificates\/[0-9a-f-]{36}\/issued$/.test(back))
      return void res.redirect(303, `/certificates/${answer.value.certificateId}/issued`);
    if (answer.ok)
      setFlash(req, res, { kind: 'ok', text: `再交付しました。新しい発行番号：${answer.value.issueNumber}` });
    else
      setFlash(req, res, {
        kind: 'error',
        text: `再交付できませんでした：${refusalNotice(answer.status, answer.body)}`,
      });
    res.redirect(303, back);
  });
}
