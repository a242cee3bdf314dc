/**
 * What a partner simulator received, de-duplicated by Idempotency-Key (architecture principle 2), and the outcome
 * type its business rules return. Shared by the CS and J-LIS simulators; state is per instance.
 *
 *  same key + same body  → the original ack with `duplicate: true`, stored once
 *  same key + other body → 409 IDEMPOTENCY_KEY_REUSED, nothing stored
 * "Same body" compares canonical JSON (object keys sorted), so key order does not matter.
 * A resend is recognised before any business rule runs: a message accepted yesterday is still a duplicate today,
 * even if a deadline or a sequence number would now refuse it.
 */
import { CommonErrorCode, type PartnerErrorBody } from '../partner-contract';

/** 201 new, 200 duplicate; 409 / 422 business refusals (400, 401, 503 are answered by the server layer). */
export type SimOutcome<A> = { status: 200 | 201; ack: A } | { status: 409 | 422; error: PartnerErrorBody };

/** A refusal. `message` must hold no value taken from the request. */
export const refuse = (
  status: 409 | 422,
  code: string,
  message: string,
): { status: 409 | 422; error: PartnerErrorBody } => ({
  status,
  error: { code, message },
});

/** JSON with object keys sorted, so that key order does not make two equal bodies differ. */
export const canonicalJson = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
};

/** One stored message: the ack's fields (without `duplicate`), the key, and a copy of the body. */
export type Received<T, A extends { duplicate: boolean }> = Omit<A, 'duplicate'> & { idempotencyKey: string; body: T };

/** The accepted messages of one endpoint, in arrival order, with their idempotency keys. */
export class IdempotentInbox<T, A extends { duplicate: boolean }> {
  /** Accepted messages in arrival order. The array is cleared in place, so references to it stay valid. */
  readonly items: Array<Received<T, A>> = [];
  private readonly keys = new Map<string, { canonical: string; ack: A }>();

  /** The answer to a resend of a known key, or undefined for a new key. */
  replay(key: string, body: T): SimOutcome<A> | undefined {
    const hit = this.keys.get(key);
    if (!hit) return undefined;
    if (hit.canonical !== canonicalJson(body))
      return refuse(
        409,
        CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
        'this Idempotency-Key was already used for a different message',
      );
    return { status: 200, ack: { ...hit.ack, duplicate: true } };
  }

  /** Stores an accepted message under its key; `ack` is the first answer (duplicate false). */
  store(key: string, body: T, ack: A): SimOutcome<A> {
    this.keys.set(key, { canonical: canonicalJson(body), ack });
    const { duplicate: _duplicate, ...fields } = ack;
    this.items.push({ ...fields, idempotencyKey: key, body: structuredClone(body) });
    return { status: 201, ack };
  }

  clear(): void {
    this.items.length = 0;
    this.keys.clear();
  }

  /** Everything it remembers, as JSON (sim/state-file.ts). */
  dump(): InboxDump<T, A> {
    return { items: this.items, keys: [...this.keys] };
  }

  /** Replaces its memory with a dump. */
  load(d: InboxDump<T, A>): void {
    this.clear();
    this.items.push(...d.items);
    for (const [k, v] of d.keys) this.keys.set(k, v);
  }
}

export interface InboxDump<T, A extends { duplicate: boolean }> {
  items: Array<Received<T, A>>;
  keys: Array<[string, { canonical: string; ack: A }]>;
}

/**
 * 更新順番号 per stream (e.g. `${municipalityCode}:${residentRecordCode}`): each accepted number must be greater than
 * the last accepted one; gaps are allowed (a message may have been withdrawn before sending).
 */
export class SequenceTracker {
  private readonly last = new Map<string, number>();

  /** A 409 SEQUENCE_OUT_OF_ORDER refusal, or undefined when `seq` may be accepted. */
  check(stream: string, seq: number): { status: 409; error: PartnerErrorBody } | undefined {
    const last = this.last.get(stream) ?? 0;
    if (seq > last) return undefined;
    return {
      status: 409,
      error: {
        code: CommonErrorCode.SEQUENCE_OUT_OF_ORDER,
        message: `sequenceNumber must be greater than ${last} for this residentRecordCode`,
      },
    };
  }

  commit(stream: string, seq: number): void {
    this.last.set(stream, seq);
  }

  lastAccepted(stream: string): number | undefined {
    return this.last.get(stream);
  }

  clear(): void {
    this.last.clear();
  }

  dump(): Array<[string, number]> {
    return [...this.last];
  }

  load(d: Array<[string, number]>): void {
    this.last.clear();
    for (const [k, v] of d) this.last.set(k, v);
  }
}
