import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseApplication, CertificateIssuance } from '../../src/db/entities';
import { encryptClearRows } from '../../src/db/encrypted-columns';
import { CaseStatus } from '../../src/domain/case-status';
import { piiOf } from '../support/harness';
import { moveInApplication, mover } from '../support/fixtures';
import { pdfBytesText } from '../support/pdf-text';
import { personValuesOf, scanRegistryDb } from '../support/registry-db-scan';
import { caseStatus, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

const sqliteUrl = () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-sec-')), 'registry.sqlite')}`;
const AT_REST = ['case_application', 'certificate_issuance'];

/**
 * Issue 13 item 7: the stored application (4情報, 個人番号 of every person) and the certificate PDFs (a 転出証明書
 * carries the 個人番号) were stored in clear. Now both are encrypted with the PII key: the registry-db scanner finds
 * the person's 氏名, 生年月日 and 個人番号 in these tables only after decrypting; the API still serves the PDF; rows
 * stored in clear before are encrypted by the data migration at start.
 */
describe.each([
  ['MariaDB', freshMariaDbUrl],
  ['SQLite', sqliteUrl],
])('applications and certificate PDFs encrypted at rest (%s)', (_name, dbUrl) => {
  let sys: TestSystem;
  let clerk: string;

  beforeAll(async () => {
    sys = await startTestSystem(dbUrl());
    clerk = await sys.login('clerk1');
  });
  afterAll(async () => sys?.close());

  it('a completed 転入 leaves no clear 氏名, 生年月日 or 個人番号 in the application or the PDF', async () => {
    const person = mover({ familyName: '暗号', givenName: '保子', birthDate: '1981-09-17' });
    const r = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body: moveInApplication({ movers: [person] }),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(r.status).toBe(201);
    const approver = await sys.login('approver1');
    expect((await sys.api('POST', `/api/cases/${r.json.caseId}/approve`, { token: approver })).status).toBe(200);
    const done = await caseStatus(sys, clerk, r.json.caseId, CaseStatus.COMPLETED);

    const values = personValuesOf({
      name: `${person.familyName}　${person.givenName}`,
      birthDate: person.birthDate,
      individualNumber: person.individualNumber,
    });
    const { tables, findings } = await scanRegistryDb(sys.orm, piiOf(sys.config), values);
    expect(tables).toEqual(expect.arrayContaining(AT_REST));
    const here = findings.filter((f) => AT_REST.includes(f.table));
    expect(here.filter((f) => !f.via.startsWith('decrypted'))).toEqual([]);
    expect(here.some((f) => f.table === 'case_application')).toBe(true); // readable only with the key

    // the readers still see the clear values: the case screen's application and the PDF served by the API
    expect(JSON.stringify(done.application)).toContain('暗号');
    const pdf = await sys.api('GET', done.certificates[0].href, { token: clerk });
    expect(pdfBytesText(pdf.buffer)).toContain('暗号');
  });

  it('the data migration encrypts rows stored in clear before, and the readers get the same values', async () => {
    const em = sys.orm.em.fork();
    const [cert] = await em.find(CertificateIssuance, {}, { limit: 1, populate: ['pdf'] });
    const clearPdf = cert!.pdf;
    const conn = em.getConnection();
    const legacy = { movers: [{ familyName: '旧式', givenName: '記録', birthDate: '1970-01-02' }] };
    await conn.execute(
      'insert into case_application (case_id, `procedure`, idempotency_key, payload_hash, payload, created_at) values (?, ?, ?, ?, ?, ?)',
      ['MI-LEGACY-1', 'MOVE_IN', `legacy-${randomUUID()}`, 'x'.repeat(64), JSON.stringify(legacy), new Date()],
    );
    await conn.execute('update certificate_issuance set pdf = ? where certificate_id = ?', [
      clearPdf,
      cert!.certificateId,
    ]);
    const raw = async () => ({
      app: String(
        ((await conn.execute('select payload from case_application where case_id = ?', ['MI-LEGACY-1'])) as any[])[0]
          .payload,
      ),
      pdf: Buffer.from(
        (
          (await conn.execute('select pdf from certificate_issuance where certificate_id = ?', [
            cert!.certificateId,
          ])) as any[]
        )[0].pdf,
      ),
    });
    expect((await raw()).app).toContain('旧式');
    expect((await raw()).pdf.subarray(0, 4).toString()).toBe('%PDF');

    expect(await encryptClearRows(sys.orm)).toEqual({ applications: 1, certificates: 1 });
    const after = await raw();
    expect(after.app).not.toContain('旧式');
    expect(after.pdf.subarray(0, 4).toString()).not.toBe('%PDF');
    expect(await encryptClearRows(sys.orm)).toEqual({ applications: 0, certificates: 0 });

    const fresh = sys.orm.em.fork();
    expect((await fresh.findOneOrFail(CaseApplication, { caseId: 'MI-LEGACY-1' })).payload).toEqual(legacy);
    const reread = await fresh.findOneOrFail(
      CertificateIssuance,
      { certificateId: cert!.certificateId },
      { populate: ['pdf'] },
    );
    expect(reread.pdf.equals(clearPdf)).toBe(true);
  });
});
