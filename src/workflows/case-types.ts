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

/**
 * A reason entered by staff, as an update carries it: the ID of its case_note row (issue 13 item 1), or the text
 * itself in an update of a history from before.
 */
export type ReasonRef = { reason?: string; reasonId?: string };

/** Validator check of a reason entered by staff (`what`: the step, e.g. 却下): a note ID or a non-blank text. */
export const requireReason = ({ reason, reasonId }: ReasonRef, what = ''): void => {
  if (typeof reasonId === 'string' && reasonId.length > 0) return;
  if (typeof reason !== 'string' || reason.trim().length === 0)
    throw rejection('REASON_REQUIRED', `${what ? `${what}の` : ''}理由を入力してください`);
};
