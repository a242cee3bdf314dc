/**
 * Types that cross the workflow boundary (update/query arguments and results). IDs and non-personal facts only
 * (architecture principle 1): staff user IDs, roles, terminal IDs, reason text entered by staff.
 */
export interface Actor {
  userId: string;
  roles: string[];
  terminalId?: string;
}

export type DecisionKind = 'APPROVED' | 'REJECTED';

export interface Decision {
  kind: DecisionKind;
  by: string;
  terminalId?: string;
  reason?: string;
  at: string; // ISO instant (workflow time)
}

/** Error codes thrown by update validators; the API maps them to HTTP statuses. */
export const UpdateRejection = {
  NOT_AWAITING_APPROVAL: 'NOT_AWAITING_APPROVAL',
  ROLE_REQUIRED: 'ROLE_REQUIRED',
  FOUR_EYES: 'FOUR_EYES',
  REASON_REQUIRED: 'REASON_REQUIRED',
  NOT_RETRYABLE_NOW: 'NOT_RETRYABLE_NOW',
} as const;
export type UpdateRejection = (typeof UpdateRejection)[keyof typeof UpdateRejection];

/** Validator failure: message is `<CODE>: <日本語の説明>`, parsed by the API. */
export const rejection = (code: UpdateRejection, message: string): Error => new Error(`${code}: ${message}`);

export interface CaseState {
  caseId: string;
  status: string;
  decision?: Decision;
  needsAttention: boolean;
  attentionReason?: string;
}
