import { describe, expect, it } from 'vitest';
import { actorFields } from '../../src/db/audit-writer';
import { Role } from '../../src/domain/roles';

describe('actorFields: the actor fields of an audit row', () => {
  it('names the one who acted by user ID, roles and terminal, and nothing else of the staff context (not the IP)', () => {
    const staff = {
      userId: 'clerk01',
      displayName: '窓口 一郎',
      roles: [Role.CLERK, Role.APPROVER],
      terminalId: 'T-01',
      ip: '192.0.2.7',
    };
    expect(actorFields(staff)).toEqual({ actorId: 'clerk01', actorRoles: ['clerk', 'approver'], terminalId: 'T-01' });
    expect(Object.keys(actorFields(staff))).toEqual(['actorId', 'actorRoles', 'terminalId']);
  });

  it("gives the row its own copy of the roles: a later change to the session's array does not reach the row", () => {
    const roles: Role[] = [Role.AUDITOR];
    const fields = actorFields({ userId: 'audit01', roles, terminalId: 'T-02' });
    roles.push(Role.SECURITY_ADMIN);
    expect(fields.actorRoles).toEqual(['auditor']);
    expect(fields.actorRoles).not.toBe(roles);
  });

  it('leaves the terminal empty for an actor without one, as the row had it before', () => {
    expect(actorFields({ userId: 'x', roles: [] })).toEqual({ actorId: 'x', actorRoles: [], terminalId: undefined });
  });
});
