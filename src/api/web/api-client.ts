import type { Request } from 'express';
import type { WebContext } from './web-context';

/**
 * The web UI performs reads of a case and every human step through the JSON API, over loopback with the session's
 * own bearer token: one place for the role gates, the workflow validators, masking and the audit trail. The
 * browser's address travels in X-Forwarded-For (trusted from loopback only), so audit rows name the real client.
 */
export interface ApiAnswer<T = any> {
  status: number;
  json: T;
  ok: boolean;
}

export interface ApiErrorBody {
  error: string;
  message: string;
  errors?: Array<{ field: string; rule: string; message: string }>;
}

const hostOf = (addr: string | undefined): string => {
  if (!addr || addr === '::' || addr === '0.0.0.0') return '127.0.0.1';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(addr)?.[1];
  if (v4) return v4;
  return addr.includes(':') ? `[${addr}]` : addr;
};

export const apiBase = (req: Request): string => `http://${hostOf(req.socket.localAddress)}:${req.socket.localPort}`;

export async function callApi<T = any>(
  req: Request,
  ctx: Pick<WebContext, 'token'>,
  method: string,
  path: string,
  opts: { body?: unknown; requestId?: string; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const res = await fetch(apiBase(req) + path, {
    method,
    headers: {
      authorization: `Bearer ${ctx.token}`,
      ...(req.ip ? { 'x-forwarded-for': req.ip } : {}),
      ...(opts.requestId ? { 'x-request-id': opts.requestId } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json: json as T, ok: res.ok };
}

/** The GET /api/cases/:caseId answer (fields of the case work frame are optional until it is everywhere). */
export interface CaseView {
  caseId: string;
  procedure: string;
  procedureLabel?: string;
  status: string;
  statusLabel?: string;
  enteredBy: string;
  makerId?: string | null;
  decidedBy?: string;
  assignedTo?: string | null;
  escalated?: boolean;
  awaitingRole?: 'approver' | 'clerk' | null;
  allowedActions?: string[];
  flags: string[];
  findings?: Array<{ rule: string; message: string; mover?: number }>;
  subjectAddresseeNumbers: string[];
  needsAttention: boolean;
  attentionReason?: string | null;
  failingStep?: string | null;
  attempt?: number | null;
  lastError?: string | null;
  nextRetryAt?: string | null;
  dueAt?: string | null;
  plannedVisitDate?: string | null;
  createdAt: string;
  updatedAt: string;
  completedAt?: string | null;
  application?: Record<string, any>;
  actions: Array<{ action: string; actorId: string; at: string; detail?: Record<string, any> }>;
  certificates: Array<{
    certificateId: string;
    issueNumber: string;
    type: string;
    issuedAt: string;
    pages: number;
    printedItems?: Record<string, boolean>;
    href: string;
  }>;
  temporalUi?: string;
}
