import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResidentStatus } from '../../src/domain/registry-values';
import { AuditLog, Resident } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { piiOf } from '../support/harness';
import { startTestSystem, type TestSystem } from '../support/system-harness';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

/**
 * Issue 13 item 6: the audit trail names the roles the user really held (not a role assumed by the step), and the
 * 監査ログ screen — auditor only — searches it by person, staff and period and verifies the hash chain.
 */
describe('audit: actor roles on certificate issuance, the auditor screen', () => {
  let sys: TestSystem;
  let addresseeNumber: string;
  const cookieOf = (token: string) => `juki_session=${encodeURIComponent(token)}`;
  const screen = async (token: string, path: string, form?: Record<string, string>) => {
    const cookie = cookieOf(token);
    if (!form) return fetch(`${sys.apiUrl}${path}`, { headers: { cookie }, redirect: 'manual' });
    const page = await (await fetch(`${sys.apiUrl}/audit`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    return fetch(`${sys.apiUrl}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, requestId: randomUUID(), ...form }).toString(),
      redirect: 'manual',
    });
  };

  beforeAll(async () => {
    sys = await startTestSystem(`sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-audit-ui-')), 'registry.sqlite')}`);
    await loadDemoTown(sys.orm, piiOf(sys.config), { households: 2 });
    addresseeNumber = (await sys.orm.em.fork().findOneOrFail(Resident, { status: ResidentStatus.RESIDENT }))
      .addresseeNumber;
  });
  afterAll(async () => sys?.close());

  it('a 住民票の写し issued by a clerk who is also an approver is audited with both roles', async () => {
    const dual = await sys.login('dual1');
    const r = await sys.api('POST', '/api/certificates/resident-record-copy', {
      token: dual,
      headers: { 'x-request-id': randomUUID() },
      body: {
        addresseeNumbers: [addresseeNumber],
        options: { includeHouseholdHead: true },
        requester: { relation: 'self' },
        identityDocument: { type: 'driversLicence' },
      },
    });
    expect(r.status).toBe(201);
    const rows = await sys.orm.em.fork().find(AuditLog, { actorId: 'dual1', action: '証明発行' });
    expect(rows.length).toBe(1);
    expect([...rows[0]!.actorRoles].sort()).toEqual(['approver', 'clerk']);
  });

  it('the screen is refused to a clerk (403, audited) and serves the auditor: search by staff, person and period', async () => {
    const clerk = await sys.login('clerk1');
    expect((await screen(clerk, '/audit')).status).toBe(403);
    expect(
      await sys.orm.em.fork().count(AuditLog, { actorId: 'clerk1', function: 'GET /audit', outcome: 'denied' }),
    ).toBe(1);

    const auditor = await sys.login('auditor1');
    const byStaff = await screen(auditor, '/audit', { actorId: 'dual1' });
    expect(byStaff.status).toBe(200);
    const text = await byStaff.text();
    expect(text).toContain('issue residentRecordCopy');
    expect(text).toContain(addresseeNumber);
    const byPerson = await (
      await screen(auditor, '/audit', { addresseeNumber, from: '2020-01-01', to: '2099-12-31' })
    ).text();
    expect(byPerson).toContain('dual1');
    const nothing = await (await screen(auditor, '/audit', { actorId: 'dual1', to: '2020-01-01' })).text();
    expect(nothing).toContain('該当するアクセス記録はありません');
    // reading the trail is recorded too
    expect(await sys.orm.em.fork().count(AuditLog, { actorId: 'auditor1', function: 'POST /audit' })).toBe(3);
  });

  it('a bad search names the field and the rule and reads nothing', async () => {
    const auditor = await sys.login('auditor1');
    const before = await sys.orm.em.fork().count(AuditLog, { actorId: 'auditor1', function: 'POST /audit' });
    const r = await screen(auditor, '/audit', { addresseeNumber: 'abc', from: '2026-02-30' });
    expect(r.status).toBe(422);
    const text = await r.text();
    expect(text).toContain('宛名番号（数字16桁まで）: pattern');
    expect(text).toContain('期間の開始日（例: 2026-12-01）: format');
    expect(await sys.orm.em.fork().count(AuditLog, { actorId: 'auditor1', function: 'POST /audit' })).toBe(before);
  });

  it('verifies the chain, and names the row an insider altered', async () => {
    const auditor = await sys.login('auditor1');
    expect(await (await screen(auditor, '/audit/verify', {})).text()).toContain('ハッシュ連鎖は正常です');
    const row = await sys.orm.em.fork().findOneOrFail(AuditLog, { actorId: 'dual1', action: '証明発行' });
    await sys.orm.em
      .getConnection()
      .execute('update audit_log set target_addressee_number = ? where id = ?', ['999999', row.id]);
    const text = await (await screen(auditor, '/audit/verify', {})).text();
    expect(text).toContain(`改ざんを検出しました: 記録番号 ${row.chainSeq}（ID ${row.id}）`);
  });
});
