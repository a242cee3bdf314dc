/**
 * Types that cross the workflow boundary (update/query arguments and results). IDs and non-personal facts only
 * (architecture principle 1): staff user IDs, roles, terminal IDs, reason text entered by staff.
 */
export interface Actor {
  userId: string;
  roles: string[];
  terminalId?: string;
}

export type DecisionKind = 'APPROVED' | 'REJECTED' | 'CANCELLED';

export interface Decision {
  kind: DecisionKind;
  by: string;
  terminalId?: string;
  reason?: string;
  at: string; // ISO instant (workflow time)
}

/** Error codes thrown by update validators (domain/case-actions.ts); the API maps them to HTTP statuses. */
export { UpdateRejection } from '../../domain/case-actions';
import type { UpdateRejection } from '../../domain/case-actions';

/** Validator failure: message is `<CODE>: <日本語の説明>`, parsed by the API. */
export const rejection = (code: UpdateRejection, message: string): Error => new Error(`${code}: ${message}`);

/** Validator check of a reason entered by staff (`what`: the step, e.g. 却下). */
export const requireReason = (reason: unknown, what = ''): void => {
  if (typeof reason !== 'string' || reason.trim().length === 0)
    throw rejection('REASON_REQUIRED', `${what ? `${what}の` : ''}理由を入力してください`);
};

export interface CaseState {
  caseId: string;
  status: string;
  decision?: Decision;
  needsAttention: boolean;
  attentionReason?: string;
  assignedTo?: string;
  makerId: string;
  escalated: boolean;
  retryable: boolean;
}

/** A cancellation asked for by a supervisor (or, for an online 転出, by the portal). */
export interface CancelRequest {
  by: string;
  terminalId?: string;
  reason: string;
  at: string;
}
