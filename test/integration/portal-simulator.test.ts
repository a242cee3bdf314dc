/**
 * マイナポータル simulator over real HTTP, against a real HTTP receiver playing the municipality intake
 * (test/support/portal-intake-receiver.ts: request HMAC, schemas, X.509 signature, signer identity). The receiver is
 * configured once, like a municipality, from GET /_admin/trust and a key registered with POST /_admin/municipalities.
 * Notices go through PortalHttpClient only. No mocks; no Temporal or database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnlineMoveOutEnvelopeSchema, type OnlineMoveOutContent } from '../../src/procedures/online-move-out/schema';
import { PortalRejectedError, PortalUnavailableError, type PortalNotice } from '../../src/partners/portal';
import { PortalHttpClient } from '../../src/partners/portal-http-client';
import {
  PortalScenario,
  startPortalSimulator,
  type PortalTrust,
  type RunningPortalSimulator,
} from '../../src/partners/portal-simulator';
import { FICTIONAL_OTHER_SIGNER } from '../../src/partners/portal-simulator-scenarios';
import { startIntakeReceiver, type IntakeReceiver } from '../support/portal-intake-receiver';

const TOKEN = 'test-token-portal-0123456789';
const TOWN = '139998'; // the demo town さくら市
const KEY_ID = 'portal-test-key';
const KEY = randomBytes(32);

// A fictional applicant; these values must never appear in the simulator's log lines.
const mover = { familyName: '桜井', givenName: '花子', birthDate: '1985-06-15', sex: '2' as const };
const content: OnlineMoveOutContent = {
  applicationDate: '2026-11-20',
  applicant: { ...mover, isMover: true },
  currentAddress: '東京都さくら市桜ケ丘二丁目3番14号',
  movers: [mover],
  destination: { address: '神奈川県相模原市中央区中央二丁目11番1号', municipalityCode: '141500' },
  plannedMoveOutDate: '2026-12-01',
  contactPhone: '090-1234-5678',
};
const personal = ['桜井', '花子', '1985-06-15', '桜ケ丘', '相模原', '090-1234-5678'];

let logLines: string[];
let sim: RunningPortalSimulator;
let receiver: IntakeReceiver;

const admin = async (path: string, body?: unknown, token = TOKEN): Promise<{ status: number; json: any }> => {
  const res = await fetch(`${sim.url}/portal-sim/v1/_admin/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};
const submit = async (scenario: PortalScenario, over: Record<string, unknown> = {}) => {
  const res = await admin('applications', { municipalityCode: TOWN, scenario, content, ...over });
  expect(res.status).toBe(200);
  return res.json as {
    applicationId: string;
    scenario: string;
    sent: { status: number; body: any };
    replay?: { status: number; body: any };
  };
};
const classifiedOf = (applicationId: string) => receiver.classified.filter((c) => c.applicationId === applicationId);

beforeAll(async () => {
  logLines = [];
  sim = await startPortalSimulator({ token: TOKEN, log: (l) => logLines.push(l) });
  const trust = (await admin('trust')).json as PortalTrust;
  receiver = await startIntakeReceiver({ keys: { [KEY_ID]: KEY }, trust });
  const registered = await admin('municipalities', {
    municipalityCode: TOWN,
    intakeBaseUrl: receiver.baseUrl,
    keyId: KEY_ID,
    key: KEY.toString('base64'),
  });
  expect(registered).toEqual({
    status: 201,
    json: { municipalityCode: TOWN, intakeBaseUrl: receiver.baseUrl, keyId: KEY_ID, registeredAt: expect.any(String) },
  });
}, 60_000);
afterAll(async () => {
  await sim?.close();
  await receiver?.close();
});

describe('portal simulator: applications to the municipality intake', () => {
  it('valid: accepted, the signer identity is the applicant, the exact content bytes arrive', async () => {
    const r = await submit(PortalScenario.VALID);
    expect(r.applicationId).toMatch(/^MP-\d{8}-[0-9A-F]{12}$/);
    expect(r.applicationId).toMatch(new RegExp(OnlineMoveOutEnvelopeSchema.properties.applicationId.pattern));
    expect(r.sent).toEqual({ status: 201, body: { code: 'ACCEPTED', applicationId: r.applicationId } });
    expect(r.replay).toBeUndefined();
    const [c, ...more] = classifiedOf(r.applicationId);
    expect(more).toHaveLength(0);
    expect(c!.path).toBe('/portal/v1/move-out-applications');
    expect(c!.identity).toEqual({
      name: '桜井\u3000花子',
      birthDate: '1985-06-15',
      sex: '2',
      address: content.currentAddress,
    });
    expect(c!.envelope!.signedContent).toBe(JSON.stringify(content));
    expect(c!.envelope!.signerCertificate).not.toContain('桜井');
  });

  it('every bad scenario is refused by the intake for its own reason', async () => {
    const expected: Array<[PortalScenario, number, string]> = [
      [PortalScenario.TAMPERED, 422, 'BAD_SIGNATURE'],
      [PortalScenario.OTHER_KEY, 422, 'BAD_SIGNATURE'],
      [PortalScenario.EXPIRED, 422, 'CERTIFICATE_EXPIRED'],
      [PortalScenario.NOT_YET_VALID, 422, 'CERTIFICATE_NOT_YET_VALID'],
      [PortalScenario.REVOKED, 422, 'CERTIFICATE_REVOKED'],
      [PortalScenario.REVOKED_INTERMEDIATE, 422, 'CERTIFICATE_REVOKED'],
      [PortalScenario.UNTRUSTED, 422, 'UNTRUSTED_CHAIN'],
      [PortalScenario.WRONG_SIGNER, 422, 'SIGNER_NOT_APPLICANT'],
      [PortalScenario.STALE_REQUEST, 401, 'STALE_TIMESTAMP'],
      [PortalScenario.BAD_REQUEST_SIGNATURE, 401, 'BAD_SIGNATURE'],
    ];
    for (const [scenario, status, code] of expected) {
      const r = await submit(scenario);
      expect({ scenario, status: r.sent.status, code: r.sent.body?.code }).toEqual({ scenario, status, code });
    }
  });

  it('tampered: the destination was changed after signing; wrongSigner: a valid signature by another person', async () => {
    const tampered = await submit(PortalScenario.TAMPERED);
    const sent = JSON.parse(classifiedOf(tampered.applicationId)[0]!.envelope!.signedContent) as OnlineMoveOutContent;
    expect(sent.destination.address).not.toBe(content.destination.address);
    expect({ ...sent, destination: content.destination }).toEqual(content);

    const wrong = await submit(PortalScenario.WRONG_SIGNER);
    const c = classifiedOf(wrong.applicationId)[0]!;
    expect(c.outcome).toBe('SIGNER_NOT_APPLICANT'); // i.e. the certificate chain and the signature were fine
    expect(c.identity).toEqual(FICTIONAL_OTHER_SIGNER);
  });

  it('replay: the identical signed request twice, the second refused as a replayed nonce', async () => {
    const r = await submit(PortalScenario.REPLAY);
    expect(r.sent).toEqual({ status: 201, body: { code: 'ACCEPTED', applicationId: r.applicationId } });
    expect(r.replay).toEqual({ status: 401, body: { code: 'REPLAYED_NONCE' } });
  });

  it('oversized: refused with 413 before anything is parsed or verified', async () => {
    const before = { tooLarge: receiver.tooLarge(), classified: receiver.classified.length };
    const r = await submit(PortalScenario.OVERSIZED);
    expect(r.sent).toEqual({ status: 413, body: { code: 'TOO_LARGE' } });
    expect(receiver.tooLarge()).toBe(before.tooLarge + 1);
    expect(receiver.classified).toHaveLength(before.classified);
  });

  it('cancellation: signed, reaches the intake; unknown and malformed IDs are refused', async () => {
    const { applicationId } = await sim.submit({ municipalityCode: TOWN, scenario: PortalScenario.VALID, content });
    const res = await admin(`applications/${applicationId}/cancel`, {});
    expect(res).toEqual({ status: 200, json: { status: 200, body: { code: 'CANCELLATION_ACCEPTED', applicationId } } });
    const c = receiver.classified.at(-1)!;
    expect(c.path).toBe(`/portal/v1/move-out-applications/${applicationId}/cancellation`);
    expect(c.cancellation).toEqual({ applicationId, requestedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) });
    expect((await admin('applications/MP-20260101-UNKNOWN0/cancel', {})).json.code).toBe('UNKNOWN_APPLICATION');
    expect((await admin('applications/x/cancel', {})).status).toBe(400);
  });

  it('resend: the same body in a newly signed request (not a replay), also after an unanswered first sending', async () => {
    const { applicationId } = await submit(PortalScenario.VALID);
    const again = await admin(`applications/${applicationId}/resend`, {});
    expect(again).toEqual({ status: 200, json: { status: 201, body: { code: 'ACCEPTED', applicationId } } });
    const [first, second, ...more] = classifiedOf(applicationId);
    expect(more).toHaveLength(0);
    expect(second!.envelope).toEqual(first!.envelope); // the same application ID, signature and certificate

    // the first sending got no answer (the intake unreachable); re-sent once it is back, with the same envelope
    const code = '131059';
    const register = (intakeBaseUrl: string) =>
      sim.registerMunicipality({ municipalityCode: code, intakeBaseUrl, keyId: KEY_ID, key: KEY });
    register('http://127.0.0.1:1/portal/v1');
    const lostId = 'MP-20261120-RESEND0001';
    const lost = await admin('applications', {
      municipalityCode: code,
      scenario: 'valid',
      applicationId: lostId,
      content,
    });
    expect(lost).toMatchObject({ status: 502, json: { code: 'MUNICIPALITY_UNREACHABLE' } });
    expect(await admin(`applications/${lostId}/resend`, {})).toMatchObject({
      status: 502,
      json: { code: 'MUNICIPALITY_UNREACHABLE' },
    });
    expect(classifiedOf(lostId)).toHaveLength(0);
    register(receiver.baseUrl);
    const back = await admin(`applications/${lostId}/resend`, {});
    expect(back).toEqual({ status: 200, json: { status: 201, body: { code: 'ACCEPTED', applicationId: lostId } } });
    expect(classifiedOf(lostId).map((c) => c.outcome)).toEqual(['ACCEPTED']);
    expect((await admin('applications/MP-20260101-UNKNOWN0/resend', {})).json.code).toBe('UNKNOWN_APPLICATION');
    expect((await admin('applications/x/resend', {})).status).toBe(400);
  });

  it('with a state directory the re-sendable applications survive a restart: the last 1000, the oldest dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'juki-portal-state-'));
    const post = async (url: string, path: string, body: unknown) => {
      const res = await fetch(`${url}/portal-sim/v1/_admin/${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as any };
    };
    try {
      const first = await startPortalSimulator({ token: TOKEN, stateDir: dir });
      let applicationId: string;
      try {
        const town = {
          municipalityCode: TOWN,
          intakeBaseUrl: receiver.baseUrl,
          keyId: KEY_ID,
          key: KEY.toString('base64'),
        };
        expect((await post(first.url, 'municipalities', town)).status).toBe(201);
        const submitted = await post(first.url, 'applications', { municipalityCode: TOWN, scenario: 'valid', content });
        expect(submitted.json.sent.status).toBe(201);
        applicationId = String(submitted.json.applicationId);
      } finally {
        await first.close();
      }
      // the state file holds the body to re-send; put 1000 older applications in front of it: one too many
      const file = join(dir, 'portal-simulator.json');
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { submitted: Array<[string, unknown]> };
      expect(saved.submitted.map(([id]) => id)).toEqual([applicationId]);
      const older = Array.from({ length: 1000 }, (_, i) => [
        `MP-20261120-OLD${String(i).padStart(6, '0')}`,
        saved.submitted[0]![1],
      ]);
      writeFileSync(file, JSON.stringify({ ...saved, submitted: [...older, ...saved.submitted] }));

      const second = await startPortalSimulator({ token: TOKEN, stateDir: dir });
      try {
        expect((await post(second.url, `applications/${older[0]![0]}/resend`, {})).json.code).toBe(
          'UNKNOWN_APPLICATION',
        );
        expect((await post(second.url, `applications/${older[1]![0]}/resend`, {})).status).toBe(200);
        expect(await post(second.url, `applications/${applicationId}/resend`, {})).toEqual({
          status: 200,
          json: { status: 201, body: { code: 'ACCEPTED', applicationId } },
        });
      } finally {
        await second.close();
      }
      const [sent, ...resent] = classifiedOf(applicationId);
      expect(resent).toHaveLength(2);
      for (const r of resent) expect(r.raw!.equals(sent!.raw!)).toBe(true); // the same bytes after the restart
      expect((JSON.parse(readFileSync(file, 'utf8')) as typeof saved).submitted).toHaveLength(1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad admin requests naming fields, never values; an unreachable intake is a 502', async () => {
    const bad = await admin('applications', {
      municipalityCode: TOWN,
      scenario: 'forged',
      content: { ...content, contactPhone: 'call me' },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: any) => `${e.field} ${e.rule}`)).toEqual(
      expect.arrayContaining(['/scenario enum', '/content/contactPhone pattern']),
    );
    expect((await admin('applications', { municipalityCode: '131041', scenario: 'valid', content })).json.code).toBe(
      'MUNICIPALITY_NOT_REGISTERED',
    );
    const short = await admin('municipalities', {
      municipalityCode: '131041',
      intakeBaseUrl: receiver.baseUrl,
      keyId: 'k',
      key: randomBytes(31).toString('base64'),
    });
    expect(short.status).toBe(400);
    expect(short.json.errors.map((e: any) => e.field)).toEqual(['/key']);
    expect(JSON.stringify((await admin('municipalities')).json)).not.toContain(KEY.toString('base64'));

    sim.registerMunicipality({
      municipalityCode: '131041',
      intakeBaseUrl: 'http://127.0.0.1:1/portal/v1',
      keyId: KEY_ID,
      key: KEY,
    });
    const gone = await admin('applications', { municipalityCode: '131041', scenario: 'valid', content });
    expect(gone).toMatchObject({ status: 502, json: { code: 'MUNICIPALITY_UNREACHABLE' } });
    expect(() =>
      sim.registerMunicipality({
        municipalityCode: '131041',
        intakeBaseUrl: receiver.baseUrl,
        keyId: KEY_ID,
        key: randomBytes(8),
      }),
    ).toThrow(/key/);
  });
});

let keySeq = 0;
const notice = (o: Partial<PortalNotice> = {}): PortalNotice => ({
  idempotencyKey: `notice-${++keySeq}-${Date.now()}`,
  applicationId: 'MP-20261120-0000000001',
  municipalityCode: TOWN,
  kind: 'RECEIVED',
  at: new Date().toISOString(),
  ...o,
});
const failure = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('portal simulator: notices through PortalHttpClient', () => {
  it('201 then a duplicate 200 with the same noticeId; the key is refused for another notice', async () => {
    const client = new PortalHttpClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000 });
    const n = notice({
      kind: 'REJECTED',
      reasons: [{ rule: 'CERTIFICATE_REVOKED', message: '署名用電子証明書は失効しています。' }],
    });
    const first = await client.sendNotice(n);
    expect(first).toEqual({ noticeId: expect.stringMatching(/^PN-/), duplicate: false });
    expect(await client.sendNotice({ ...n })).toEqual({ noticeId: first.noticeId, duplicate: true });
    const reused = await failure(client.sendNotice({ ...n, kind: 'COMPLETED', reasons: undefined }));
    expect(reused).toBeInstanceOf(PortalRejectedError);
    expect(reused).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', httpStatus: 409 });
    const items = (await admin('received?kind=notices')).json.items.filter(
      (i: any) => i.idempotencyKey === n.idempotencyKey,
    );
    expect(items).toEqual([{ noticeId: first.noticeId, idempotencyKey: n.idempotencyKey, body: n }]);
    expect(sim.received().filter((i) => i.noticeId === first.noticeId)).toHaveLength(1);
  });

  it('a schema error is a PortalRejectedError with field paths and no values, server side and locally', async () => {
    const bad = {
      ...notice(),
      kind: 'DONE',
      municipalityCode: '139990',
      residentName: '桜井　花子',
    } as unknown as PortalNotice;
    const raw = new PortalHttpClient({ baseUrl: sim.url, token: TOKEN, validateOutgoing: false });
    const server = (await failure(raw.sendNotice(bad))) as PortalRejectedError;
    expect(server).toBeInstanceOf(PortalRejectedError);
    expect(server).toMatchObject({ code: 'INVALID_MESSAGE', httpStatus: 400, name: 'PortalRejectedError' });
    expect(server.fields).toEqual(
      expect.arrayContaining([
        { field: '/kind', rule: 'enum' },
        { field: '/municipalityCode', rule: 'format' },
        { field: '/residentName', rule: 'additionalProperties' },
      ]),
    );
    const local = (await failure(
      new PortalHttpClient({ baseUrl: sim.url, token: TOKEN }).sendNotice(bad),
    )) as PortalRejectedError;
    expect(local).toMatchObject({ code: 'INVALID_MESSAGE', httpStatus: undefined });
    for (const e of [server, local])
      for (const v of ['桜井', '139990', 'DONE']) expect(`${e.message} ${JSON.stringify(e)}`).not.toContain(v);
  });

  it('a failNext fault is a PortalUnavailableError, then the resend succeeds; a bad token is UNAUTHORIZED', async () => {
    const client = new PortalHttpClient({ baseUrl: sim.url, token: TOKEN });
    expect((await admin('faults', { failNext: 1 })).json).toMatchObject({ failNext: 1 });
    const n = notice({ kind: 'COMPLETED' });
    const down = await failure(client.sendNotice(n));
    expect(down).toBeInstanceOf(PortalUnavailableError);
    expect(down).toMatchObject({
      httpStatus: 503,
      name: 'PortalUnavailableError',
      message: expect.stringContaining('PORTAL_UNAVAILABLE'),
    });
    expect((await client.sendNotice(n)).duplicate).toBe(false);
    const denied = await failure(new PortalHttpClient({ baseUrl: sim.url, token: 'wrong-token' }).sendNotice(notice()));
    expect(denied).toBeInstanceOf(PortalRejectedError);
    expect(denied).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    expect((await admin('trust', undefined, 'wrong-token')).status).toBe(401);
    expect(await (await fetch(`${sim.url}/portal-sim/v1/health`)).json()).toEqual({ status: 'ok' });
  });
});

describe('portal simulator: privacy and reset', () => {
  it('logs IDs and statuses only, never personal data or keys; reset clears notices and registrations', async () => {
    expect(logLines.some((l) => /^submit MP-\d{8}-[0-9A-F]{12} valid -> 139998: 201$/.test(l))).toBe(true);
    for (const line of logLines) {
      for (const p of [...personal, KEY.toString('base64'), TOKEN]) expect(line).not.toContain(p);
    }
    expect((await admin('reset', {})).status).toBe(204);
    expect((await admin('received?kind=notices')).json.count).toBe(0);
    expect((await admin('municipalities')).json.count).toBe(0);
    expect((await admin('trust')).json.anchors).toHaveLength(1);
  });
});
