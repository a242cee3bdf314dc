/**
 * Fault injection shared by the partner simulators (architecture principle 9: fail N times, delay, outage window).
 * Applies to the message endpoints only, never to admin or health. A call answered by a fault stores nothing.
 * State lives in the instance (one per simulator), never in module globals.
 */
import type { SchemaObject } from 'ajv';

/** Body of POST …/_admin/faults. Given fields replace the current setting; `clear` first resets everything. */
export interface FaultsRequest {
  /** The next N message calls answer 503. */
  failNext?: number;
  /** Every message call waits this long before it is processed and answered (0 = off). */
  delayMs?: number;
  /** All message calls answer 503 inside the window. Either durationMs (from `from`, default now) or until. */
  outage?: { durationMs?: number; from?: string; until?: string };
  clear?: boolean;
}

export const FaultsRequestSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    failNext: { type: 'integer', minimum: 0, maximum: 1_000_000 },
    delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    outage: {
      type: 'object',
      additionalProperties: false,
      properties: {
        durationMs: { type: 'integer', minimum: 1, maximum: 7 * 24 * 3600_000 },
        from: { type: 'string', format: 'date-time' },
        until: { type: 'string', format: 'date-time' },
      },
      oneOf: [
        { properties: { durationMs: true }, required: ['durationMs'] },
        { properties: { until: true }, required: ['until'] },
      ],
    },
    clear: { type: 'boolean' },
  } satisfies Record<keyof FaultsRequest, SchemaObject>,
};

/** Answer of GET and POST …/_admin/faults. */
export interface FaultsView {
  failNext: number;
  delayMs: number;
  outage: { from: string; until: string; active: boolean } | null;
}

/** What to do with one message call, decided when it arrives. */
export interface FaultDecision {
  delayMs: number;
  /** Answer 503. */
  fail: boolean;
  /** Seconds for a Retry-After header (outage only). */
  retryAfterSec?: number;
}

export class SimFaults {
  private failNext = 0;
  private delayMs = 0;
  private outage: { from: number; until: number } | null = null;

  constructor(private readonly now: () => Date) {}

  /** Applies a validated request; returns an error text (no data values) when the window is empty. */
  apply(req: FaultsRequest): string | undefined {
    let outage = this.outage;
    if (req.outage) {
      const from = req.outage.from === undefined ? this.now().getTime() : Date.parse(req.outage.from);
      const until =
        req.outage.durationMs === undefined ? Date.parse(req.outage.until ?? '') : from + req.outage.durationMs;
      if (!(until > from)) return 'outage.until must be later than outage.from';
      outage = { from, until };
    }
    if (req.clear) this.clear();
    if (req.outage) this.outage = outage;
    if (req.failNext !== undefined) this.failNext = req.failNext;
    if (req.delayMs !== undefined) this.delayMs = req.delayMs;
    return undefined;
  }

  clear(): void {
    this.failNext = 0;
    this.delayMs = 0;
    this.outage = null;
  }

  view(): FaultsView {
    const t = this.now().getTime();
    return {
      failNext: this.failNext,
      delayMs: this.delayMs,
      outage: this.outage && {
        from: new Date(this.outage.from).toISOString(),
        until: new Date(this.outage.until).toISOString(),
        active: t >= this.outage.from && t < this.outage.until,
      },
    };
  }

  /** Decides the fate of a message call on arrival (consumes one failNext). */
  take(): FaultDecision {
    const t = this.now().getTime();
    if (this.outage && t >= this.outage.until) this.outage = null;
    if (this.outage && t >= this.outage.from)
      return { delayMs: this.delayMs, fail: true, retryAfterSec: Math.ceil((this.outage.until - t) / 1000) };
    if (this.failNext > 0) {
      this.failNext--;
      return { delayMs: this.delayMs, fail: true };
    }
    return { delayMs: this.delayMs, fail: false };
  }
}
