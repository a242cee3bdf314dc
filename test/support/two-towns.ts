import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { CaseStatus } from '../../src/domain/case-status';
import { tokenHash } from '../../src/config';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { HeldMoveOutCertificate } from '../../src/db/entities';
import { loadDemoTown } from '../../src/db/seed/load-demo';
import { startCsSimulator, type RunningCsSimulator } from '../../src/partners/cs-simulator';
import { piiOf } from './harness';
import { TOWN_B } from './move-fixtures';
import { caseStatus, eventually, freshMariaDbUrl, startTestSystem, type TestSystem } from './system-harness';

export const A_CODE = withMunicipalityCheckDigit('13999'); // さくら市: town A, the origin (MariaDB)
export const B_CODE = TOWN_B; // 相模原市: town B, the destination (SQLite)
/** A third town known to A and B (its messages reach them through the CS with its own credential). */
export const THIRD_CODE = withMunicipalityCheckDigit('27100'); // 大阪市

/** One message the CS simulator received, with how its forwarding to the addressed town went. */
export interface CsReceived {
  idempotencyKey: string;
  body: any;
  forward?: { status: string };
}

export interface TwoTowns {
  cs: RunningCsSimulator;
  /** The token both towns (and a test speaking for a third town) present to the CS. */
  csToken: string;
  /**
   * The credential the CS presents for messages from this town (A, B, or the third town THIRD_CODE); each town's
   * CS_INBOUND_CREDENTIALS hold the SHA-256 of the other towns' tokens only (issue 13 item 4).
   */
  senderToken(municipalityCode: string): string;
  A: TestSystem;
  B: TestSystem;
  /** The CS simulator's admin API. */
  csAdmin(method: string, path: string, body?: unknown): Promise<any>;
  /** Every message of one kind (e.g. `move-in-notices`) the CS received. */
  received(kind: string): Promise<CsReceived[]>;
  /** Closes A, B and the CS simulator, in that order. */
  close(): Promise<void>;
}

/**
 * Two towns, both instances of this system (A さくら市 on MariaDB, B 相模原市 on SQLite), joined by one CS simulator
 * that routes messages between their inbound APIs over real HTTP. The demo town is loaded at A with `households`
 * households, and their 住民票コード are registered at the CS.
 */
export async function startTwoTowns(opts: { households: number; portalSimulator?: boolean }): Promise<TwoTowns> {
  const csToken = `cs-token-${randomUUID()}`;
  const cs = await startCsSimulator({ token: csToken, forwarding: { initialBackoffMs: 100, maxBackoffMs: 1000 } });
  const started: TestSystem[] = [];
  const close = async () => {
    for (const t of started) await t.close();
    await cs.close();
  };
  const csAdmin = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${cs.url}/cs/v1/_admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${csToken}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return r.status === 204 ? undefined : r.json();
  };
  // each town's own credential towards the others, registered at the CS with the town's route
  const senderTokens = new Map([A_CODE, B_CODE, THIRD_CODE].map((c) => [c, `sender-${c}-${randomUUID()}`]));
  const senderToken = (code: string) => {
    const t = senderTokens.get(code);
    if (!t) throw new Error(`no credential for ${code}`);
    return t;
  };
  const town = (code: string, name: string) => ({
    municipalityCode: code,
    municipalityName: name,
    csUrl: cs.url,
    csToken,
    csInboundCredentials: Object.fromEntries(
      [...senderTokens].filter(([c]) => c !== code).map(([c, t]) => [c, tokenHash(t)]),
    ),
  });
  try {
    const A = await startTestSystem(freshMariaDbUrl(), {
      config: town(A_CODE, 'さくら市'),
      csSimulator: false,
      portalSimulator: opts.portalSimulator ?? false,
    });
    started.push(A);
    const B = await startTestSystem(`sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-b-')), 'registry.sqlite')}`, {
      config: town(B_CODE, '相模原市'),
      csSimulator: false,
    });
    started.push(B);
    for (const t of [A, B])
      await csAdmin('POST', 'routes', {
        municipalityCode: t.config.municipalityCode,
        inboundUrl: `${t.apiUrl}/cs-inbound/v1`,
        token: `no-any-sender-credential-${randomUUID()}`,
        senderToken: senderToken(t.config.municipalityCode),
      });
    // the third town has no inbound API here; it only sends
    await csAdmin('POST', 'routes', {
      municipalityCode: THIRD_CODE,
      inboundUrl: 'http://127.0.0.1:9/cs-inbound/v1',
      token: `third-${randomUUID()}`,
      senderToken: senderToken(THIRD_CODE),
    });
    const loaded = await loadDemoTown(A.orm, piiOf(A.config), { households: opts.households });
    await csAdmin('POST', 'registered', { residentRecordCodes: loaded.residentRecordCodes });
    return {
      cs,
      csToken,
      senderToken,
      A,
      B,
      csAdmin,
      received: async (kind) => (await csAdmin('GET', `received?kind=${kind}`)).items as CsReceived[],
      close,
    };
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
}

/** Waits until `sys` holds a 転出証明書情報 (state HELD) for each of these 住民票コード. */
export const certificatesHeld = (sys: TestSystem, codes: string[]) =>
  eventually(async () =>
    (await sys.orm.em.fork().count(HeldMoveOutCertificate, { residentRecordCode: { $in: codes }, state: 'HELD' })) ===
    codes.length
      ? true
      : undefined,
  );

/** A clerk files a 特例転入 (a body as specialMoveInOf builds it): it is created (201) and comes to await approval. */
export async function fileSpecialMoveIn(sys: TestSystem, clerk: string, body: unknown): Promise<string> {
  const r = await sys.api('POST', '/api/cases/special-move-in', {
    token: clerk,
    headers: { 'idempotency-key': randomUUID() },
    body,
  });
  expect(r.status).toBe(201);
  await caseStatus(sys, clerk, r.json.caseId, CaseStatus.AWAITING_APPROVAL);
  return r.json.caseId as string;
}
