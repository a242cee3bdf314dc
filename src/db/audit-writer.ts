import type { EntityManager } from '@mikro-orm/core';
import { AuditLog, StaffUser, type AuditAction } from './entities';

export interface AuditEntry {
  actorId: string;
  actorRoles: string[];
  terminalId?: string;
  ip?: string;
  action: AuditAction;
  function: string;
  targetAddresseeNumber?: string;
  caseId?: string;
  individualNumberAccessed?: boolean;
  outcome?: 'ok' | 'denied' | 'error';
  detail?: Record<string, unknown>;
}

/** Who acted, as an audit row names them: a staff member (the request's StaffContext) or a case step's actor. */
export interface AuditActor {
  userId: string;
  roles: readonly string[];
  terminalId?: string;
}

/**
 * An audit row's actor fields from the one who acted: `actorId`, `actorRoles` (a copy, so the row never shares the
 * session's array) and `terminalId`. The IP stays with the caller: some rows record the request's, some the session's.
 */
export const actorFields = (actor: AuditActor): Pick<AuditEntry, 'actorId' | 'actorRoles' | 'terminalId'> => ({
  actorId: actor.userId,
  actorRoles: [...actor.roles],
  terminalId: actor.terminalId,
});

/** Queues audit rows in the caller's unit of work, so they commit (or roll back) with the access they record. */
export function audit(em: EntityManager, ...entries: AuditEntry[]): void {
  for (const e of entries) {
    em.persist(
      em.create(AuditLog, {
        at: new Date(),
        actorId: e.actorId,
        actorRoles: e.actorRoles,
        terminalId: e.terminalId,
        ip: e.ip,
        action: e.action,
        function: e.function,
        targetAddresseeNumber: e.targetAddresseeNumber,
        caseId: e.caseId,
        individualNumberAccessed: e.individualNumberAccessed ?? false,
        outcome: e.outcome ?? 'ok',
        detail: e.detail,
      }),
    );
  }
}

/**
 * One audit row per person a case concerns (its subjects' 宛名番号), or one without a person while the case has none
 * yet (a 転入 before its 本登録): `entry` with each `targetAddresseeNumber`.
 */
export function auditPerSubject(
  em: EntityManager,
  subjects: readonly string[] | null | undefined,
  entry: Omit<AuditEntry, 'targetAddresseeNumber'>,
): void {
  audit(em, ...(subjects?.length ? subjects : [undefined]).map((a) => ({ ...entry, targetAddresseeNumber: a })));
}

/** The batch/system principal for automated steps (domain.md §2.1, §8.4: logged like a user). */
export const SYSTEM_ACTOR = { actorId: 'system', actorRoles: ['system'] };

/**
 * The roles an actor held when acting, read from the staff register (not assumed from the step: a 証明発行 by a user
 * who is both clerk and approver is audited with both); the system principal keeps its own.
 */
export async function actorRolesOf(em: EntityManager, actorId: string): Promise<string[]> {
  if (actorId === SYSTEM_ACTOR.actorId) return SYSTEM_ACTOR.actorRoles;
  const staff = await em.findOne(StaffUser, { userId: actorId }, { fields: ['roles'] });
  return staff ? [...staff.roles] : [];
}
