import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { UpdateRejection } from '../domain/case-actions';

import { ApiError } from './errors';

/** HTTP status of each refusal code of the update validators (domain/case-actions.ts). */
export const STATUS_OF_REJECTION: Record<UpdateRejection, number> = {
  [UpdateRejection.NOT_AWAITING_APPROVAL]: 409,
  [UpdateRejection.ROLE_REQUIRED]: 403,
  [UpdateRejection.FOUR_EYES]: 403,
  [UpdateRejection.REASON_REQUIRED]: 400,
  [UpdateRejection.NOT_RETRYABLE_NOW]: 409,
  [UpdateRejection.NOT_ASSIGNEE]: 403,
  [UpdateRejection.ALREADY_ASSIGNED]: 409,
  [UpdateRejection.NOT_CLAIMABLE]: 409,
  [UpdateRejection.NOT_ASSIGNED]: 409,
  [UpdateRejection.ASSIGNEE_NOT_ELIGIBLE]: 422,
  [UpdateRejection.NOT_CANCELLABLE]: 409,
  [UpdateRejection.ALREADY_ESCALATED]: 409,
  [UpdateRejection.NOT_MAKER]: 403,
  [UpdateRejection.NOT_IN_STEP]: 409,
  [UpdateRejection.ACTOR_NOT_AUTHENTICATED]: 403,
};

const isRejection = (type: string | undefined | null): type is UpdateRejection =>
  typeof type === 'string' && type in STATUS_OF_REJECTION;

/**
 * Executes a human-step Update on a case workflow and maps a validator refusal — an ApplicationFailure whose type is
 * the rule code — to an HTTP error with the validator's Japanese message. `updateId` makes a double-submitted request
 * (same client request ID) harmless: Temporal runs it once.
 */
export async function executeCaseUpdate<Ret, Args extends [unknown, ...unknown[]]>(
  client: Client,
  workflowId: string,
  def: UpdateDefinition<Ret, Args>,
  args: Args,
  updateId?: string,
): Promise<Ret> {
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate(def, { args, ...(updateId ? { updateId } : {}) });
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) {
      const cause = e.cause;
      if (cause instanceof ApplicationFailure && isRejection(cause.type))
        throw new ApiError(STATUS_OF_REJECTION[cause.type], cause.type, cause.message);
      throw new ApiError(409, 'UPDATE_REJECTED', '操作は受け付けられませんでした');
    }
    if (e instanceof WorkflowNotFoundError) throw new ApiError(409, 'CASE_CLOSED', 'この案件は既に終了しています');
    throw e;
  }
}
