/**
 * A small real HTTP server that plays the municipality's portal intake for the マイナポータル simulator tests
 * (contract A.1 of the simulator: POST {base}/move-out-applications and …/{applicationId}/cancellation). It does
 * what the real intake must do, in order, and records how it classified each request:
 *   1. the raw body, at most 64 KiB (express.raw: a larger one is refused with 413 before anything is parsed);
 *   2. the X-Portal-* request signature (createPortalRequestVerifier over the path as received) → 401 <reason>;
 *   3. the envelope and content schemas → 400;
 *   4. the signature of the application (verifySignedApplication with the configured trust, at reception) → 422 <reason>;
 *   5. the signer's 基本4情報 (signerIdentityOf) against the applicant → 422 SIGNER_NOT_APPLICANT;
 *   then 201. A cancellation needs step 2 only and is answered 200.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { compileSchema } from '../../src/domain/ajv';
import {
  ONLINE_MOVE_OUT_MAX_BYTES,
  OnlineMoveOutContentSchema,
  OnlineMoveOutEnvelopeSchema,
  type OnlineMoveOutContent,
  type OnlineMoveOutEnvelope,
} from '../../src/procedures/online-move-out/schema';
import { createPortalRequestVerifier } from '../../src/domain/portal-request-auth';
import {
  signerIdentityOf,
  verifySignedApplication,
  type PortalTrustConfig,
  type SignerIdentity,
} from '../../src/domain/portal-signature';
import { listen } from '../../src/partners/sim/server';

export const INTAKE_PREFIX = '/portal/v1';

export interface Classified {
  path: string;
  /** 'ACCEPTED', 'CANCELLATION_ACCEPTED', or the refusal code. */
  outcome: string;
  applicationId?: string;
  envelope?: OnlineMoveOutEnvelope;
  /** The body of an application exactly as received (once its request signature was verified). */
  raw?: Buffer;
  identity?: SignerIdentity;
  cancellation?: unknown;
}

const validateEnvelope = compileSchema<OnlineMoveOutEnvelope>(OnlineMoveOutEnvelopeSchema);
const validateContent = compileSchema<OnlineMoveOutContent>(OnlineMoveOutContentSchema);

const sameIdentity = (a: SignerIdentity | undefined, c: OnlineMoveOutContent): boolean =>
  a !== undefined &&
  a.name === `${c.applicant.familyName}\u3000${c.applicant.givenName}` &&
  a.birthDate === c.applicant.birthDate &&
  a.sex === c.applicant.sex &&
  a.address === c.currentAddress;

const parseJson = (raw: unknown): unknown => {
  try {
    return JSON.parse(Buffer.isBuffer(raw) ? raw.toString('utf8') : '') as unknown;
  } catch {
    return undefined;
  }
};

export async function startIntakeReceiver(opts: {
  keys: Record<string, Buffer>;
  trust: Omit<PortalTrustConfig, 'at'>;
}) {
  const verifier = createPortalRequestVerifier({ keys: opts.keys });
  const classified: Classified[] = [];
  let tooLarge = 0;
  const app = express();
  const raw = express.raw({ type: 'application/json', limit: ONLINE_MOVE_OUT_MAX_BYTES });
  const answer = (req: Request, res: Response, status: number, c: Omit<Classified, 'path'>): void => {
    classified.push({ path: req.originalUrl, ...c });
    res.status(status).json({ code: c.outcome, ...(c.applicationId ? { applicationId: c.applicationId } : {}) });
  };
  const authenticated = (req: Request, res: Response): boolean => {
    const auth = verifier.verify({
      method: req.method,
      path: req.originalUrl,
      body: Buffer.isBuffer(req.body) ? req.body : '',
      headers: req.headers,
    });
    if (!auth.ok) answer(req, res, 401, { outcome: auth.reason });
    return auth.ok;
  };

  app.post(`${INTAKE_PREFIX}/move-out-applications`, raw, (req, res) => {
    if (!authenticated(req, res)) return;
    const envelope = validateEnvelope(parseJson(req.body));
    if (!envelope.ok) return answer(req, res, 400, { outcome: 'INVALID_ENVELOPE' });
    const env = envelope.value;
    const content = validateContent(parseJson(Buffer.from(env.signedContent, 'utf8')));
    if (!content.ok)
      return answer(req, res, 400, { outcome: 'INVALID_CONTENT', applicationId: env.applicationId, envelope: env });
    const base = { applicationId: env.applicationId, envelope: env, raw: req.body as Buffer };
    const input = { content: env.signedContent, signature: env.signature, signerCertificate: env.signerCertificate };
    const verified = verifySignedApplication(input, { ...opts.trust, at: new Date() });
    if (!verified.ok) return answer(req, res, 422, { ...base, outcome: verified.reason });
    const identity = signerIdentityOf(env.signerCertificate);
    if (!sameIdentity(identity, content.value))
      return answer(req, res, 422, { ...base, outcome: 'SIGNER_NOT_APPLICANT', identity });
    answer(req, res, 201, { ...base, outcome: 'ACCEPTED', identity });
  });

  app.post(`${INTAKE_PREFIX}/move-out-applications/:applicationId/cancellation`, raw, (req, res) => {
    if (!authenticated(req, res)) return;
    const applicationId = String(req.params.applicationId);
    answer(req, res, 200, { outcome: 'CANCELLATION_ACCEPTED', applicationId, cancellation: parseJson(req.body) });
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if ((err as { type?: unknown }).type === 'entity.too.large') {
      tooLarge++;
      return void res.status(413).json({ code: 'TOO_LARGE' });
    }
    res.status(500).json({ code: 'INTERNAL_ERROR' });
  });

  const server = await listen(app);
  return {
    baseUrl: `${server.url}${INTAKE_PREFIX}`,
    classified,
    tooLarge: () => tooLarge,
    close: () => server.close(),
  };
}
export type IntakeReceiver = Awaited<ReturnType<typeof startIntakeReceiver>>;
