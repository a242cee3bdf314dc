/**
 * The partner simulators remember across restarts, like the real partners (issue 15 item 2): each runs as its own
 * process (scripts/lib/app-processes.ts) with SIM_STATE_DIR, is killed with SIGKILL and started again, and then
 * answers a resend as the idempotent repeat it is (the original ack, `duplicate: true`), keeps its business state
 * (prefecture view, 更新順番号, routes, queued deliveries, the portal's PKI and the applications it can re-send) and
 * lists what it received exactly once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnApp, type AppProcess } from '../../scripts/lib/app-processes';
import { jstDate } from '../../src/domain/dates';
import type { OnlineMoveOutContent } from '../../src/procedures/online-move-out/schema';
import { startIntakeReceiver } from '../support/portal-intake-receiver';

const TOKEN = 'sim-restart-token-0123456789';
const US = '141500';
const OTHER = '131041';
const CODE = '24727059608';
const lines: string[] = [];
let stateDir: string;
const procs: AppProcess[] = [];

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'juki-sim-state-'));
});
afterAll(async () => {
  for (const p of procs) await p.kill('SIGKILL');
  rmSync(stateDir, { recursive: true, force: true });
});

const start = async (role: 'cs-simulator' | 'jlis-simulator' | 'portal-simulator') => {
  const p = await spawnApp(role, {
    env: { CS_TOKEN: TOKEN, JLIS_TOKEN: TOKEN, PORTAL_TOKEN: TOKEN, SIM_STATE_DIR: stateDir },
    log: (l) => lines.push(l),
  });
  procs.push(p);
  return p;
};
/** SIGKILL (no chance to save anything on the way out), then the same process again. */
const crashAndRestart = async (p: AppProcess) => {
  const before = p.pid();
  await p.kill('SIGKILL');
  await p.restart();
  expect(p.pid()).not.toBe(before);
};

const call = async (url: string, path: string, body?: unknown, key?: string) => {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
};
const send = (url: string, path: string, body: { idempotencyKey: string; [k: string]: unknown }) =>
  call(url, path, body, body.idempotencyKey);

describe('simulators keep their state on disk across a SIGKILL', () => {
  it('CS: a resent 転入 本人確認情報 is the duplicate of the first, not ALREADY_REGISTERED; the prefecture view, routes and a queued 転入通知 survive', async () => {
    const cs = await start('cs-simulator');
    const update = {
      municipalityCode: US,
      idempotencyKey: 'outbox-restart-1',
      sequenceNumber: 1,
      identity: {
        residentRecordCode: CODE,
        name: '相模 花子',
        birthDate: '1985-07-14',
        sex: '2',
        address: '神奈川県相模原市中央区中央二丁目十一番十五号',
        individualNumber: '123456789018',
        changeReason: '10',
        changeDate: '2025-04-01',
      },
    };
    const first = await send(cs.url!, '/cs/v1/identity-updates', update);
    expect(first.status).toBe(201);
    // a 転入通知 for a town that has no route yet: kept (undeliverable) until the town registers
    const notice = {
      fromMunicipalityCode: US,
      toMunicipalityCode: OTHER,
      idempotencyKey: 'notice-restart-1',
      notice: {
        residentRecordCode: CODE,
        name: '相模 花子',
        birthDate: '1985-07-14',
        sex: '2',
        newAddress: '神奈川県相模原市中央区中央二丁目十一番十五号',
        moveInDate: '2025-04-01',
        previousAddress: '東京都新宿区西新宿二丁目八番一号',
        notificationDate: '2025-04-07',
      },
    };
    expect((await send(cs.url!, '/cs/v1/move-in-notices', notice)).status).toBe(201);

    await crashAndRestart(cs);

    const again = await send(cs.url!, '/cs/v1/identity-updates', update);
    expect(again).toEqual({ status: 200, json: { ...first.json, duplicate: true } });
    // the prefecture still counts the person as registered: a new 転入 message for the code is refused
    const other = await send(cs.url!, '/cs/v1/identity-updates', {
      ...update,
      idempotencyKey: 'outbox-restart-2',
      sequenceNumber: 2,
    });
    expect(other.json.code).toBe('ALREADY_REGISTERED');
    expect((await call(cs.url!, '/cs/v1/_admin/received?kind=identity-updates')).json.count).toBe(1);

    // the queued 転入通知 is delivered once the town registers, exactly once
    const got: string[] = [];
    const town: Server = createServer((req, res) => {
      got.push(`${req.url} ${req.headers['idempotency-key']}`);
      req.resume();
      res.writeHead(202).end();
    });
    await new Promise<void>((r) => town.listen(0, '127.0.0.1', r));
    try {
      const route = {
        municipalityCode: OTHER,
        inboundUrl: `http://127.0.0.1:${(town.address() as AddressInfo).port}/cs-inbound/v1`,
        token: 'town-token-0123456789',
      };
      expect((await call(cs.url!, '/cs/v1/_admin/routes', route)).status).toBe(201);
      await expect.poll(() => got, { timeout: 10_000 }).toEqual(['/cs-inbound/v1/move-in-notices notice-restart-1']);
      await crashAndRestart(cs);
      expect((await call(cs.url!, '/cs/v1/_admin/routes')).json.items).toEqual([
        expect.objectContaining({ municipalityCode: OTHER, inboundUrl: route.inboundUrl }),
      ]);
      const [item] = (await call(cs.url!, '/cs/v1/_admin/received?kind=move-in-notices')).json.items;
      expect(item.forward).toEqual({ status: 'delivered', attempts: 1, lastStatus: 202 });
      await new Promise((r) => setTimeout(r, 500));
      expect(got).toHaveLength(1); // not delivered again by the restarted CS
    } finally {
      await new Promise((r) => town.close(r));
    }
    await cs.kill();
  });

  it('J-LIS: a resent 継続利用 and card event are duplicates after the restart; 更新順番号 is remembered', async () => {
    const jlis = await start('jlis-simulator');
    const today = jstDate(new Date());
    const cu = {
      municipalityCode: US,
      idempotencyKey: 'cu-restart-1',
      residentRecordCode: CODE,
      newAddress: '神奈川県相模原市中央区中央二丁目十一番十五号',
      moveInDate: today,
      notificationDate: today,
    };
    const event = {
      municipalityCode: US,
      idempotencyKey: 'ev-restart-1',
      sequenceNumber: 1,
      residentRecordCode: CODE,
      event: 'ISSUED',
      eventDate: today,
    };
    const firstCu = await send(jlis.url!, '/jlis/v1/continued-use', cu);
    const firstEv = await send(jlis.url!, '/jlis/v1/card-events', event);
    expect([firstCu.status, firstEv.status]).toEqual([201, 201]);

    await crashAndRestart(jlis);

    expect(await send(jlis.url!, '/jlis/v1/continued-use', cu)).toEqual({
      status: 200,
      json: { ...firstCu.json, duplicate: true },
    });
    expect(await send(jlis.url!, '/jlis/v1/card-events', event)).toEqual({
      status: 200,
      json: { ...firstEv.json, duplicate: true },
    });
    const stale = await send(jlis.url!, '/jlis/v1/card-events', { ...event, idempotencyKey: 'ev-restart-2' });
    expect([stale.status, stale.json.code]).toEqual([409, 'SEQUENCE_OUT_OF_ORDER']);
    expect((await call(jlis.url!, '/jlis/v1/_admin/received?kind=continued-use')).json.count).toBe(1);
    expect((await call(jlis.url!, '/jlis/v1/_admin/received?kind=card-events')).json.count).toBe(1);
    await jlis.kill();
  });

  it('portal: a resent notice keeps its noticeId, the registered town and the trust anchors stay the same', async () => {
    const portal = await start('portal-simulator');
    const trust = (await call(portal.url!, '/portal-sim/v1/_admin/trust')).json;
    const town = {
      municipalityCode: US,
      intakeBaseUrl: 'http://127.0.0.1:9/portal/v1',
      keyId: 'mynaportal-test',
      key: Buffer.alloc(32, 7).toString('base64'),
    };
    expect((await call(portal.url!, '/portal-sim/v1/_admin/municipalities', town)).status).toBe(201);
    const notice = {
      idempotencyKey: 'notice-restart-portal-1',
      applicationId: 'MP-20261120-0000000001',
      municipalityCode: US,
      kind: 'RECEIVED',
      at: new Date().toISOString(),
    };
    const first = await send(portal.url!, '/portal-sim/v1/notices', notice);
    expect(first.status).toBe(201);

    await crashAndRestart(portal);

    expect(await send(portal.url!, '/portal-sim/v1/notices', notice)).toEqual({
      status: 200,
      json: { ...first.json, duplicate: true },
    });
    expect((await call(portal.url!, '/portal-sim/v1/_admin/received?kind=notices')).json.count).toBe(1);
    expect((await call(portal.url!, '/portal-sim/v1/_admin/trust')).json).toEqual(trust);
    expect((await call(portal.url!, '/portal-sim/v1/_admin/municipalities')).json.items).toEqual([
      expect.objectContaining({ municipalityCode: US, keyId: 'mynaportal-test' }),
    ]);
    await portal.kill();
    // nothing personal in the simulators' output
    expect(lines.join('\n')).not.toMatch(/相模|123456789018/);
  });

  it('portal: an application submitted before the restart is re-sent after it, the identical envelope bytes in a newly signed request', async () => {
    const portal = await start('portal-simulator');
    const trust = (await call(portal.url!, '/portal-sim/v1/_admin/trust')).json;
    const key = randomBytes(32);
    // a real intake (test/support/portal-intake-receiver.ts): request HMAC with its nonce check, X.509 signature
    const town = await startIntakeReceiver({ keys: { 'mynaportal-resend': key }, trust });
    try {
      const registration = {
        municipalityCode: OTHER,
        intakeBaseUrl: town.baseUrl,
        keyId: 'mynaportal-resend',
        key: key.toString('base64'),
      };
      expect((await call(portal.url!, '/portal-sim/v1/_admin/municipalities', registration)).status).toBe(201);
      const mover = { familyName: '相模', givenName: '次郎', birthDate: '1979-03-02', sex: '1' as const };
      const content: OnlineMoveOutContent = {
        applicationDate: jstDate(new Date()),
        applicant: { ...mover, isMover: true },
        currentAddress: '東京都中央区銀座一丁目1番1号',
        movers: [mover],
        destination: { address: '神奈川県相模原市中央区中央二丁目11番1号', municipalityCode: US },
        plannedMoveOutDate: jstDate(new Date()),
        contactPhone: '090-0000-1111',
      };
      const submitted = await call(portal.url!, '/portal-sim/v1/_admin/applications', {
        municipalityCode: OTHER,
        scenario: 'valid',
        content,
      });
      expect(submitted.json.sent).toMatchObject({ status: 201, body: { code: 'ACCEPTED' } });
      const id = String(submitted.json.applicationId);

      await crashAndRestart(portal);

      const resent = await call(portal.url!, `/portal-sim/v1/_admin/applications/${id}/resend`, {});
      expect(resent).toEqual({ status: 200, json: { status: 201, body: { code: 'ACCEPTED', applicationId: id } } });
      const [first, second, ...more] = town.classified.filter((c) => c.applicationId === id);
      expect(more).toHaveLength(0);
      expect(first!.raw!.length).toBeGreaterThan(0);
      expect(second!.raw!.equals(first!.raw!)).toBe(true); // byte for byte: envelope, signature, certificate
    } finally {
      await town.close();
    }
    await portal.kill();
    expect(lines.join('\n')).not.toMatch(/相模|次郎|1979-03-02|銀座|090-0000-1111/);
  });
});
