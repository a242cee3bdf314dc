/**
 * State of one マイナポータル simulator instance (portal-simulator.ts): the municipalities it submits to, the
 * applications it submitted (the last MAX_RESENDABLE with their request bodies, for a re-send), the notices it
 * received (de-duplicated by Idempotency-Key), faults, and the test PKI whose trust configuration the municipalities
 * use. In memory, or kept on disk across restarts through `snapshot` / `restore` (sim/state-file.ts; faults are not).
 *
 * Revocation: the `revoked` scenario needs a certificate whose serial is on the revocation list. So that a
 * municipality configured once from `trust()` at start-up already knows those serials, each instance revokes a pool
 * of REVOKED_POOL_SIZE random serials when it starts and issues its `revoked` certificates from it; once the pool is
 * used up, a fresh serial is revoked on the spot, and only a municipality that re-reads `trust()` (like a CRL) sees it.
 * Log lines: application ID, scenario, municipality code and statuses; never bodies, keys or personal data.
 */
import { randomBytes } from 'node:crypto';
import type { SchemaObject } from 'ajv';
import { compileSchema, type FieldError } from '../domain/ajv';
import {
  OnlineMoveOutContentSchema,
  OnlineMoveOutEnvelopeSchema,
  type OnlineMoveOutContent,
} from '../procedures/online-move-out/schema';
import { jstDate } from '../domain/dates';
import { municipalityCodeSchema } from './partner-contract';
import type { PortalAck, PortalNotice } from './portal-messages';
import {
  INTAKE_PATHS,
  PortalSimulatorError,
  postSigned,
  type IntakeAnswer,
  type PortalMunicipality,
} from './portal-simulator-intake';
import {
  PortalScenario,
  buildEnvelope,
  requestBody,
  requestShape,
  wrongRequestKey,
} from './portal-simulator-scenarios';
import { SimFaults } from './sim/faults';
import { IdempotentInbox, type InboxDump, type Received, type SimOutcome } from './sim/idempotency';
import type { SimLog } from './sim/server';
import { randomSerial, type TestCa } from './sim/test-pki';

export const REVOKED_POOL_SIZE = 32;
export const MIN_KEY_BYTES = 32;

/** What a municipality needs to verify the applications: PEM anchors and intermediates, revoked serials (hex). */
export interface PortalTrust {
  anchors: string[];
  intermediates: string[];
  revokedSerials: string[];
}

/** Body of POST /portal-sim/v1/_admin/municipalities (the key as base64). */
export interface PortalMunicipalityRegistration {
  municipalityCode: string;
  intakeBaseUrl: string;
  keyId: string;
  key: string;
}
export const PortalMunicipalityRegistrationSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'intakeBaseUrl', 'keyId', 'key'],
  properties: {
    municipalityCode: municipalityCodeSchema,
    intakeBaseUrl: { type: 'string', maxLength: 2000, format: 'uri', pattern: '^https?://[^/?#@\\s]+(/[^?#\\s]*)?$' },
    keyId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
    key: { type: 'string', minLength: 43, maxLength: 1368, pattern: '^[A-Za-z0-9+/]+={0,2}$' },
  } satisfies Record<keyof PortalMunicipalityRegistration, SchemaObject>,
};

/** A registered municipality as shown (never the key). */
export interface PortalMunicipalityView {
  municipalityCode: string;
  intakeBaseUrl: string;
  keyId: string;
  registeredAt: string;
}

/** Body of POST /portal-sim/v1/_admin/applications. */
export interface PortalApplicationRequest {
  municipalityCode: string;
  scenario: PortalScenario;
  /** Default: a fresh `MP-<yyyymmdd>-<random>`. */
  applicationId?: string;
  content: OnlineMoveOutContent;
}
export const PortalApplicationRequestSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['municipalityCode', 'scenario', 'content'],
  properties: {
    municipalityCode: municipalityCodeSchema,
    scenario: { type: 'string', enum: Object.values(PortalScenario) },
    applicationId: OnlineMoveOutEnvelopeSchema.properties.applicationId,
    content: OnlineMoveOutContentSchema,
  } satisfies Record<keyof PortalApplicationRequest, SchemaObject>,
};

/** What the municipality answered; `replay` is the answer to the second sending of the `replay` scenario. */
export interface PortalSubmission {
  applicationId: string;
  scenario: PortalScenario;
  sent: IntakeAnswer;
  replay?: IntakeAnswer;
}

/** { noticeId, idempotencyKey, body } in arrival order. */
export type ReceivedNotice = Received<PortalNotice, PortalAck>;

const validateRegistration = compileSchema<PortalMunicipalityRegistration>(PortalMunicipalityRegistrationSchema);
const validateApplication = compileSchema<PortalApplicationRequest>(PortalApplicationRequestSchema);

const invalid = (errors: FieldError[]): PortalSimulatorError =>
  new PortalSimulatorError(400, 'INVALID_MESSAGE', 'the request does not match the contract', errors);

/** How many submitted applications a simulator keeps for a re-send (a long-running demo must not grow for ever). */
const MAX_RESENDABLE = 1000;

export class PortalSimulatorState {
  readonly faults: SimFaults;
  private readonly notices = new IdempotentInbox<PortalNotice, PortalAck>();
  private readonly municipalities = new Map<string, PortalMunicipality & { registeredAt: string }>();
  /** applicationId → municipality code, for cancellations. */
  private readonly applications = new Map<string, string>();
  /**
   * applicationId → the request body as first sent and its municipality, for a re-send (`resend`), oldest first; the
   * last MAX_RESENDABLE. In the snapshot too, so a restarted simulator re-sends the same bytes: the body holds the
   * applicant's signed content (test data; the state file is 0600), never written to the log.
   */
  private readonly submitted = new Map<string, { municipalityCode: string; body: string }>();
  private readonly revokedPool: string[] = [];

  constructor(
    private readonly ca: TestCa,
    private readonly now: () => Date = () => new Date(),
    private readonly log: SimLog = () => undefined,
  ) {
    this.faults = new SimFaults(now);
    for (let i = 0; i < REVOKED_POOL_SIZE; i++) this.revokedPool.push(this.revokeFresh());
  }

  trust(): PortalTrust {
    return {
      anchors: [...this.ca.trust.anchors],
      intermediates: [...this.ca.trust.intermediates],
      revokedSerials: [...this.ca.revokedSerials],
    };
  }

  /** Registers or replaces where and how to submit to a municipality; true when it was new. */
  registerMunicipality(m: PortalMunicipality): boolean {
    if (m.key.length < MIN_KEY_BYTES) throw this.shortKey();
    const v = validateRegistration({ ...m, key: Buffer.from(m.key).toString('base64') });
    if (!v.ok) throw invalid(v.errors);
    const isNew = !this.municipalities.has(m.municipalityCode);
    const entry = {
      ...m,
      key: Buffer.from(m.key),
      intakeBaseUrl: m.intakeBaseUrl.replace(/\/+$/, ''),
      registeredAt: this.now().toISOString(),
    };
    this.municipalities.set(m.municipalityCode, entry);
    this.log(`municipality ${m.municipalityCode} ${isNew ? 'registered' : 'replaced'}`);
    return isNew;
  }

  /** The HTTP form: the key in base64. */
  registerMunicipalityRequest(body: unknown): boolean {
    const v = validateRegistration(body);
    if (!v.ok) throw invalid(v.errors);
    const key = Buffer.from(v.value.key, 'base64');
    if (key.length < MIN_KEY_BYTES) throw this.shortKey();
    return this.registerMunicipality({ ...v.value, key });
  }

  municipalityViews(): PortalMunicipalityView[] {
    return [...this.municipalities.values()]
      .sort((a, b) => a.municipalityCode.localeCompare(b.municipalityCode))
      .map(({ municipalityCode, intakeBaseUrl, keyId, registeredAt }) => ({
        municipalityCode,
        intakeBaseUrl,
        keyId,
        registeredAt,
      }));
  }

  acceptNotice(n: PortalNotice): SimOutcome<PortalAck> {
    return (
      this.notices.replay(n.idempotencyKey, n) ??
      this.notices.store(n.idempotencyKey, n, { noticeId: `PN-${randomBytes(12).toString('hex')}`, duplicate: false })
    );
  }

  received(): readonly ReceivedNotice[] {
    return this.notices.items;
  }

  /** Builds the application of `req.scenario`, submits it, and reports the municipality's answer(s). */
  async submit(request: unknown): Promise<PortalSubmission> {
    const v = validateApplication(request);
    if (!v.ok) throw invalid(v.errors);
    const req = v.value;
    const m = this.municipality(req.municipalityCode);
    const applicationId = req.applicationId ?? this.newApplicationId();
    const now = this.now();
    const envelope = await buildEnvelope(req.scenario, applicationId, req.content, {
      ca: this.ca,
      now,
      revokedSerial: () => this.takeRevokedSerial(),
    });
    const shape = requestShape(req.scenario);
    const at = new Date(now.getTime() + shape.timestampOffsetMs);
    const body = requestBody(envelope, shape);
    this.submitted.delete(applicationId); // a re-submit under the same ID becomes the newest
    this.submitted.set(applicationId, { municipalityCode: m.municipalityCode, body });
    if (this.submitted.size > MAX_RESENDABLE) this.submitted.delete(this.submitted.keys().next().value!);
    const answers = await postSigned(m, INTAKE_PATHS.APPLICATIONS, body, {
      at,
      times: shape.times,
      ...(shape.wrongKey ? { key: wrongRequestKey() } : {}),
    });
    this.applications.set(applicationId, m.municipalityCode);
    this.log(
      `submit ${applicationId} ${req.scenario} -> ${m.municipalityCode}: ${answers.map((a) => a.status).join(', ')}`,
    );
    const [sent, replay] = answers;
    return { applicationId, scenario: req.scenario, sent: sent!, ...(replay ? { replay } : {}) };
  }

  /**
   * Sends an application this instance submitted again, as the portal does when it got no answer: the same body
   * (the same application ID, envelope and signature, byte for byte) in a new request — its own timestamp and nonce,
   * so the intake's replay check does not refuse it. Also after the first sending failed (502 unreachable).
   */
  async resend(applicationId: string): Promise<IntakeAnswer> {
    const sent = this.submitted.get(applicationId);
    if (sent === undefined)
      throw new PortalSimulatorError(
        404,
        'UNKNOWN_APPLICATION',
        `no application with this ID among the last ${MAX_RESENDABLE} this simulator submitted`,
      );
    const m = this.municipality(sent.municipalityCode);
    const [answer] = await postSigned(m, INTAKE_PATHS.APPLICATIONS, sent.body, { at: this.now() });
    this.applications.set(applicationId, m.municipalityCode);
    this.log(`resend ${applicationId} -> ${m.municipalityCode}: ${answer!.status}`);
    return answer!;
  }

  /** Sends the signed cancellation of an application this instance submitted. */
  async cancel(applicationId: string): Promise<IntakeAnswer> {
    const code = this.applications.get(applicationId);
    if (code === undefined)
      throw new PortalSimulatorError(
        404,
        'UNKNOWN_APPLICATION',
        'no application with this ID was submitted by this simulator',
      );
    const m = this.municipality(code);
    const body = JSON.stringify({ applicationId, requestedAt: this.now().toISOString() });
    const [answer] = await postSigned(m, INTAKE_PATHS.cancellation(applicationId), body, { at: this.now() });
    this.log(`cancel ${applicationId} -> ${code}: ${answer!.status}`);
    return answer!;
  }

  /**
   * What the portal remembers, as JSON (sim/state-file.ts): notices, keys, municipalities, applications (and the
   * bodies to re-send), revocations.
   */
  snapshot(): unknown {
    return {
      notices: this.notices.dump(),
      municipalities: [...this.municipalities.values()].map((m) => ({ ...m, key: m.key.toString('base64') })),
      applications: [...this.applications],
      submitted: [...this.submitted],
      revokedPool: [...this.revokedPool],
      revokedSerials: [...this.ca.revokedSerials],
    };
  }

  restore(snapshot: unknown): void {
    const s = snapshot as {
      notices: InboxDump<PortalNotice, PortalAck>;
      municipalities: Array<Omit<PortalMunicipality, 'key'> & { key: string; registeredAt: string }>;
      applications: Array<[string, string]>;
      /** Absent in a state file written before the re-sendable applications were kept. */
      submitted?: Array<[string, { municipalityCode: string; body: string }]>;
      revokedPool: string[];
      revokedSerials: string[];
    };
    this.notices.load(s.notices);
    this.municipalities.clear();
    for (const m of s.municipalities)
      this.municipalities.set(m.municipalityCode, { ...m, key: Buffer.from(m.key, 'base64') });
    this.applications.clear();
    for (const [k, v] of s.applications) this.applications.set(k, v);
    this.submitted.clear();
    for (const [k, v] of (s.submitted ?? []).slice(-MAX_RESENDABLE)) this.submitted.set(k, v);
    this.revokedPool.splice(0, this.revokedPool.length, ...s.revokedPool);
    this.ca.revokedSerials.splice(0, this.ca.revokedSerials.length, ...s.revokedSerials);
  }

  /** Clears notices, keys, faults, submitted applications and registered municipalities (not the PKI). */
  reset(): void {
    this.notices.clear();
    this.faults.clear();
    this.applications.clear();
    this.submitted.clear();
    this.municipalities.clear();
  }

  private municipality(code: string): PortalMunicipality {
    const m = this.municipalities.get(code);
    if (!m)
      throw new PortalSimulatorError(
        422,
        'MUNICIPALITY_NOT_REGISTERED',
        'the municipality is not registered at the simulator',
      );
    return m;
  }

  private shortKey(): PortalSimulatorError {
    const message = `/key must be at least ${MIN_KEY_BYTES} bytes`;
    return new PortalSimulatorError(400, 'INVALID_MESSAGE', message, [{ field: '/key', rule: 'minBytes', message }]);
  }

  private newApplicationId(): string {
    return `MP-${jstDate(this.now()).replace(/-/g, '')}-${randomBytes(6).toString('hex').toUpperCase()}`;
  }

  private revokeFresh(): string {
    const serial = randomSerial();
    this.ca.revoke(serial);
    return serial;
  }

  private takeRevokedSerial(): string {
    return this.revokedPool.shift() ?? this.revokeFresh();
  }
}
