/**
 * Store-and-forward for a partner simulator that relays messages between parties (the CS simulator routes
 * inter-municipality messages to the addressed town, cs-simulator.ts). State is per instance.
 *
 *  - Routes: destination code → { baseUrl, token }. Registering a route for a code that has waiting messages
 *    starts their delivery; re-registering replaces the URL and token (a waiting retry is tried again at once).
 *  - One FIFO queue per destination; only its head is in flight, so the destination receives its messages in the
 *    order the simulator accepted them. A message that is retried holds back the ones behind it.
 *  - Each attempt: POST {baseUrl}{path} with `Authorization: Bearer <the job's token, else the route token>` (the
 *    CS simulator gives each job the sending town's own credential, issue 13 item 4), `Idempotency-Key: <the
 *    message's key>` (the same on every attempt) and the message as JSON.
 *  - 2xx → delivered. Network error, timeout, 5xx, 408/425/429 → retried after a backoff (initial, doubling, capped),
 *    without limit. Any other answer (4xx, or a 3xx: redirects are not followed) → rejected, never retried.
 *  - No route for the destination → every message for it is `undeliverable` until a route is registered.
 *  - `close()` clears every timer and aborts the request in flight; nothing runs afterwards. `clear()` does the same
 *    for the queues and routes but keeps the forwarder usable.
 * Log lines name the path, the destination, the message ID and the status, never a body or a token.
 */
import type { SimLog } from './server';

export const ForwardStatus = {
  PENDING: 'pending',
  DELIVERED: 'delivered',
  REJECTED: 'rejected',
  UNDELIVERABLE: 'undeliverable',
} as const;
export type ForwardStatus = (typeof ForwardStatus)[keyof typeof ForwardStatus];

/** What the admin view shows per message. `lastStatus`: HTTP status of the last attempt, null without an answer. */
export interface ForwardState {
  status: ForwardStatus;
  attempts: number;
  lastStatus: number | null;
}

export interface ForwardRoute {
  /** Base URL of the destination's inbound API, without a trailing slash. */
  baseUrl: string;
  token: string;
  /** The credential presented on behalf of this town when its own messages are delivered to others. */
  senderToken?: string;
  registeredAt: string;
}

export interface ForwarderOptions {
  /** First retry delay (default 200 ms); doubles per attempt. */
  initialBackoffMs?: number;
  /** Cap of the retry delay (default 5 000 ms). */
  maxBackoffMs?: number;
  /** Per attempt, including reading the answer (default 10 000 ms). */
  timeoutMs?: number;
}

/** One message to forward. `id` names it in the state map and the log (the simulator's message ID). */
export interface ForwardJob {
  id: string;
  destination: string;
  /** Appended to the route's base URL, e.g. '/move-out-certificates'. */
  path: string;
  idempotencyKey: string;
  body: unknown;
  /** The bearer token to present (the sender's credential); the destination route's token when absent. */
  token?: string;
}

interface Queued extends ForwardJob {
  state: ForwardState;
  json: string;
}

interface DestinationQueue {
  jobs: Queued[];
  /** An attempt is in flight. */
  busy: boolean;
  /** Backoff timer before the next attempt of the head. */
  timer?: NodeJS.Timeout;
  /** Delay before the next retry of the head. */
  backoffMs: number;
  /** Aborts the attempt in flight (close / clear). */
  abort?: AbortController;
  /** Set when the queue is dropped (clear / close): a late answer is then ignored. */
  dropped: boolean;
}

export interface ForwarderDump {
  routes: Array<[string, ForwardRoute]>;
  states: Array<[string, ForwardState]>;
  jobs: ForwardJob[];
}

const TRANSIENT_4XX = new Set([408, 425, 429]);

export class StoreAndForward {
  private readonly routeMap = new Map<string, ForwardRoute>();
  private readonly queues = new Map<string, DestinationQueue>();
  private readonly states = new Map<string, ForwardState>();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly timeoutMs: number;
  private closed = false;
  /** Called after a delivery attempt changed a message's state (the simulator saves its snapshot). */
  onChange: () => void = () => undefined;

  constructor(
    opts: ForwarderOptions = {},
    private readonly log: SimLog = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.initialBackoffMs = opts.initialBackoffMs ?? 200;
    this.maxBackoffMs = Math.max(opts.maxBackoffMs ?? 5_000, this.initialBackoffMs);
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  /** Registers or replaces the route of `destination`; true when it was new. Starts waiting deliveries. */
  setRoute(destination: string, route: { baseUrl: string; token: string; senderToken?: string }): boolean {
    const isNew = !this.routeMap.has(destination);
    this.routeMap.set(destination, {
      baseUrl: route.baseUrl.replace(/\/+$/, ''),
      token: route.token,
      senderToken: route.senderToken,
      registeredAt: this.now().toISOString(),
    });
    const q = this.queues.get(destination);
    if (q?.timer) {
      clearTimeout(q.timer);
      q.timer = undefined;
    }
    this.pump(destination);
    return isNew;
  }

  /** The credential registered for messages sent by `town`, if any. */
  senderTokenOf(town: string): string | undefined {
    return this.routeMap.get(town)?.senderToken;
  }

  /** Routes without their tokens, ordered by destination. */
  routes(): Array<{ destination: string; baseUrl: string; registeredAt: string }> {
    return [...this.routeMap.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([destination, r]) => ({ destination, baseUrl: r.baseUrl, registeredAt: r.registeredAt }));
  }

  /** Queues a message behind the others for its destination. */
  enqueue(job: ForwardJob): void {
    if (this.closed) return;
    const state: ForwardState = { status: ForwardStatus.PENDING, attempts: 0, lastStatus: null };
    this.states.set(job.id, state);
    this.queueOf(job.destination).jobs.push({ ...job, state, json: JSON.stringify(job.body) });
    this.pump(job.destination);
  }

  private queueOf(destination: string) {
    let q = this.queues.get(destination);
    if (!q) {
      q = { jobs: [], busy: false, backoffMs: this.initialBackoffMs, dropped: false };
      this.queues.set(destination, q);
    }
    return q;
  }

  /** A copy of the forwarding state of message `id`, if it is forwarded at all. */
  stateOf(id: string): ForwardState | undefined {
    const s = this.states.get(id);
    return s && { ...s };
  }

  /** Messages not yet delivered or rejected. */
  get outstanding(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.jobs.length;
    return n;
  }

  /** Backoff timers and requests in flight (0 after close()). */
  get activeWork(): number {
    let n = 0;
    for (const q of this.queues.values()) n += (q.timer ? 1 : 0) + (q.busy ? 1 : 0);
    return n;
  }

  /** Drops all queues, states and routes; stops timers and aborts requests in flight. */
  clear(): void {
    for (const q of this.queues.values()) this.drop(q);
    this.queues.clear();
    this.states.clear();
    this.routeMap.clear();
  }

  /** Routes, message states and the queued messages, as JSON (sim/state-file.ts). */
  dump(): ForwarderDump {
    return {
      routes: [...this.routeMap],
      states: [...this.states],
      jobs: [...this.queues.values()].flatMap((q) => q.jobs.map(({ state: _s, json: _j, ...job }) => job)),
    };
  }

  /** Replaces routes, states and queues with a dump; the queued messages are then delivered in their order. */
  load(d: ForwarderDump): void {
    this.clear();
    for (const [k, r] of d.routes) this.routeMap.set(k, r);
    for (const [k, st] of d.states) this.states.set(k, st);
    for (const job of d.jobs) {
      const state = this.states.get(job.id) ?? { status: ForwardStatus.PENDING, attempts: 0, lastStatus: null };
      this.states.set(job.id, state);
      this.queueOf(job.destination).jobs.push({ ...job, state, json: JSON.stringify(job.body) });
    }
    for (const destination of this.queues.keys()) this.pump(destination);
  }

  /** Stops forwarding for good: no timer or request survives this call. */
  close(): void {
    this.closed = true;
    for (const q of this.queues.values()) this.drop(q);
  }

  private drop(q: DestinationQueue): void {
    q.dropped = true;
    if (q.timer) clearTimeout(q.timer);
    q.timer = undefined;
    q.abort?.abort();
  }

  /** Starts the next attempt for `destination` unless one is in flight or waiting for its backoff. */
  private pump(destination: string): void {
    const q = this.queues.get(destination);
    if (!q || this.closed || q.dropped || q.busy || q.timer || q.jobs.length === 0) return;
    const route = this.routeMap.get(destination);
    if (!route) {
      for (const j of q.jobs) j.state.status = ForwardStatus.UNDELIVERABLE;
      return;
    }
    const head = q.jobs[0]!;
    head.state.status = ForwardStatus.PENDING;
    for (const j of q.jobs) if (j.state.status === ForwardStatus.UNDELIVERABLE) j.state.status = ForwardStatus.PENDING;
    q.busy = true;
    void this.attempt(q, head, route).then((outcome) => {
      q.busy = false;
      q.abort = undefined;
      if (q.dropped || this.closed) return;
      if (outcome === 'retry') {
        const delay = q.backoffMs;
        q.backoffMs = Math.min(q.backoffMs * 2, this.maxBackoffMs);
        q.timer = setTimeout(() => {
          q.timer = undefined;
          this.pump(destination);
        }, delay);
        q.timer.unref();
        this.onChange();
        return;
      }
      q.jobs.shift();
      q.backoffMs = this.initialBackoffMs;
      this.onChange();
      this.pump(destination);
    });
  }

  /** One POST of `job`; never throws. */
  private async attempt(q: DestinationQueue, job: Queued, route: ForwardRoute): Promise<'done' | 'retry'> {
    const abort = new AbortController();
    q.abort = abort;
    job.state.attempts++;
    const what = `forward ${job.path} -> ${job.destination} ${job.id} attempt ${job.state.attempts}`;
    let status: number;
    try {
      const res = await fetch(route.baseUrl + job.path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${job.token ?? route.token}`,
          'idempotency-key': job.idempotencyKey,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: job.json,
        redirect: 'manual',
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(this.timeoutMs)]),
      });
      await res.arrayBuffer(); // drain the answer (its content is not used) so the connection can be reused
      status = res.status;
    } catch {
      if (q.dropped || this.closed) return 'done';
      job.state.lastStatus = null;
      this.log(`${what}: no answer`);
      return 'retry';
    }
    if (q.dropped || this.closed) return 'done';
    job.state.lastStatus = status;
    this.log(`${what}: ${status}`);
    if (status >= 200 && status < 300) {
      job.state.status = ForwardStatus.DELIVERED;
      return 'done';
    }
    if (status >= 500 || TRANSIENT_4XX.has(status)) return 'retry';
    job.state.status = ForwardStatus.REJECTED;
    return 'done';
  }
}
