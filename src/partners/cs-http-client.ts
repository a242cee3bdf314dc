/**
 * HTTP implementation of the CsGateway port (contract: cs-messages.ts; simulator: cs-simulator.ts).
 *
 *  POST {baseUrl}/cs/v1/identity-updates       body IdentityUpdate          (本人確認情報, to the prefecture)
 *  POST {baseUrl}/cs/v1/move-in-notices        body MoveInNotice            (転入通知, to the 前住所地)
 *  POST {baseUrl}/cs/v1/move-out-certificates  body MoveOutCertificateInfo  (転出証明書情報, to the 転入予定地)
 *  POST {baseUrl}/cs/v1/certificate-requests   body CertificateInfoRequest  (送信依頼, to the 転出地)
 *  POST {baseUrl}/cs/v1/move-out-certificate-withdrawals  body MoveOutCertificateWithdrawal (取消, to the 転入予定地)
 *  POST {baseUrl}/cs/v1/address-annex-notices  body AddressAnnexNotice      (附票記載事項通知, to the 本籍地)
 *  headers: Authorization: Bearer <token>, Idempotency-Key: <body.idempotencyKey>, Content-Type: application/json
 *
 * Mapping (shared with the other partner clients, http-port-client.ts): 2xx + valid ack → CsAck; 408/425/429/5xx,
 * network error, timeout, or a malformed 2xx → CsUnavailableError (retry with the same key is safe); any other 4xx →
 * CsRejectedError (permanent) with the body's code, or `HTTP_<status>` if the body carries none. Error messages hold
 * only codes, statuses and field paths.
 */
import { compileSchema } from '../domain/ajv';
import { CsRejectedError, CsUnavailableError, type CsGateway } from './cs-gateway';
import {
  AddressAnnexNoticeSchema,
  CsAckSchema,
  IdentityUpdateSchema,
  MoveInNoticeSchema,
  type AddressAnnexNotice,
  type CsAck,
  type IdentityUpdate,
  type MoveInNotice,
} from './cs-messages';
import {
  CertificateInfoRequestSchema,
  MoveOutCertificateInfoSchema,
  MoveOutCertificateWithdrawalSchema,
  type CertificateInfoRequest,
  type MoveOutCertificateInfo,
  type MoveOutCertificateWithdrawal,
} from './cs-move-messages';
import { HttpPortClient, type HttpPortClientOptions, type PortErrorFactory } from './http-port-client';
import {
  ResidentCodeBatchRequestSchema,
  ResidentCodeBatchSchema,
  type ResidentCodeBatch,
  type ResidentCodeBatchRequest,
} from './cs-resident-codes';

/**
 * `validateOutgoing` (default true): an invalid message, e.g. a 転入通知 carrying an `individualNumber`, is refused
 * locally with CsRejectedError INVALID_MESSAGE and never leaves the process.
 */
export type CsHttpClientOptions = HttpPortClientOptions;

export const CS_PATHS = {
  IDENTITY_UPDATES: '/cs/v1/identity-updates',
  MOVE_IN_NOTICES: '/cs/v1/move-in-notices',
  MOVE_OUT_CERTIFICATES: '/cs/v1/move-out-certificates',
  CERTIFICATE_REQUESTS: '/cs/v1/certificate-requests',
  CERTIFICATE_WITHDRAWALS: '/cs/v1/move-out-certificate-withdrawals',
  ADDRESS_ANNEX_NOTICES: '/cs/v1/address-annex-notices',
  RESIDENT_CODE_BATCHES: '/cs/v1/resident-code-batches',
} as const;

const CS_ERRORS: PortErrorFactory = {
  partner: 'CS',
  rejected: (code, opts) => new CsRejectedError(code, opts),
  unavailable: (message, opts) => new CsUnavailableError(message, opts),
};

const ack = compileSchema<CsAck>(CsAckSchema);
const identityUpdate = { message: compileSchema<IdentityUpdate>(IdentityUpdateSchema), ack };
const moveInNotice = { message: compileSchema<MoveInNotice>(MoveInNoticeSchema), ack };
const moveOutCertificateInfo = { message: compileSchema<MoveOutCertificateInfo>(MoveOutCertificateInfoSchema), ack };
const certificateInfoRequest = { message: compileSchema<CertificateInfoRequest>(CertificateInfoRequestSchema), ack };
const addressAnnexNotice = { message: compileSchema<AddressAnnexNotice>(AddressAnnexNoticeSchema), ack };
const certificateWithdrawal = {
  message: compileSchema<MoveOutCertificateWithdrawal>(MoveOutCertificateWithdrawalSchema),
  ack,
};

const residentCodeBatch = {
  message: compileSchema<ResidentCodeBatchRequest>(ResidentCodeBatchRequestSchema),
  ack: compileSchema<ResidentCodeBatch>(ResidentCodeBatchSchema),
};

export class CsHttpClient implements CsGateway {
  private readonly http: HttpPortClient;

  constructor(opts: CsHttpClientOptions) {
    this.http = new HttpPortClient(opts, CS_ERRORS);
  }

  sendIdentityUpdate(u: IdentityUpdate): Promise<CsAck> {
    return this.http.send(CS_PATHS.IDENTITY_UPDATES, u, identityUpdate);
  }

  sendMoveInNotice(n: MoveInNotice): Promise<CsAck> {
    return this.http.send(CS_PATHS.MOVE_IN_NOTICES, n, moveInNotice);
  }

  sendMoveOutCertificateInfo(m: MoveOutCertificateInfo): Promise<CsAck> {
    return this.http.send(CS_PATHS.MOVE_OUT_CERTIFICATES, m, moveOutCertificateInfo);
  }

  sendCertificateInfoRequest(m: CertificateInfoRequest): Promise<CsAck> {
    return this.http.send(CS_PATHS.CERTIFICATE_REQUESTS, m, certificateInfoRequest);
  }

  sendCertificateWithdrawal(m: MoveOutCertificateWithdrawal): Promise<CsAck> {
    return this.http.send(CS_PATHS.CERTIFICATE_WITHDRAWALS, m, certificateWithdrawal);
  }

  sendAddressAnnexNotice(n: AddressAnnexNotice): Promise<CsAck> {
    return this.http.send(CS_PATHS.ADDRESS_ANNEX_NOTICES, n, addressAnnexNotice);
  }

  requestResidentCodes(r: ResidentCodeBatchRequest): Promise<ResidentCodeBatch> {
    return this.http.send(CS_PATHS.RESIDENT_CODE_BATCHES, r, residentCodeBatch);
  }
}
