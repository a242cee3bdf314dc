import { createHash } from 'node:crypto';
import type { EntityManager, EventArgs, EventSubscriber, FlushEventArgs, MikroORM } from '@mikro-orm/core';
import { AuditLog } from './entities';
import { onSqlite } from './dialect';

/**
 * The audit trail as a hash chain (issue 13 item 6; domain spec §8.4): every audit row stores its position
 * (`chain_seq`), the previous row's hash and the SHA-256 of its own content and that previous hash. The chain head
 * (`audit_chain_head`, one row) is locked first in the transaction that inserts the row (a locking read), so it is
 * held until the commit: concurrent writers (API and worker processes, replicas) queue on it and the chain never forks
 * (on SQLite a trigger moves the head with each chained row's INSERT). Altering,
 * deleting or reordering a row breaks the chain at that row (`verifyAuditChain`); removing the last rows breaks
 * the head.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with sorted keys (MySQL re-orders the keys of a JSON column; MariaDB and SQLite keep the text). */
const canonical = (v: unknown): string => {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
};

/** A JSON column as the database returns it (text or parsed) or as the entity holds it (Dates → ISO strings). */
const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : JSON.parse(JSON.stringify(v)));
const date = (v: unknown): string => {
  const d =
    v instanceof Date
      ? v
      : new Date(typeof v === 'string' && !/Z|[+-]\d\d:?\d\d$/.test(v) ? `${v}Z` : (v as string | number));
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();
};

/** The hash of one audit row (as the entity or as a database row) given the previous row's hash. */
export function auditRowHash(
  row: {
    chainSeq: number;
    at: unknown;
    actorId: string;
    actorRoles: unknown;
    terminalId?: string | null;
    ip?: string | null;
    action: string;
    function: string;
    targetAddresseeNumber?: string | null;
    caseId?: string | null;
    individualNumberAccessed: unknown;
    outcome: string;
    detail?: unknown;
  },
  prevHash: string,
): string {
  const content = canonical([
    row.chainSeq,
    date(row.at),
    row.actorId,
    json(row.actorRoles),
    row.terminalId ?? null,
    row.ip ?? null,
    row.action,
    row.function,
    row.targetAddresseeNumber ?? null,
    row.caseId ?? null,
    Boolean(Number(row.individualNumberAccessed)),
    row.outcome,
    row.detail === null || row.detail === undefined ? null : json(row.detail),
    prevHash,
  ]);
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** Chains each audit row as it is inserted, inside the inserting transaction (MikroORM runs beforeCreate there). */
export class AuditChainSubscriber implements EventSubscriber<AuditLog> {
  /** The last position given out by the running flush of an entity manager, in its transaction. */
  readonly #lastInFlush = new WeakMap<object, { ctx: unknown; lastSeq: number; lastHash: string }>();

  getSubscribedEntities() {
    return [AuditLog];
  }

  beforeFlush(args: FlushEventArgs): void {
    this.#lastInFlush.delete(args.em);
  }

  async beforeCreate(args: EventArgs<AuditLog>): Promise<void> {
    const em = args.em as EntityManager;
    const conn = em.getConnection();
    const ctx = em.getTransactionContext();
    // SQLite: a write first takes the database's write lock until the commit, so the head is read by a no-op update
    // with RETURNING (lock and read in one statement). InnoDB: a locking read (`for update`) takes the head's row lock
    // and reads the latest committed head. A no-op update would lock too, but InnoDB skips unchanged rows, so a plain
    // select after it reads the transaction's older snapshot (REPEATABLE READ) and two writers could take the same
    // position.
    const sqlite = onSqlite(em);
    // the transaction holds the head's lock from the flush's first row on: the flush's later rows (all chained before
    // any is inserted) continue from the position it gave out last
    const last = this.#lastInFlush.get(em);
    const head =
      (ctx && last?.ctx === ctx ? last : undefined) ??
      (
        (await conn.execute(
          sqlite
            ? 'update audit_chain_head set last_seq = last_seq where id = 1 returning last_seq as lastSeq, last_hash as lastHash'
            : 'select last_seq as lastSeq, last_hash as lastHash from audit_chain_head where id = 1 for update',
          [],
          'all',
          ctx,
        )) as Array<{ lastSeq: number; lastHash: string }>
      )[0];
    if (!head) throw new Error('audit_chain_head is missing: run the migrations');
    const row = args.entity;
    row.at = new Date(Math.floor(row.at.getTime() / 1000) * 1000); // datetime columns keep whole seconds
    row.chainSeq = Number(head.lastSeq) + 1;
    row.prevHash = head.lastHash;
    row.rowHash = auditRowHash({ ...row, chainSeq: row.chainSeq }, head.lastHash);
    this.#lastInFlush.set(em, { ctx, lastSeq: row.chainSeq, lastHash: row.rowHash });
    // SQLite: the head follows the row's INSERT by a trigger (migration 20261212150000-audit-head-trigger)
    if (!sqlite)
      await conn.execute(
        'update audit_chain_head set last_seq = ?, last_hash = ? where id = 1',
        [row.chainSeq, row.rowHash],
        'run',
        ctx,
      );
  }
}

export interface AuditChainReport {
  ok: boolean;
  /** Rows in the chain, and rows written before it existed (no chain position). */
  checked: number;
  unchained: number;
  /** The first row that does not fit: its id, position and why. */
  firstBroken?: { id: number | null; chainSeq: number; reason: string };
}

/** Walks the chain in order and recomputes every hash; stops at the first row that does not fit. */
export async function verifyAuditChain(orm: MikroORM): Promise<AuditChainReport> {
  const conn = orm.em.getConnection();
  const rows = (await conn.execute(
    `select id, chain_seq as chainSeq, prev_hash as prevHash, row_hash as rowHash, at, actor_id as actorId,
       actor_roles as actorRoles, terminal_id as terminalId, ip, action, ${orm.config.get('driver')?.name?.toLowerCase().includes('sqlite') ? '"function"' : '`function`'} as fn,
       target_addressee_number as targetAddresseeNumber, case_id as caseId,
       individual_number_accessed as individualNumberAccessed, outcome, detail
     from audit_log order by chain_seq`,
  )) as Array<Record<string, any>>;
  const chained = rows.filter((r) => r.chainSeq !== null && r.chainSeq !== undefined);
  const report: AuditChainReport = { ok: true, checked: chained.length, unchained: rows.length - chained.length };
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const r of chained) {
    const seq = Number(r.chainSeq);
    const broken = (reason: string) => ({
      ...report,
      ok: false,
      firstBroken: { id: Number(r.id), chainSeq: seq, reason },
    });
    if (seq !== expectedSeq) return broken(`position ${expectedSeq} is missing (row deleted?)`);
    if (r.prevHash !== prev) return broken('previous hash does not match the row before (row deleted or reordered?)');
    if (auditRowHash({ ...(r as any), function: r.fn, chainSeq: seq }, prev) !== r.rowHash)
      return broken('content does not match its hash (row altered)');
    prev = r.rowHash;
    expectedSeq++;
  }
  const [head] = (await conn.execute(
    'select last_seq as lastSeq, last_hash as lastHash from audit_chain_head where id = 1',
  )) as Array<{ lastSeq: number; lastHash: string }>;
  if (!head || Number(head.lastSeq) !== expectedSeq - 1 || head.lastHash !== prev)
    return {
      ...report,
      ok: false,
      firstBroken: {
        id: null,
        chainSeq: expectedSeq,
        reason: `the chain ends at position ${expectedSeq - 1} but its head records ${head?.lastSeq ?? 'nothing'} (rows deleted at the end?)`,
      },
    };
  return report;
}
