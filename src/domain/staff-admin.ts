import { Role } from './roles';

/**
 * Staff user administration rules (issue 14 item 7; domain spec §8.1, §8.2): only the security administrator grants,
 * changes or revokes rights (seed 000 L2702) and nobody changes their own (L2805–2806); rights end on the date of
 * transfer or retirement (L2703–2704: validity from / until); a reset is asked by one administrator and approved by
 * another (four-eyes, domain spec §8.3).
 */

/** The roles an administrator may grant (the system principals are not staff roles). */
export const GRANTABLE_ROLES = [
  Role.CLERK,
  Role.APPROVER,
  Role.SUPERVISOR,
  Role.AUDITOR,
  Role.SECURITY_ADMIN,
  Role.SUPPORT_MEASURE_OFFICER,
] as const;

/** What a user's login looks like today: the screen shows it, the login and every request apply it. */
export type StaffUserState = 'ACTIVE' | 'LOCKED' | 'SUSPENDED' | 'EXPIRED' | 'NOT_YET_VALID';

export interface StaffUserFacts {
  active: boolean;
  lockedUntil?: Date | null;
  validFrom?: Date | null;
  validUntil?: Date | null;
}

/**
 * SUSPENDED: locked by an administrator (until unlocked); LOCKED: locked automatically after failed logins (until
 * `lockedUntil`); EXPIRED / NOT_YET_VALID: outside the validity period.
 */
export function staffUserState(u: StaffUserFacts, now: Date): StaffUserState {
  if (!u.active) return 'SUSPENDED';
  if (u.validUntil && u.validUntil < now) return 'EXPIRED';
  if (u.validFrom && u.validFrom > now) return 'NOT_YET_VALID';
  if (u.lockedUntil && u.lockedUntil > now) return 'LOCKED';
  return 'ACTIVE';
}

export type AdminChange = 'roles' | 'validity' | 'lock' | 'unlock' | 'reset-request' | 'reset-approve';

/**
 * Why an administrator may not make a change (undefined = allowed): not on their own account (roles, validity, lock:
 * nobody changes their own rights), and a reset is approved by neither the administrator who asked for it nor the
 * user whose password it is.
 */
export function adminChangeRefusal(
  change: AdminChange,
  o: { actorId: string; targetUserId: string; requestedBy?: string },
): 'SELF_CHANGE' | 'FOUR_EYES' | undefined {
  if (change === 'reset-approve')
    return o.requestedBy === o.actorId || o.targetUserId === o.actorId ? 'FOUR_EYES' : undefined;
  if (change === 'reset-request') return undefined;
  return o.targetUserId === o.actorId ? 'SELF_CHANGE' : undefined;
}

/** Validity: the last day is not before the first. Dates are whole days (JST): from 00:00 of `from` to 24:00 of `until`. */
export function validityProblem(from: string | undefined, until: string | undefined): string | undefined {
  if (from && until && until < from) return '有効期限（終了日）は開始日以降にしてください';
  return undefined;
}
