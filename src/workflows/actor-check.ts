import { ApplicationFailure, log, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { REFUSED_PAYLOAD, type Actor } from '../domain/case-actions';
import { rejection, UpdateRejection } from './case-types';

const refused = (arg: unknown): boolean => !!arg && typeof arg === 'object' && REFUSED_PAYLOAD in arg;

/**
 * Every human step is an update whose first argument carries the `actor`. The worker's codec marks an actor
 * `verified` only when the API's signature checks out (src/temporal/actor-proof.ts); here, before any validator
 * runs, an update is refused unless its actor is verified and was signed for this update on this workflow. So a
 * caller who can reach Temporal — even with the payload key — cannot approve by claiming a role.
 */
export function requireAuthenticatedActor(update: string, arg: unknown): void {
  const actor = (arg as { actor?: Actor } | undefined)?.actor;
  if (
    refused(arg) ||
    !actor ||
    actor.verified !== true ||
    actor.proof?.update !== update ||
    actor.proof.workflowId !== workflowInfo().workflowId
  )
    throw rejection(
      UpdateRejection.ACTOR_NOT_AUTHENTICATED,
      '操作者を確認できません（窓口システム経由の操作のみ受け付けます）',
    );
}

/**
 * The workflow interceptor module the worker bundles (src/worker/create-worker.ts: WORKFLOW_BUNDLE_OPTIONS): updates
 * need an authenticated actor (every update of the case frame has a validator, which is where this runs); a signal
 * or a start whose payload the worker's codec refused (src/temporal/refused-payload.ts) is dropped or fails.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      validateUpdate(input, next) {
        requireAuthenticatedActor(input.name, input.args[0]);
        return next(input);
      },
      async handleSignal(input, next) {
        if (input.args.some(refused)) {
          log.warn('signal refused: its payload was not encrypted by this system', { signal: input.signalName });
          return;
        }
        return next(input);
      },
      async execute(input, next) {
        if (input.args.some(refused))
          throw ApplicationFailure.nonRetryable(
            'workflow input refused: not encrypted by this system',
            'PAYLOAD_REFUSED',
          );
        return next(input);
      },
    },
  ],
});
