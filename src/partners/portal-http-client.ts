/**
 * HTTP implementation of the Portal port (contract: portal-messages.ts; simulator: portal-simulator.ts).
 *
 *  POST {baseUrl}/portal-sim/v1/notices   body PortalNotice
 *  headers: Authorization: Bearer <token>, Idempotency-Key: <body.idempotencyKey>, Content-Type: application/json
 *
 * The path is the SIMULATOR's (PORTAL_PATHS.NOTICES). The real マイナポータル 申請管理 endpoint, its path and its
 * authentication are not public (domain.md §9.2): connecting to it replaces that constant (and, if need be, the
 * bearer token by what 申請管理 requires), not the callers.
 *
 * Mapping (shared with the CS and J-LIS clients, http-port-client.ts): 2xx + valid ack → PortalAck;
 * 408/425/429/5xx, network error, timeout, or a malformed 2xx → PortalUnavailableError (retry with the same key is
 * safe); any other 4xx → PortalRejectedError (permanent) with the body's code, or `HTTP_<status>`. With
 * `validateOutgoing` (default true) an invalid notice is refused locally with INVALID_MESSAGE and never leaves.
 */
import { compileSchema } from '../domain/ajv';
import { HttpPortClient, type HttpPortClientOptions, type PortErrorFactory } from './http-port-client';
import { PortalRejectedError, PortalUnavailableError, type Portal } from './portal';
import { PortalAckSchema, PortalNoticeSchema, type PortalAck, type PortalNotice } from './portal-messages';

export type PortalHttpClientOptions = HttpPortClientOptions;

/** Simulator paths; the real 申請管理 path replaces NOTICES when the municipality connects to マイナポータル. */
export const PORTAL_PATHS = {
  NOTICES: '/portal-sim/v1/notices',
} as const;

const PORTAL_ERRORS: PortErrorFactory = {
  partner: 'Portal',
  rejected: (code, opts) => new PortalRejectedError(code, opts),
  unavailable: (message, opts) => new PortalUnavailableError(message, opts),
};

const notice = {
  message: compileSchema<PortalNotice>(PortalNoticeSchema),
  ack: compileSchema<PortalAck>(PortalAckSchema),
};

export class PortalHttpClient implements Portal {
  private readonly http: HttpPortClient;

  constructor(opts: PortalHttpClientOptions) {
    this.http = new HttpPortClient(opts, PORTAL_ERRORS);
  }

  sendNotice(n: PortalNotice): Promise<PortalAck> {
    return this.http.send(PORTAL_PATHS.NOTICES, n, notice);
  }
}
