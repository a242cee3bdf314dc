import { ApplicationFailure } from '@temporalio/workflow';
import type { UpdateRejection } from '../domain/case-actions';

export type { Actor, CancelRequest, CaseState, Decision, DecisionKind } from '../domain/case-actions';
export { UpdateRejection } from '../domain/case-actions';

/**
 * A refusal by an update validator: an ApplicationFailure whose type is the rule code (domain/case-actions.ts) and
 * whose message is the Japanese explanation. The API maps the type to an HTTP status; nothing is parsed from text.
 */
export const rejection = (code: UpdateRejection, message: string): ApplicationFailure =>
  ApplicationFailure.create({ type: code, message, nonRetryable: true });

/** Validator check of a reason entered by staff (`what`: the step, e.g. 却下). */
export const requireReason = (reason: unknown, what = ''): void => {
  if (typeof reason !== 'string' || reason.trim().length === 0)
    throw rejection('REASON_REQUIRED', `${what ? `${what}の` : ''}理由を入力してください`);
};
