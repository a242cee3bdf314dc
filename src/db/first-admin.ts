import type { MikroORM } from '@mikro-orm/core';
import { hashPassword, oneTimePassword } from '../domain/passwords';
import { Role } from '../domain/roles';
import { audit } from './audit-writer';
import { AuditAction, StaffUser, Terminal } from './entities';

/** The actor of what the installer does on the server (the same principal as the enrolment code's). */
const INSTALLER = 'installer';
const USER_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The first security administrator of a database without one (`npm run admin:create`, issue 14 item 7): the user with
 * a one-time password (returned once, to be changed at the first login) and, when missing, the terminal the first
 * login happens at. Refused once any security administrator exists: from then on staff are created on the 職員管理
 * screen. Audited as 認証管理 by the installer.
 */
export async function createFirstSecurityAdmin(
  orm: MikroORM,
  o: { userId: string; displayName: string; terminalId: string; terminalName?: string; place?: string },
): Promise<{ initialPassword: string; terminalCreated: boolean }> {
  if (!USER_ID.test(o.userId)) throw new Error('userId: 1–64 characters of A–Z a–z 0–9 . _ -');
  if (!USER_ID.test(o.terminalId)) throw new Error('terminalId: 1–64 characters of A–Z a–z 0–9 . _ -');
  const displayName = o.displayName.trim();
  if (!displayName || displayName.length > 100) throw new Error('displayName: 1–100 characters');
  const em = orm.em.fork();
  const users = await em.find(StaffUser, {}, { fields: ['userId', 'roles'] });
  if (users.some((u) => u.roles.includes(Role.SECURITY_ADMIN)))
    throw new Error(
      'a security administrator exists already: create further staff on the 職員管理 screen (/admin/users)',
    );
  if (users.some((u) => u.userId === o.userId)) throw new Error(`user ${o.userId} exists already`);
  const initialPassword = oneTimePassword();
  const now = new Date();
  em.persist(
    em.create(StaffUser, {
      userId: o.userId,
      displayName,
      roles: [Role.SECURITY_ADMIN],
      passwordHash: await hashPassword(initialPassword),
      active: true,
      failedLogins: 0,
      mustChangePassword: true,
      createdAt: now,
    }),
  );
  const terminalCreated = !(await em.findOne(Terminal, { terminalId: o.terminalId }));
  if (terminalCreated)
    em.persist(
      em.create(Terminal, {
        terminalId: o.terminalId,
        name: (o.terminalName ?? o.terminalId).slice(0, 64),
        place: (o.place ?? '初期設定').slice(0, 100),
        printerName: '未設定',
        active: true,
      }),
    );
  audit(em, {
    actorId: INSTALLER,
    actorRoles: [],
    terminalId: o.terminalId,
    action: AuditAction.AUTH_ADMIN,
    function: 'admin:create',
    detail: { userId: o.userId, step: 'create-first-admin', roles: [Role.SECURITY_ADMIN], terminalCreated },
  });
  await em.flush();
  return { initialPassword, terminalCreated };
}
