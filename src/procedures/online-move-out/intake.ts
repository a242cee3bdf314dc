import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { compileSchema } from '../../domain/ajv';
import { CaseStatus } from '../../domain/case-status';
import { jstDate } from '../../domain/dates';
import { signerIdentityOf, verifySignedApplication, type SignerIdentity } from '../../domain/portal-signature';
import { ResidentStatus } from '../../domain/registry-values';
import { Role } from '../../domain/roles';
import { CaseApplication, CaseRecord, PortalRejection, PortalSignedApplication, Resident } from '../../db/entities';
import { protectedPersons } from '../../db/support-measures';
import type { StaffContext } from '../../api/auth';
import { intakeCase, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import { ApiError } from '../../api/errors';
import type { PortalTrustSource } from '../../api/portal-trust';
import { personsInOpenMoveOut } from '../move-out/intake';
import { onlineMoveOutDefinition } from './definition';
import { BLOCKING_FINDINGS, evaluateOnlineMoveOut } from './rules';
import {
  OnlineMoveOutContentSchema,
  OnlineMoveOutEnvelopeSchema,
  type OnlineMoveOutContent,
  type OnlineMoveOutEnvelope,
  type OnlineMover,
  type StoredOnlineMoveOutApplication,
} from './schema';
import { onlineMoveOutWorkflow, onlineMoveOutWorkflowId } from './workflow';

/** The portal's system principal: it may only push applications and cancellations (domain.md §2.3 item 3). */
export const PORTAL_ACTOR: StaffContext = {
  userId: 'portal',
  displayName: 'マイナポータル',
  roles: [Role.PORTAL],
  terminalId: 'PORTAL',
};

const validateEnvelope = compileSchema<OnlineMoveOutEnvelope>(OnlineMoveOutEnvelopeSchema);
const validateContent = compileSchema<OnlineMoveOutContent>(OnlineMoveOutContentSchema);

export const portalIdempotencyKey = (applicationId: string) => `portal:${applicationId}`;
const compact = (s: string) => s.replace(/[\s\u3000]/g, '');

/** A refusal of the application: the portal gets the reasons, we keep only the rejection record. */
export class ApplicationRejected extends ApiError {
  constructor(readonly reasons: Array<{ rule: string; message: string }>) {
    super(422, 'APPLICATION_REJECTED', '申請を受け付けることができません');
  }

  override toBody() {
    return { ...super.toBody(), reasons: this.reasons };
  }
}

/** The digest was stored under another application ID between the lookup and the intake's transaction. */
class SignatureReplayedAtOnce extends Error {}

export interface OnlineIntakeDeps extends IntakeDeps {
  portalTrust: PortalTrustSource;
}

/**
 * Intake of an online 転出届 from マイナポータル (domain.md §4.4), after the request itself was authenticated:
 * 1. envelope schema (400); the same application ID again returns the existing case (a different content: 409),
 *    also when the two sendings arrive at once (intakeCase runs the loser's transaction again);
 * 2. the signature over the exact content bytes with the signer's 署名用電子証明書, its chain to the configured J-LIS
 *    anchor, validity and revocation (verifySignedApplication) — refused: 422 with the reason; the same signed
 *    application already accepted under another application ID: 422 SIGNATURE_REPLAYED, also when the two arrive at
 *    once (the loser meets the digest's unique key, and intakeCase's second run finds the winner's digest);
 * 3. content schema; the certificate's 基本4情報 must be the applicant's (a valid certificate of someone else: 422);
 * 4. eligibility (domain/online-move-out-rules.ts): absolute rules refuse (422), the others become findings for the
 *    reviewing clerk; 5. the 仮登録 and the workflow (the application ID is its workflow ID).
 * A refusal stores only a portal_rejection record (stage, rule codes, certificate serial) and starts nothing.
 */
export async function intakeOnlineMoveOut(deps: OnlineIntakeDeps, body: unknown): Promise<IntakeResult> {
  const env = validateEnvelope(body);
  if (!env.ok) throw new ApiError(400, 'VALIDATION_FAILED', '申請データの形式が正しくありません', env.errors);
  const envelope = env.value;
  const existing = await findExisting(deps, envelope);
  if (existing) return existing;

  const now = (deps.now ?? (() => new Date()))();
  const reject = async (
    stage: PortalRejection['stage'],
    reasons: Array<{ rule: string; message: string }>,
    signerSerial?: string,
  ): Promise<never> => {
    const em = deps.orm.em.fork();
    em.persist(
      em.create(PortalRejection, {
        applicationId: envelope.applicationId,
        stage,
        reasons,
        signerSerial,
        receivedAt: now,
      }),
    );
    await em.flush();
    throw new ApplicationRejected(reasons);
  };

  const verified = verifySignedApplication(
    { content: envelope.signedContent, signature: envelope.signature, signerCertificate: envelope.signerCertificate },
    { ...deps.portalTrust(), at: now },
  );
  if (!verified.ok) return reject('signature', [{ rule: verified.reason, message: verified.message }]);
  const serial = verified.signer.serialNumber;
  // the signed content is not bound to the application ID: the same signature under another ID is a replay (also
  // after that application was cancelled), refused by its digest (issue 13 item 9)
  const signedDigest = digest(envelope);
  const replayed = () =>
    reject(
      'signature',
      [{ rule: 'SIGNATURE_REPLAYED', message: 'この電子署名付きの申請は別の申請番号で受付済みです' }],
      serial,
    );
  const seen = await deps.orm.em.fork().findOne(PortalSignedApplication, { digest: signedDigest });
  if (seen && seen.applicationId !== envelope.applicationId) return replayed();
  let parsed: unknown;
  try {
    parsed = JSON.parse(envelope.signedContent);
  } catch {
    return reject('schema', [{ rule: 'MALFORMED_CONTENT', message: '申請内容を読み取れません' }], serial);
  }
  const content = validateContent(parsed);
  if (!content.ok)
    return reject(
      'schema',
      content.errors.map((e) => ({ rule: `${e.rule}:${e.field}`, message: '申請内容の項目に誤りがあります' })),
      serial,
    );
  const app = content.value;
  const identity = signerIdentityOf(envelope.signerCertificate);
  if (!sameIdentity(identity, app))
    return reject(
      'signature',
      [{ rule: 'SIGNER_NOT_APPLICANT', message: '電子署名をした方と申請者が一致しません' }],
      serial,
    );

  // the reception date is this system's own clock at intake (the request timestamp is within 5 minutes of it); the
  // filing window is judged on it, never on the date the resident wrote into the signed content (domain-rules OM-5)
  const receivedDate = jstDate(now);
  const facts = await gatherFacts(deps.orm.em.fork(), deps, app, identity!);
  const { rejections, findings } = evaluateOnlineMoveOut({ ...facts.rules, receivedDate }, deps.config.deadlines);
  if (rejections.length)
    return reject(
      'eligibility',
      rejections.map(({ rule, message }) => ({ rule, message })),
      serial,
    );
  const stored: StoredOnlineMoveOutApplication = {
    movers: facts.matched.map((r) => ({
      addresseeNumber: r.addresseeNumber,
      familyName: r.familyName,
      givenName: r.givenName,
      birthDate: r.birthDate,
      sex: r.sex,
    })),
    destination: { address: app.destination.address, municipalityCode: app.destination.municipalityCode },
    plannedMoveOutDate: app.plannedMoveOutDate,
    notificationDate: app.applicationDate,
    path: 'special',
    cardHolderPresent: true,
    notifier: { kind: app.applicant.isMover ? 'self' : 'householdMember' },
    identityDocument: { type: 'myNumberCard' },
    householdNumber: facts.householdNumber,
    late: false,
    plannedVisitDate: app.plannedVisitDate,
    online: {
      applicationId: envelope.applicationId,
      applicationDate: app.applicationDate,
      applicant: app.applicant,
      currentAddress: app.currentAddress,
      movers: app.movers,
      contactPhone: app.contactPhone,
      signerSerial: serial,
      signerNotAfter: verified.signer.notAfter,
      verifiedAt: now.toISOString(),
      findings,
      envelope,
    },
  };
  const reviewBlockedBy = [...new Set(findings.map((f) => f.rule).filter((r) => BLOCKING_FINDINGS.has(r)))];
  let checks = 0;
  return intakeCase(deps, PORTAL_ACTOR, {
    definition: onlineMoveOutDefinition,
    route: 'POST /portal/v1/move-out-applications',
    body: envelope,
    idempotencyKey: portalIdempotencyKey(envelope.applicationId),
    makerId: '',
    initialStatus: CaseStatus.AWAITING_REVIEW,
    check: async (em: EntityManager) => {
      // intakeCase runs its transaction (and this) again after a unique-key violation: then the digest may have been
      // stored since the lookup above, by the same signed application sent under another ID at the same moment
      const prior = checks++ === 0 ? seen : await em.findOne(PortalSignedApplication, { digest: signedDigest });
      if (prior && prior.applicationId !== envelope.applicationId) throw new SignatureReplayedAtOnce();
      if (!prior)
        em.persist(
          em.create(PortalSignedApplication, {
            digest: signedDigest,
            applicationId: envelope.applicationId,
            receivedAt: now,
          }),
        );
      return {
        errors: [],
        flags: [...new Set(findings.map((f) => f.rule))],
        stored,
        subjects: facts.matched.map((r) => r.addresseeNumber),
      };
    },
    workflow: onlineMoveOutWorkflow,
    workflowId: () => onlineMoveOutWorkflowId(envelope.applicationId),
    workflowArgs: (caseId) => ({
      caseId,
      applicationId: envelope.applicationId,
      noticeOverdueDays: deps.config.deadlines.moveInNoticeOverdueDays,
      reviewBlockedBy,
      timings: deps.config.timings,
    }),
    keyReused: applicationIdReused,
  }).catch((e: unknown) => {
    // refused after the transaction rolled back: the same answer and rejection record as a replay sent afterwards
    if (e instanceof SignatureReplayedAtOnce) return replayed();
    throw e;
  });
}

const applicationIdReused = () => new ApiError(409, 'APPLICATION_ID_REUSED', 'この申請番号は別の内容で受付済みです');

const digest = (e: OnlineMoveOutEnvelope) =>
  createHash('sha256').update(`${e.signedContent}\n${e.signature}`).digest('hex');

/** The same application ID again: the existing case when the content is the same, a 409 when it is not. */
async function findExisting(
  deps: OnlineIntakeDeps,
  envelope: OnlineMoveOutEnvelope,
): Promise<IntakeResult | undefined> {
  const em = deps.orm.em.fork();
  const app = await em.findOne(CaseApplication, { idempotencyKey: portalIdempotencyKey(envelope.applicationId) });
  if (!app) return undefined;
  const stored = app.payload as unknown as StoredOnlineMoveOutApplication;
  if (digest(stored.online.envelope) !== digest(envelope)) throw applicationIdReused();
  const row = await em.findOneOrFail(CaseRecord, { caseId: app.caseId });
  return { created: false, caseId: row.caseId, workflowId: row.workflowId, status: row.status, flags: row.flags ?? [] };
}

const sameIdentity = (id: SignerIdentity | undefined, c: OnlineMoveOutContent): boolean =>
  id !== undefined &&
  compact(id.name) === compact(`${c.applicant.familyName}${c.applicant.givenName}`) &&
  id.birthDate === c.applicant.birthDate &&
  id.sex === c.applicant.sex &&
  compact(id.address) === compact(c.currentAddress);

/** The registry facts the eligibility rules need: who the signer and the movers are at the stated address. */
async function gatherFacts(
  em: EntityManager,
  deps: OnlineIntakeDeps,
  app: OnlineMoveOutContent,
  signer: SignerIdentity,
) {
  const atAddress = (r: Resident) =>
    compact(`${r.address}${r.addressSupplement ?? ''}`) === compact(app.currentAddress) ||
    compact(r.address) === compact(app.currentAddress);
  const find = async (p: OnlineMover) =>
    (
      await em.find(Resident, {
        familyName: p.familyName,
        givenName: p.givenName,
        birthDate: p.birthDate,
        sex: p.sex,
        status: { $ne: ResidentStatus.REMOVED },
      })
    ).find(atAddress);
  const signerRecord = await find(app.applicant);
  const busy = await personsInOpenMoveOut(em);
  const found = await Promise.all(app.movers.map(find));
  const matched = found.filter((r): r is Resident => r !== undefined);
  // 抑止 / 支援措置 checks, as at the counter (domain.md §4.4 step 2, §8.6)
  const protectedMovers = await protectedPersons(
    em,
    matched.map((r) => r.addresseeNumber),
  );
  const householdNumber = matched[0]?.householdNumber ?? signerRecord?.householdNumber ?? '';
  const headLeaving = matched.some((r) => r.relationshipToHead === '世帯主');
  const staying = headLeaving
    ? await em.count(Resident, {
        householdNumber,
        status: ResidentStatus.RESIDENT,
        addresseeNumber: { $nin: matched.map((r) => r.addresseeNumber) },
      })
    : 0;
  return {
    matched,
    householdNumber,
    rules: {
      applicationDate: app.applicationDate,
      plannedMoveOutDate: app.plannedMoveOutDate,
      destinationAbroad: Boolean(app.destination.abroad),
      destinationMunicipalityCode: app.destination.municipalityCode,
      ownMunicipalityCode: deps.config.municipalityCode,
      headLeavesMembersBehind: staying >= 1,
      signer: {
        birthDate: signer.birthDate,
        addresseeNumber: signerRecord?.addresseeNumber,
        householdNumber: signerRecord?.householdNumber,
      },
      movers: found.map((r) => ({
        matched: r !== undefined,
        addresseeNumber: r?.addresseeNumber,
        householdNumber: r?.householdNumber,
        pendingMoveOut:
          r !== undefined && (r.status === ResidentStatus.PENDING_MOVE_OUT || busy.has(r.addresseeNumber)),
        blocked: r !== undefined && protectedMovers.has(r.addresseeNumber),
      })),
    },
  };
}
