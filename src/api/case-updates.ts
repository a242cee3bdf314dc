import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { UpdateRejection } from '../workflows/shared/case-types';
import { ApiError } from './errors';

const STATUS_OF: Record<string, number> = {
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
};

/**
 * Executes a human-step Update on a case workflow and maps a validator refusal (`CODE: 説明`) to an HTTP error.
 * `updateId` makes a double-submitted request (same client request ID) harmless: Temporal runs it once.
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
      const m = /^([A-Z_]+): (.*)$/s.exec(e.cause?.message ?? '');
      if (m?.[1] && STATUS_OF[m[1]]) throw new ApiError(STATUS_OF[m[1]]!, m[1], m[2] ?? '');
      throw new ApiError(409, 'UPDATE_REJECTED', '操作は受け付けられませんでした');
    }
    if (e instanceof WorkflowNotFoundError) throw new ApiError(409, 'CASE_CLOSED', 'この案件は既に終了しています');
    throw e;
  }
}
