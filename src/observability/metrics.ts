import type { MikroORM } from '@mikro-orm/core';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CaseRecord, PartnerCall, PartnerName, ResidentCodePoolEntry } from '../db/entities';

/**
 * Prometheus metrics of this process (README "Operations: Metrics"). Labels carry identifiers of procedures,
 * statuses, partners, operations and attention reasons only — never personal data, never case IDs.
 *
 * - in-process (worker): partner call latency and errors, observed where each call's `partner_call` row is made;
 * - from the registry DB (API, `registerRegistryCollectors`): computed on scrape with grouped counts on indexed
 *   columns, cached for `cacheMs` so several scrapers or a fast scrape interval cost one round of queries.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'juki_' }); // juki_process_cpu_seconds_total, juki_nodejs_eventloop_lag_seconds, …

const partnerCallSeconds = new Histogram({
  name: 'juki_partner_call_duration_seconds',
  help: 'Calls to the CS, J-LIS and マイナポータル: latency by partner and operation',
  labelNames: ['partner', 'operation', 'outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});
const partnerCallErrors = new Counter({
  name: 'juki_partner_call_errors_total',
  help: 'Failed calls to a partner (network error, 5xx, refusal), by partner, operation and error code',
  labelNames: ['partner', 'operation', 'code'] as const,
  registers: [registry],
});

/** What a `partner_call` row says (no content); observing returns it unchanged, so a call site wraps its row. */
export function observedPartnerCall<
  T extends { partner: string; operation: string; ok: boolean; durationMs: number; errorCode?: string },
>(call: T): T {
  const operation = label(call.operation);
  partnerCallSeconds.observe(
    { partner: call.partner, operation, outcome: call.ok ? 'ok' : 'error' },
    call.durationMs / 1000,
  );
  if (!call.ok) partnerCallErrors.inc({ partner: call.partner, operation, code: label(call.errorCode ?? 'ERROR') });
  return call;
}

/** A label value from our vocabulary: an identifier, cut short; anything else is `OTHER`. */
const label = (v: string): string => (/^[A-Za-z0-9_.:-]{1,64}$/.test(v) ? v : 'OTHER');

export interface RegistryMetricsOptions {
  /** The status group of a procedure's status (from the procedure table: done, closed, alert, wait, run, later). */
  groupOf: (procedure: string, status: string) => string | undefined;
  residentCodePoolThreshold: number;
  partnerDownAfterFailures: number;
  cacheMs?: number;
  now?: () => Date;
}

interface Snapshot {
  cases: Array<{ procedure: string; status: string; n: number }>;
  open: Array<{ procedure: string; status: string; oldest?: Date; overdue: number }>;
  attention: Array<{ reason: string; n: number }>;
  failingSteps: Array<{ step: string; n: number }>;
  held: Array<{ state: string; n: number; nextPurge?: Date }>;
  pool: number;
  partners: Array<{ partner: string; failingInARow: number }>;
}

const dateOf = (v: unknown): Date | undefined => {
  if (v === null || v === undefined) return undefined;
  const d = v instanceof Date ? v : new Date(typeof v === 'number' || /^\d+$/.test(String(v)) ? Number(v) : String(v));
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** One round of cheap queries: grouped counts on indexed columns and the few rows of open queues' heads. */
async function snapshot(orm: MikroORM, o: RegistryMetricsOptions): Promise<Snapshot> {
  const em = orm.em.fork();
  const conn = em.getConnection();
  // backticks: `procedure` is a reserved word in MySQL / MariaDB (SQLite accepts them too)
  const sql = (q: string, params: unknown[] = []) =>
    conn.execute(q, params, 'all') as Promise<Array<Record<string, unknown>>>;
  const cases = (
    await sql('select `procedure` as p, `status` as s, count(*) as n from `case_record` group by `procedure`, `status`')
  ).map((r) => ({ procedure: String(r.p), status: String(r.s), n: Number(r.n) }));
  const openStatuses = [
    ...new Set(
      cases.filter((c) => !['done', 'closed'].includes(o.groupOf(c.procedure, c.status) ?? '')).map((c) => c.status),
    ),
  ];
  const now = (o.now ?? (() => new Date()))();
  const open: Snapshot['open'] = [];
  if (openStatuses.length) {
    const heads = await sql(
      `select \`procedure\` as p, \`status\` as s, min(\`updated_at\`) as oldest from \`case_record\`
       where \`status\` in (${openStatuses.map(() => '?').join(', ')}) group by \`procedure\`, \`status\``,
      openStatuses,
    );
    const overdue = await em.find(
      CaseRecord,
      { status: { $in: openStatuses }, dueAt: { $lt: now } },
      { fields: ['procedure', 'status'], limit: 10_000 },
    );
    for (const h of heads)
      open.push({
        procedure: String(h.p),
        status: String(h.s),
        oldest: dateOf(h.oldest),
        overdue: overdue.filter((c) => c.procedure === h.p && c.status === h.s).length,
      });
  }
  const attention = (
    await sql(
      'select `attention_reason` as r, count(*) as n from `case_record` where `needs_attention` = ? group by `attention_reason`',
      [true],
    )
  ).map((r) => ({ reason: label(typeof r.r === 'string' ? r.r : 'UNSPECIFIED'), n: Number(r.n) }));
  const failingSteps = (
    await sql(
      'select `failing_step` as f, count(*) as n from `case_record` where `failing_step` is not null group by `failing_step`',
    )
  ).map((r) => ({ step: label(String(r.f)), n: Number(r.n) }));
  const held = (
    await sql(
      "select `state` as s, count(*) as n, min(`purge_at`) as p from `held_move_out_certificate` where `state` in ('HELD', 'IN_USE') group by `state`",
    )
  ).map((r) => ({ state: String(r.s), n: Number(r.n), nextPurge: dateOf(r.p) }));
  const pool = await em.count(ResidentCodePoolEntry, { usedAt: null });
  const partners = await Promise.all(
    Object.values(PartnerName).map(async (partner) => {
      const latest = await em.find(
        PartnerCall,
        { partner },
        { fields: ['ok'], orderBy: { at: 'desc' }, limit: o.partnerDownAfterFailures },
      );
      const firstOk = latest.findIndex((c) => Boolean(c.ok));
      return { partner, failingInARow: firstOk === -1 ? latest.length : firstOk };
    }),
  );
  return { cases, open, attention, failingSteps, held, pool, partners };
}

/**
 * The registry's state as metrics (API): cases started / completed / ended without completion by procedure, open
 * queues (size, oldest case's age, overdue), cases needing attention by reason, failing steps, held 転出証明書情報
 * and the nearest purge, the 住民票コード pool, partner 障害 as the supervisor console judges it.
 */
export function registerRegistryCollectors(orm: MikroORM, o: RegistryMetricsOptions, reg: Registry = registry): void {
  let cached: { at: number; value: Promise<Snapshot> } | undefined;
  const current = (): Promise<Snapshot> => {
    const t = Date.now();
    if (!cached || t - cached.at > (o.cacheMs ?? 5_000)) {
      cached = { at: t, value: snapshot(orm, o) };
      cached.value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
  const byProcedure = (pick: (procedure: string, status: string) => boolean) => async (m: Counter | Gauge) => {
    const s = await current();
    const sums = new Map<string, number>();
    for (const c of s.cases)
      sums.set(c.procedure, (sums.get(c.procedure) ?? 0) + (pick(c.procedure, c.status) ? c.n : 0));
    m.reset();
    for (const [procedure, n] of sums) (m as Gauge).set({ procedure }, n);
  };
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => Promise<void>) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [reg],
      async collect() {
        await collect(this);
      },
    });
  // totals of a table that only grows: exposed as gauges (every API replica reports the same value; use max())
  gauge(
    'juki_cases_started',
    'Cases ever started, by procedure (the registry DB)',
    ['procedure'],
    byProcedure(() => true),
  );
  gauge(
    'juki_cases_completed',
    'Cases completed (完了), by procedure',
    ['procedure'],
    byProcedure((p, s) => o.groupOf(p, s) === 'done'),
  );
  gauge(
    'juki_cases_failed',
    'Cases ended without completion (却下, 取消, 異動の取消し), by procedure',
    ['procedure'],
    byProcedure((p, s) => o.groupOf(p, s) === 'closed'),
  );
  const now = () => (o.now ?? (() => new Date()))().getTime();
  const queue = (procedure: string, status: string) => ({
    procedure,
    status,
    group: o.groupOf(procedure, status) ?? 'run',
  });
  gauge(
    'juki_queue_cases',
    'Open cases per procedure and status (queue size); group: wait (staff), later (a date), run, alert',
    ['procedure', 'status', 'group'],
    async (g) => {
      const s = await current();
      g.reset();
      for (const c of s.cases)
        if (s.open.some((q) => q.procedure === c.procedure && q.status === c.status))
          g.set(queue(c.procedure, c.status), c.n);
    },
  );
  gauge(
    'juki_queue_oldest_age_seconds',
    'Age of the oldest open case per procedure and status (since its last change)',
    ['procedure', 'status', 'group'],
    async (g) => {
      const s = await current();
      g.reset();
      for (const q of s.open) if (q.oldest) g.set(queue(q.procedure, q.status), (now() - q.oldest.getTime()) / 1000);
    },
  );
  gauge(
    'juki_queue_overdue_cases',
    'Open cases past their due time (決裁 SLA, deadlines)',
    ['procedure', 'status', 'group'],
    async (g) => {
      const s = await current();
      g.reset();
      for (const q of s.open) g.set(queue(q.procedure, q.status), q.overdue);
    },
  );
  gauge('juki_cases_needing_attention', 'Cases needing attention (要対応), by reason', ['reason'], async (g) => {
    const s = await current();
    g.reset();
    for (const a of s.attention) g.set({ reason: a.reason }, a.n);
  });
  gauge('juki_cases_failing_step', 'Cases whose step (activity) is failing and retried', ['step'], async (g) => {
    const s = await current();
    g.reset();
    for (const f of s.failingSteps) g.set({ step: f.step }, f.n);
  });
  gauge('juki_held_certificates', 'Held 転出証明書情報 by state (HELD, IN_USE)', ['state'], async (g) => {
    const s = await current();
    g.reset();
    for (const h of ['HELD', 'IN_USE']) g.set({ state: h }, s.held.find((x) => x.state === h)?.n ?? 0);
  });
  gauge(
    'juki_held_certificate_next_purge_timestamp_seconds',
    'When the nearest held 転出証明書情報 is due to be purged (unix seconds; absent when none is held)',
    [],
    async (g) => {
      const s = await current();
      g.reset();
      const next = s.held
        .map((h) => h.nextPurge?.getTime())
        .filter((t): t is number => t !== undefined)
        .sort((a, b) => a - b)[0];
      if (next !== undefined) g.set(next / 1000);
    },
  );
  gauge('juki_resident_code_pool_unused', 'Unused 住民票コード in the pool', [], async (g) => {
    g.set((await current()).pool);
  });
  gauge('juki_resident_code_pool_threshold', 'RESIDENT_CODE_POOL_THRESHOLD: replenish below this level', [], (g) => {
    g.set(o.residentCodePoolThreshold);
    return Promise.resolve();
  });
  gauge(
    'juki_partner_failing_in_a_row',
    'The latest calls to a partner that failed in a row (capped at PARTNER_DOWN_AFTER_FAILURES)',
    ['partner'],
    async (g) => {
      for (const p of (await current()).partners) g.set({ partner: p.partner }, p.failingInARow);
    },
  );
  gauge(
    'juki_partner_down',
    '1 when a partner is 障害 as the supervisor console judges it (PARTNER_DOWN_AFTER_FAILURES failed calls in a row)',
    ['partner'],
    async (g) => {
      for (const p of (await current()).partners)
        g.set({ partner: p.partner }, p.failingInARow >= o.partnerDownAfterFailures ? 1 : 0);
    },
  );
}

/** The text exposition of this process's metrics, with extra text (the Temporal SDK's own exporter) appended. */
export async function metricsText(reg: Registry = registry, extra = ''): Promise<string> {
  const own = await reg.metrics();
  return extra ? `${own}\n${extra}` : own;
}

/**
 * Whether a scraper may read /metrics: the token when one is configured, otherwise loopback peers only — and not a
 * request a proxy on this host forwarded (`forwarded`: it carries X-Forwarded-For), which may come from anywhere.
 */
export function metricsAllowed(
  cfg: { token?: string },
  authorization: string | undefined,
  peer: string | undefined,
  forwarded = false,
): boolean {
  if (cfg.token) return authorization === `Bearer ${cfg.token}`;
  return !forwarded && (peer === '127.0.0.1' || peer === '::1' || peer === '::ffff:127.0.0.1');
}
