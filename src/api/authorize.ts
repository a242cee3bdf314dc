import type { MikroORM } from '@mikro-orm/core';
import type { Role } from '../domain/roles';
import { actorFields, audit } from '../db/audit-writer';
import { AuditAction } from '../db/entities';
import type { StaffContext } from './auth';
import { ApiError } from './errors';

/** Records a refused attempt (domain.md §8.4: refused attempts are recorded). */
export async function auditDenied(
  orm: MikroORM,
  staff: StaffContext,
  fn: string,
  extra: { caseId?: string; detail?: Record<string, unknown> } = {},
): Promise<void> {
  const em = orm.em.fork();
  audit(em, {
    ...actorFields(staff),
    ip: staff.ip,
    action: AuditAction.DENIED,
    function: fn,
    outcome: 'denied',
    ...extra,
  });
  await em.flush();
}

/**
 * The role gate of a service operation (the JSON API and the web UI call the same services): a refusal is a 403 and
 * an audit row naming the operation (`fn`, e.g. `POST /api/cases/move-in`).
 */
export async function authorize(
  orm: MikroORM,
  staff: StaffContext,
  allowed: (roles: readonly Role[]) => boolean,
  fn: string,
): Promise<void> {
  if (allowed(staff.roles)) return;
  await auditDenied(orm, staff, fn);
  throw new ApiError(403, 'FORBIDDEN', 'この操作を行う権限がありません');
}
