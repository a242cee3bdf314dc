import { defineUpdate, setHandler } from '@temporalio/workflow';
import { Role } from '../../domain/roles';
import { rejection, UpdateRejection, type Actor, type Decision } from './case-types';

export const approveUpdate = defineUpdate<Decision, [{ actor: Actor }]>('approve');
export const rejectUpdate = defineUpdate<Decision, [{ actor: Actor; reason: string }]>('reject');

/**
 * 決裁 as Temporal Updates with validators (architecture principle 3; domain.md §8.3): only an approver, never the
 * person who entered the case, and only while the case awaits approval. A rejected update changes nothing.
 */
export function installApprovalHandlers(opts: { enteredBy: string; isAwaitingApproval: () => boolean }): {
  decision: () => Decision | undefined;
} {
  let decision: Decision | undefined;
  const validate = (actor: Actor) => {
    if (decision || !opts.isAwaitingApproval()) throw rejection(UpdateRejection.NOT_AWAITING_APPROVAL, 'この案件は決裁待ちではありません');
    if (!actor.roles.includes(Role.APPROVER)) throw rejection(UpdateRejection.ROLE_REQUIRED, '決裁には決裁者の権限が必要です');
    if (actor.userId === opts.enteredBy) throw rejection(UpdateRejection.FOUR_EYES, '入力者本人は決裁できません');
  };
  const decide = (kind: Decision['kind'], actor: Actor, reason?: string): Decision => {
    decision = { kind, by: actor.userId, terminalId: actor.terminalId, reason, at: new Date().toISOString() };
    return decision;
  };
  setHandler(approveUpdate, ({ actor }) => decide('APPROVED', actor), { validator: ({ actor }) => validate(actor) });
  setHandler(rejectUpdate, ({ actor, reason }) => decide('REJECTED', actor, reason.trim()), {
    validator: ({ actor, reason }) => {
      validate(actor);
      if (typeof reason !== 'string' || reason.trim().length === 0) throw rejection(UpdateRejection.REASON_REQUIRED, '却下の理由を入力してください');
    },
  });
  return { decision: () => decision };
}
