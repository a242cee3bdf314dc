import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyBytes } from '../../src/config';
import { addDays } from '../../src/domain/dates';
import { CaseApplication, CaseRecord, HeldMoveOutCertificate, InboundMessage, Resident } from '../../src/db/entities';
import { createPiiCrypto } from '../../src/db/pii-crypto';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { today } from '../support/fixtures';
import { certificateInfoFrom, householdMovers, moveInNoticeFrom, TOWN_B } from '../support/move-fixtures';
import { startTestSystem, type TestSystem } from '../support/system-harness';

/** Every bad input of the move pair is refused with a clear reason (or handled idempotently) and leaves nothing. */
describe('move pair: bad input at the counter and from the CS', () => {
  let sys: TestSystem;
  let clerk: string;
  beforeAll(async () => {
    sys = await startTestSystem(`sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-bad-')), 'registry.sqlite')}`);
    clerk = await sys.login('clerk1');
    await loadDemoTown(
      sys.orm,
      createPiiCrypto(keyBytes(sys.config.keys.piiEncryption), keyBytes(sys.config.keys.piiIndex)),
      { households: 4 },
    );
  });
  afterAll(async () => sys?.close());

  const counts = async () => {
    const em = sys.orm.em.fork();
    return {
      apps: await em.count(CaseApplication, {}),
      cases: await em.count(CaseRecord, {}),
      held: await em.count(HeldMoveOutCertificate, {}),
      pending: await em.count(Resident, { status: 'PENDING_MOVE_OUT' }),
    };
  };
  const inbound = (path: string, body: unknown, token = sys.config.csInboundToken) =>
    sys.api('POST', `/cs-inbound/v1/${path}`, { body, headers: { authorization: `Bearer ${token}` } });

  it('転出届: unknown destination code, impossible dates, 4情報 mismatch, special path without a card', async () => {
    const movers = await householdMovers(sys.orm, 0);
    const base = {
      movers,
      destination: { address: '神奈川県相模原市', municipalityCode: TOWN_B },
      plannedMoveOutDate: addDays(today(), 3),
      path: 'paper',
      notifier: { kind: 'self' },
      identityDocument: { type: 'driversLicence' },
    };
    const before = await counts();
    const cases: Array<[string, unknown, number, string, string]> = [
      [
        'unknown municipality code',
        { ...base, destination: { address: '某市', municipalityCode: '141501' } },
        400,
        '/destination/municipalityCode',
        'format',
      ],
      [
        'planned date too far ahead',
        { ...base, plannedMoveOutDate: addDays(today(), 200) },
        422,
        '/plannedMoveOutDate',
        'range',
      ],
      [
        'planned date before becoming a resident',
        { ...base, plannedMoveOutDate: '1900-01-01' },
        422,
        '/plannedMoveOutDate',
        'range',
      ],
      [
        '4情報 do not match',
        { ...base, movers: [{ ...movers[0]!, birthDate: '1901-01-01' }, ...movers.slice(1)] },
        422,
        '/movers/0',
        'fourInfoMatch',
      ],
      ['special path without a card', { ...base, path: 'special' }, 422, '/path', 'cardRequired'],
      [
        'proxy without a 委任状',
        { ...base, notifier: { kind: 'proxy', powerOfAttorney: false } },
        422,
        '/notifier/powerOfAttorney',
        'required',
      ],
      [
        'own municipality',
        { ...base, destination: { address: 'さくら市内', municipalityCode: sys.config.municipalityCode } },
        422,
        '/destination/municipalityCode',
        'notOwnMunicipality',
      ],
    ];
    for (const [label, body, status, field, rule] of cases) {
      const r = await sys.api('POST', '/api/cases/move-out', {
        token: clerk,
        body,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(r.status, label).toBe(status);
      expect(r.json.errors, label).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    }
    expect(await counts()).toEqual(before);
  });

  it('転出証明書情報 with a bad 個人番号 or missing fields, a wrong token, another town: refused, nothing held', async () => {
    const before = await counts();
    const good = certificateInfoFrom(sys.config.municipalityCode, addDays(today(), -1));
    const bad = { ...good, certificate: { ...good.certificate, individualNumber: '123456789019' } };
    const { plannedMoveOutDate: _p, ...missing } = good.certificate;
    let r = await inbound('move-out-certificates', bad);
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([
      expect.objectContaining({ field: '/certificate/individualNumber', rule: 'format' }),
    ]);
    expect(JSON.stringify(r.json)).not.toContain('123456789019');
    r = await inbound('move-out-certificates', { ...good, certificate: missing });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([
      expect.objectContaining({ field: '/certificate/plannedMoveOutDate', rule: 'required' }),
    ]);
    expect((await inbound('move-out-certificates', good, 'wrong-token-wrong-token')).status).toBe(401);
    expect(
      (
        await inbound('move-out-certificates', {
          ...good,
          toMunicipalityCode: TOWN_B,
          fromMunicipalityCode: sys.config.municipalityCode,
        })
      ).status,
    ).toBe(422);
    expect(await counts()).toEqual(before);
    expect(await sys.orm.em.fork().count(InboundMessage, {})).toBe(0);
  });

  it('a duplicate CS delivery is answered once; a 転入通知 for an unknown person waits for staff', async () => {
    const cert = certificateInfoFrom(sys.config.municipalityCode, addDays(today(), -1));
    const first = await inbound('move-out-certificates', cert);
    const again = await inbound('move-out-certificates', cert);
    expect([first.status, again.status]).toEqual([202, 200]);
    expect(again.json).toMatchObject({ duplicate: true, inboundId: first.json.inboundId });
    expect(
      await sys.orm.em
        .fork()
        .count(HeldMoveOutCertificate, { residentRecordCode: cert.certificate.residentRecordCode }),
    ).toBe(1);

    const casesBefore = await sys.orm.em.fork().count(CaseRecord, {});
    const stranger = moveInNoticeFrom(
      sys.config.municipalityCode,
      { residentRecordCode: '99999999999', familyName: '不明', givenName: '太郎', birthDate: '1980-01-01', sex: '1' },
      today(),
    );
    const r = await inbound('move-in-notices', stranger);
    expect(r.status).toBe(202);
    expect(r.json.status).toBe('UNMATCHED');
    expect(await sys.orm.em.fork().findOneOrFail(InboundMessage, { id: r.json.inboundId })).toMatchObject({
      status: 'UNMATCHED',
    });
    expect(await sys.orm.em.fork().count(CaseRecord, {})).toBe(casesBefore);
    const withNumber = {
      ...stranger,
      idempotencyKey: `B-${randomUUID()}`,
      notice: { ...stranger.notice, individualNumber: '123456789018' },
    };
    const refused = await inbound('move-in-notices', withNumber);
    expect(refused.status).toBe(400);
    expect(refused.json.errors).toEqual([
      expect.objectContaining({ field: '/notice/individualNumber', rule: 'additionalProperties' }),
    ]);
  });
});
