import type { MikroORM } from '@mikro-orm/core';
import { Role } from '../../domain/roles';
import { hashPassword } from '../../domain/passwords';
import { StaffUser, Terminal } from '../entities';

/** Demo staff, one or more per role (domain.md §2.1). Passwords are for the demo only; README lists them. */
export const DEMO_PASSWORD = 'sakura-demo-2026';
export const DEMO_USERS: ReadonlyArray<{ userId: string; displayName: string; roles: Role[] }> = [
  { userId: 'clerk1', displayName: '窓口　花子', roles: [Role.CLERK] },
  { userId: 'clerk2', displayName: '受付　次郎', roles: [Role.CLERK] },
  { userId: 'approver1', displayName: '決裁　正男', roles: [Role.APPROVER] },
  { userId: 'approver2', displayName: '審査　真理', roles: [Role.APPROVER, Role.SUPPORT_MEASURE_OFFICER] },
  { userId: 'supervisor1', displayName: '監督　健一', roles: [Role.SUPERVISOR, Role.SUPPORT_MEASURE_OFFICER] },
  // a cancellation after 決裁 needs a second supervisor (issue 13 item 8)
  { userId: 'supervisor2', displayName: '統括　直子', roles: [Role.SUPERVISOR] },
  { userId: 'auditor1', displayName: '監査　恵子', roles: [Role.AUDITOR] },
  { userId: 'secadmin1', displayName: '管理　守', roles: [Role.SECURITY_ADMIN] },
  { userId: 'bench', displayName: 'ベンチマーク', roles: [Role.APPROVER] },
];

export const DEMO_TERMINALS = [
  { terminalId: 'T-HONCHO-01', name: '本庁1', place: '本庁 市民課', printerName: 'プリンタ001' },
  { terminalId: 'T-HONCHO-02', name: '本庁2', place: '本庁 市民課', printerName: 'プリンタ002' },
  { terminalId: 'T-SHISHO-01', name: '北支所1', place: '北支所', printerName: 'プリンタ101' },
];

/**
 * Inserts missing demo users and terminals (re-running is safe). Each user gets its own salted hash; a test system,
 * which seeds the same demo users again and again, may pass one precomputed `passwordHash` to save the scrypt work.
 */
export async function seedStaff(
  orm: MikroORM,
  users = DEMO_USERS,
  password = DEMO_PASSWORD,
  passwordHash?: string,
): Promise<number> {
  const em = orm.em.fork();
  let added = 0;
  for (const t of DEMO_TERMINALS) {
    if (!(await em.findOne(Terminal, { terminalId: t.terminalId })))
      em.persist(em.create(Terminal, { ...t, active: true }));
  }
  for (const u of users) {
    if (await em.findOne(StaffUser, { userId: u.userId })) continue;
    em.persist(
      em.create(StaffUser, {
        ...u,
        passwordHash: passwordHash ?? (await hashPassword(password)),
        active: true,
        failedLogins: 0,
        mustChangePassword: false,
        createdAt: new Date(),
      }),
    );
    added++;
  }
  await em.flush();
  return added;
}
