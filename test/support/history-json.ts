/**
 * Temporal histories as proto-JSON (the format of `temporal workflow show --output json`, `historyToJSON` and
 * `historyFromJSON`): payload decoding, the facts the replay corpus is chosen by, and the text a personal-data scan
 * reads. Used by the recording harnesses, the curation script (scripts/replay/curate-histories.ts) and the replay
 * test (test/replay/replay.test.ts).
 */
import type { PayloadCodec } from '@temporalio/common';
import { JSONToPayload, payloadToJSON, type JSONPayload } from '@temporalio/common/lib/proto-utils';

export interface JsonEvent {
  eventId: string;
  eventType: string;
  eventTime?: string;
  [attributes: string]: unknown;
}
export interface JsonHistory {
  events: JsonEvent[];
}

const CLOSING_EVENTS = new Set(
  ['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELED', 'TERMINATED', 'CONTINUED_AS_NEW'].map(
    (s) => `EVENT_TYPE_WORKFLOW_EXECUTION_${s}`,
  ),
);

/** The `…EventAttributes` object of an event. */
export function attributesOf(e: JsonEvent): Record<string, any> {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes'));
  return (key ? e[key] : {}) as Record<string, any>;
}

export const workflowTypeOf = (h: JsonHistory): string =>
  String(attributesOf(h.events[0]!).workflowType?.name ?? '(unknown)');

/** Still running when recorded: the last event does not close the execution. */
export const isOpen = (h: JsonHistory): boolean => !CLOSING_EVENTS.has(h.events[h.events.length - 1]!.eventType);

export function isPayloadJson(v: unknown): v is JSONPayload {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  const meta = o.metadata as Record<string, unknown> | undefined;
  return (
    !!meta &&
    typeof meta === 'object' &&
    typeof meta.encoding === 'string' &&
    Object.keys(o).every((k) => k === 'metadata' || k === 'data' || k === 'externalPayloads')
  );
}

/** A copy of `node` with every payload replaced by `fn(payload)`. */
export async function mapPayloads(node: unknown, fn: (p: JSONPayload) => Promise<JSONPayload>): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map((n) => mapPayloads(n, fn)));
  if (isPayloadJson(node)) return fn(node);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = await mapPayloads(v, fn);
    return out;
  }
  return node;
}

/** Undoes the client's payload codecs (applied in order on encode, so undone in reverse order). */
export async function decodeHistoryPayloads(h: JsonHistory, codecs: readonly PayloadCodec[]): Promise<JsonHistory> {
  if (codecs.length === 0) return h;
  return (await mapPayloads(h, async (p) => {
    // search attributes are never encoded (the server indexes them); the codec refuses what it did not encrypt
    if (encodingOf(p) !== 'binary/encrypted') return p;
    let payloads = [JSONToPayload(p)];
    for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
    return payloadToJSON(payloads[0]!);
  })) as JsonHistory;
}

const b64 = (s: string | null | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

/** The encoding of a payload (`json/plain`, `binary/null`, `binary/encrypted`, …). */
export const encodingOf = (p: JSONPayload): string => b64(p.metadata?.encoding);

/** The value of a `json/plain` payload (undefined for any other encoding). */
export function payloadValue(p: unknown): unknown {
  if (!isPayloadJson(p) || encodingOf(p) !== 'json/plain') return undefined;
  return JSON.parse(b64(p.data));
}

/** Every payload in a history (inputs, results, update and signal arguments, search attributes, failure details). */
export function payloadsOf(node: unknown, into: JSONPayload[] = []): JSONPayload[] {
  if (Array.isArray(node)) node.forEach((n) => payloadsOf(n, into));
  else if (isPayloadJson(node)) into.push(node);
  else if (node && typeof node === 'object') Object.values(node).forEach((v) => payloadsOf(v, into));
  return into;
}

/**
 * What a history says about the case, as readable text: every payload's data (decoded from base64) and every
 * failure message. This is what a personal-data scan reads (event metadata such as task IDs is left out).
 */
export function readableTexts(h: JsonHistory): string[] {
  const texts = payloadsOf(h).map((p) => b64(p.data));
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object' && !isPayloadJson(node))
      for (const [k, v] of Object.entries(node)) {
        if (k === 'message' && typeof v === 'string') texts.push(v);
        else walk(v);
      }
  };
  walk(h);
  return texts;
}

export interface HistorySummary {
  kind: string;
  open: boolean;
  events: number;
  /** `status` of the workflow's result (closed histories of case workflows). */
  resultStatus?: string;
  /** The CaseStatus search attribute as the workflow set it, in order. */
  caseStatuses: string[];
  /** Activity types scheduled, with the highest attempt that started. */
  activities: Record<string, number>;
  /** Accepted updates: name and the acting user (actor.userId of the first argument). */
  updates: Array<{ name: string; by?: string }>;
  signals: string[];
  timersFired: number;
  childrenStarted: number;
  /** The NeedsAttention search attribute was set at some point. */
  flagged: boolean;
}

/** The facts the curation step chooses recordings by (scripts/replay/selection.ts). */
export function summarize(h: JsonHistory): HistorySummary {
  const s: HistorySummary = {
    kind: workflowTypeOf(h),
    open: isOpen(h),
    events: h.events.length,
    caseStatuses: [],
    activities: {},
    updates: [],
    signals: [],
    timersFired: 0,
    childrenStarted: 0,
    flagged: false,
  };
  const scheduled = new Map<string, string>();
  for (const e of h.events) {
    const a = attributesOf(e);
    switch (e.eventType) {
      case 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED': {
        const name = String(a.activityType?.name);
        scheduled.set(e.eventId, name);
        s.activities[name] ??= 0;
        break;
      }
      case 'EVENT_TYPE_ACTIVITY_TASK_STARTED': {
        const name = scheduled.get(String(a.scheduledEventId));
        if (name) s.activities[name] = Math.max(s.activities[name] ?? 0, Number(a.attempt ?? 1));
        break;
      }
      case 'EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES': {
        const fields = a.searchAttributes?.indexedFields ?? {};
        const status = payloadValue(fields.CaseStatus);
        if (typeof status === 'string') s.caseStatuses.push(status);
        if (payloadValue(fields.NeedsAttention) === true) s.flagged = true;
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED': {
        const input = a.acceptedRequest?.input ?? {};
        const arg = payloadValue(input.args?.payloads?.[0]) as { actor?: { userId?: string } } | undefined;
        s.updates.push({ name: String(input.name), by: arg?.actor?.userId });
        break;
      }
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED':
        s.signals.push(String(a.signalName));
        break;
      case 'EVENT_TYPE_TIMER_FIRED':
        s.timersFired += 1;
        break;
      case 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED':
        s.childrenStarted += 1;
        break;
      case 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED': {
        const result = payloadValue(a.result?.payloads?.[0]) as { status?: unknown } | undefined;
        if (typeof result?.status === 'string') s.resultStatus = result.status;
        break;
      }
    }
  }
  return s;
}

/** The last CaseStatus the workflow set (its status when recorded). */
export const lastCaseStatus = (s: HistorySummary): string | undefined => s.caseStatuses[s.caseStatuses.length - 1];

/** test/replay/histories/manifest.json: what each recorded history is (written by the curation step). */
export interface ManifestEntry {
  file: string;
  kind: string;
  workflowId: string;
  open: boolean;
  /** The last CaseStatus the workflow set, else its result's status, else its execution status. */
  status?: string;
  scenario: string;
  events: number;
  recordedFrom: string;
  recordedAt: string;
}
export interface Manifest {
  about: string;
  histories: ManifestEntry[];
}
