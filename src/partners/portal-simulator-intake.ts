/**
 * How the マイナポータル simulator calls a municipality's intake (portal-simulator.ts), contract A.1:
 *
 *  POST {intakeBaseUrl}/move-out-applications                        body OnlineMoveOutEnvelope
 *  POST {intakeBaseUrl}/move-out-applications/{applicationId}/cancellation   body { applicationId, requestedAt }
 *  headers: content-type: application/json and the four X-Portal-* headers of signPortalRequest()
 *           (HMAC-SHA256 over METHOD, the request target path as sent, timestamp, nonce, sha256(body))
 *
 * The answer is returned as it came: the status and the body (parsed JSON; the text, cut to 2 KiB, when it is not
 * JSON; null when empty). Redirects are not followed. A network error or a timeout is a PortalSimulatorError 502.
 */
import type { FieldError } from '../domain/ajv';
import { signPortalRequest } from '../domain/portal-request-auth';

export const INTAKE_PATHS = {
  APPLICATIONS: '/move-out-applications',
  cancellation: (applicationId: string): string =>
    `/move-out-applications/${encodeURIComponent(applicationId)}/cancellation`,
} as const;

/** Where and how the simulator submits to one municipality. */
export interface PortalMunicipality {
  municipalityCode: string;
  /** e.g. http://127.0.0.1:3000/portal/v1 (no trailing slash needed). */
  intakeBaseUrl: string;
  keyId: string;
  /** The shared HMAC key, at least 32 bytes. */
  key: Buffer;
}

/** The municipality's answer to one request. */
export interface IntakeAnswer {
  status: number;
  body: unknown;
}

/** A refusal of the simulator itself (admin calls): HTTP status, code, fixed message, offending fields. */
export class PortalSimulatorError extends Error {
  override readonly name = 'PortalSimulatorError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

const MAX_TEXT = 2048;

const readAnswer = async (res: Response): Promise<IntakeAnswer> => {
  const text = await res.text();
  if (text === '') return { status: res.status, body: null };
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: res.status, body: text.slice(0, MAX_TEXT) };
  }
};

export interface SignedPostOptions {
  /** The request timestamp. */
  at: Date;
  /** Sign with this key instead of the municipality's. */
  key?: Buffer;
  /** Send the identical request (same headers, same bytes) this many times, one after the other. */
  times?: number;
  timeoutMs?: number;
}

/** POSTs `body` to `{intakeBaseUrl}{path}`, signed; one answer per sending. */
export async function postSigned(
  m: PortalMunicipality,
  path: string,
  body: string,
  opts: SignedPostOptions,
): Promise<IntakeAnswer[]> {
  const url = new URL(m.intakeBaseUrl.replace(/\/+$/, '') + path);
  const auth = signPortalRequest({
    method: 'POST',
    path: url.pathname + url.search,
    body,
    key: opts.key ?? m.key,
    keyId: m.keyId,
    now: opts.at,
  });
  const headers = { 'content-type': 'application/json', accept: 'application/json', ...auth };
  const answers: IntakeAnswer[] = [];
  for (let i = 0; i < (opts.times ?? 1); i++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
      });
      answers.push(await readAnswer(res));
    } catch {
      throw new PortalSimulatorError(502, 'MUNICIPALITY_UNREACHABLE', 'the municipality intake did not answer');
    }
  }
  return answers;
}
