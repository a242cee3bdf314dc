import { expect } from 'vitest';
import { summary, type CsKind, type FaultSystem, type JlisKind, type RegistryCounts } from './fault-system';

const CS_KINDS: CsKind[] = ['identity-updates', 'move-in-notices', 'address-annex-notices'];
const JLIS_KINDS: JlisKind[] = ['continued-use', 'card-events'];

export interface Snapshot extends RegistryCounts {
  cs: Record<string, { count: number; distinct: number }>;
  jlis: Record<string, { count: number; distinct: number }>;
}

/** Registry rows and simulator messages right now. */
export async function snapshot(sys: FaultSystem): Promise<Snapshot> {
  const cs: Snapshot['cs'] = {};
  for (const k of CS_KINDS) {
    const { count, distinct } = await sys.csReceived(k);
    cs[k] = { count, distinct };
  }
  const jlis: Snapshot['jlis'] = {};
  for (const k of JLIS_KINDS) {
    const { count, distinct } = await sys.jlisReceived(k);
    jlis[k] = { count, distinct };
  }
  return { ...(await sys.counts()), cs, jlis };
}

const sub = (a: Record<string, number>, b: Record<string, number>) =>
  Object.fromEntries(
    [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .map((k) => [k, (a[k] ?? 0) - (b[k] ?? 0)] as const)
      .filter(([, n]) => n !== 0),
  );

/** What a scenario added, in one flat object (the per-scenario summary line). */
export function added(after: Snapshot, before: Snapshot) {
  return {
    cases: sub(after.cases, before.cases),
    residents: after.residents - before.residents,
    history: after.history - before.history,
    outbox: sub(after.outbox, before.outbox),
    certificates: after.certificates - before.certificates,
    held: sub(after.heldCertificates, before.heldCertificates),
    inbound: after.inboundMessages - before.inboundMessages,
    cs: Object.fromEntries(CS_KINDS.map((k) => [k, after.cs[k]!.count - before.cs[k]!.count])),
    jlis: Object.fromEntries(JLIS_KINDS.map((k) => [k, after.jlis[k]!.count - before.jlis[k]!.count])),
  };
}

/**
 * Nothing half-written and nothing twice: every resident has its history row, no outbox row is left PENDING, and
 * every simulator received each idempotency key once.
 */
export function expectConsistent(s: Snapshot): void {
  expect(s.residentsWithoutHistory).toBe(0);
  expect(s.outbox.PENDING ?? 0).toBe(0);
  for (const [kind, r] of Object.entries({ ...s.cs, ...s.jlis }))
    expect(r.count, `${kind} duplicates`).toBe(r.distinct);
}

/**
 * The exact outcome of `n` completed two-person 転入 (test/support/fixtures.ts moveInApplication, a copy requested):
 * per case 2 residents with 2 history rows, 4 outbox rows SENT (本人確認情報 and 転入通知 per person), 1 住民票の写し,
 * at the CS 2 本人確認情報 and 2 転入通知; `continuedUse` persons presenting their card add one J-LIS 継続利用 and one
 * SENT outbox row each. Prints the scenario's summary line.
 */
export async function expectMoveIns(
  sys: FaultSystem,
  scenario: string,
  before: Snapshot,
  n: number,
  extra: { continuedUse?: number; note?: Record<string, unknown> } = {},
): Promise<Snapshot> {
  const after = await snapshot(sys);
  const got = added(after, before);
  summary(scenario, { ...got, ...extra.note });
  const cu = extra.continuedUse ?? 0;
  expect(got).toEqual({
    cases: { COMPLETED: n },
    residents: 2 * n,
    history: 2 * n,
    outbox: { SENT: 4 * n + cu },
    certificates: n,
    held: {},
    inbound: 0,
    cs: { 'identity-updates': 2 * n, 'move-in-notices': 2 * n, 'address-annex-notices': 0 },
    jlis: { 'continued-use': cu, 'card-events': 0 },
  });
  expectConsistent(after);
  return after;
}
