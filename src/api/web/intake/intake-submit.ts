import type { FieldError } from '../../../domain/ajv';
import type { ApiServices } from '../../services';
import { attempt, refusalNotice } from '../pages/action-routes';
import type { WebContext } from '../web-context';
import { mapFieldErrors, type ErrorMapping, type MappedErrors } from './field-errors';

export type IntakeOutcome =
  | { ok: true; caseId: string; created: boolean; corrected?: boolean }
  | { ok: false; status: number; errors: MappedErrors };

/** The notice after a successful intake form (`what`: 転入届, …): filed, filed before, or a returned case corrected. */
export const intakeDoneText = (o: { caseId: string; created: boolean; corrected?: boolean }, what: string): string =>
  o.corrected
    ? `${what}を訂正し、決裁へ再提出しました（案件番号 ${o.caseId}）。`
    : o.created
      ? `${what}を受け付けました（仮登録）。案件番号 ${o.caseId}。決裁者の決裁を待ちます。`
      : `この${what}は受付済みです（案件番号 ${o.caseId}）。`;

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;
/** The per-render ID of the form: the Idempotency-Key of the intake (a double submit returns the same case). */
export const formRequestId = (body: unknown): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.requestId;
  return typeof v === 'string' && REQUEST_ID.test(v) ? v : undefined;
};

/**
 * Files the application built from the form through the same in-process intake service as the JSON API
 * (POST /api/cases/<path>): the same ajv schema, rules, role gate, audit and idempotency as every other client. Field
 * errors come back as JSON pointers and are mapped to the form's fields in Japanese.
 */
export async function submitIntake(
  services: ApiServices,
  ctx: WebContext,
  path: string,
  body: unknown,
  idempotencyKey: string,
  mapping: ErrorMapping,
  pointers: (e: FieldError[]) => FieldError[] = (e) => e,
): Promise<IntakeOutcome> {
  // a form opened to correct a returned case (correction.ts) files the correction of that case instead
  const correction = ctx.correction;
  const answer = correction
    ? await attempt(async () => {
        await services.cases.act(ctx.staff, correction.caseId, 'correct', body, idempotencyKey);
        return { caseId: correction.caseId, created: false, corrected: true };
      })
    : await attempt(async () => ({
        ...(await services.intake(ctx.staff, path, body, idempotencyKey)),
        corrected: false,
      }));
  if (answer.ok)
    return { ok: true, caseId: answer.value.caseId, created: answer.value.created, corrected: answer.value.corrected };
  const json = answer.body;
  if ((answer.status === 400 || answer.status === 422) && json.errors?.length)
    return { ok: false, status: 422, errors: mapFieldErrors(pointers(json.errors), mapping) };
  const text =
    json.error === 'IDEMPOTENCY_KEY_REUSED'
      ? 'この画面の届出は既に受け付けています。別の届出は「届出の受付」から新しく開いてください。'
      : `受け付けできませんでした：${refusalNotice(answer.status, json)}`;
  return { ok: false, status: answer.status, errors: { byField: { _form: text }, summary: [text] } };
}
