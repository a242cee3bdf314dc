import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { msToNumber } from '@temporalio/common';
import Ajv from 'ajv';
import { withMunicipalityCheckDigit } from './domain/check-digits';
import type { ResidentCodeCheckMode } from './domain/check-digits';
import { DEFAULT_MOVE_RULES, type MoveDeadlineRules } from './domain/move-deadlines';
import { DEFAULT_TIMINGS, type WorkflowTimings } from './domain/retry-policies';

/**
 * Runtime configuration, from environment variables with embedded-mode defaults (one machine, SQLite, dev server).
 * Validated with ajv at start-up: a bad value stops the process with the variable's name.
 */
export interface AppConfig {
  /**
   * NODE_ENV=production: every secret and partner setting must come from the environment (`productionProblems`), the
   * session cookie is always `Secure`, and demo-only switches are refused.
   */
  production: boolean;
  dataDir: string;
  databaseUrl: string; // sqlite:<file> | sqlite::memory: | mysql://user:pass@host:port/db
  /**
   * The DB user that runs the migrations (DDL; MIGRATION_DATABASE_URL). The application's own user (`databaseUrl`)
   * may only INSERT and SELECT `audit_log` (README "Security: audit"); unset = the application's URL (embedded mode).
   */
  migrationDatabaseUrl?: string;
  temporalAddress: string;
  /**
   * Mutual TLS to the Temporal frontend (production: docker-compose.yml, certificates from scripts/temporal-certs.sh):
   * PEM file paths of this process's client certificate and key, and of the CA that signed the frontend's.
   */
  temporalTls?: { certFile: string; keyFile: string; caFile: string; serverName?: string };
  temporalNamespace: string;
  taskQueue: string;
  temporalUiUrl: string;
  apiHost: string;
  apiPort: number;
  csUrl: string;
  csToken: string;
  csInboundToken: string; // development only: the any-sender credential '*' of csInboundCredentials
  /**
   * Per-sender credentials of /cs-inbound (CS_INBOUND_CREDENTIALS `code=sha256hex,…`): the sending municipality's code
   * → SHA-256 (hex) of the bearer token the CS presents for it. '*' (any sender) only outside production.
   */
  csInboundCredentials: Record<string, string>;
  jlisUrl: string; // 個人番号カード管理システム (the simulator in embedded mode)
  jlisToken: string; // the CS presents it when delivering messages from other towns to /cs-inbound
  jlisInboundToken: string; // J-LIS presents it when it answers a 個人番号 generation request (/jlis-inbound)
  /** 住民票コード pool (domain.md §4.7 step 1): alert and replenish below `threshold`; ask the CS for `batchSize`. */
  residentCodePool: { threshold: number; batchSize: number };
  municipalityCode: string;
  municipalityName: string;
  prefectureName: string;
  mayorName: string;
  officeName: string; // 交付場所 for 発行番号 and 交付履歴
  /** 個人番号カード pick-up (交付通知書): the counter and its opening hours (domain spec §4.8 step 2, 3). */
  cardPickup: { place: string; hours: string };
  residentCodeCheckMode: ResidentCodeCheckMode;
  identityUpdateIncludesKana: boolean; // 2025 item set (domain.md §3.4)
  householdMemberMayRequestIndividualNumber: boolean; // law: 住基法第12条第5項 (configurable)
  supportReleaseMinutes: number; // a 一時解除 of a 支援措置 / 抑止 reverts after this many minutes (domain.md §8.6, configurable)
  /** Partner health (supervisor console, dashboard): this many failed calls in a row make a partner 障害. */
  partnerDownAfterFailures: number;
  /**
   * Every this many milliseconds each API starts the case workflows whose start request is older than that and not
   * started (an API that died between the case row and the start; src/api/workflow-starts.ts).
   */
  workflowStartReconcileMs: number;
  /** Worker threads that render certificates (PDF) off the main thread; 0 renders on it (certificate-render-pool.ts). */
  certificateRenderThreads: number;
  portalUrl: string; // マイナポータル notices endpoint base (the simulator in embedded mode)
  portalToken: string; // bearer token we present to the portal for notices
  portalKeyId: string; // key ID of the shared key the portal signs its requests with (X-Portal-Key-Id)
  portalKey: string; // base64, ≥ 32 bytes: HMAC key of the portal's requests
  /** PEM files: trust anchors (J-LIS CA), intermediates, and a revocation list (one hex serial per line). */
  portalTrustFiles?: { anchors: string; intermediates?: string; revokedSerials?: string };
  /**
   * base64, 32 bytes each. The current keys encrypt; the retired ones (PII_ENCRYPTION_RETIRED_KEYS,
   * PAYLOAD_CODEC_RETIRED_KEYS, comma-separated) only decrypt until `npm run keys:reencrypt` (README "Security").
   */
  keys: {
    piiEncryption: string;
    piiIndex: string;
    payloadCodec: string;
    /** HMAC key the API signs the actor of every update with and the worker verifies (src/temporal/actor-proof.ts). */
    actorSigning: string;
    retiredPiiEncryption?: string[];
    retiredPayloadCodec?: string[];
  };
  /** Retry policies and SLAs the workflows run with (passed in each workflow's input). */
  timings: WorkflowTimings;
  /** Every deadline number of the move procedures (domain spec §6, §9.3), each from its environment variable. */
  deadlines: MoveDeadlineRules;
  /** Staff login (domain spec §8.1; seed 000 L2709: biometric two-factor login on registered terminals). */
  staffAuth: StaffAuthConfig;
  /**
   * Prometheus `/metrics` (README "Operations: Metrics"): the API serves it on its own port at `/metrics` outside the
   * staff login; with `token` set a scraper presents `Authorization: Bearer <token>`, without it only loopback
   * peers are answered. The worker serves it on `workerHost:workerPort` (0: a free port; the same token rule).
   */
  metrics: { token?: string; workerHost: string; workerPort: number };
  /** pino level of every process's JSON log lines (LOG_LEVEL). */
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
}

export interface StaffAuthConfig {
  /**
   * `webauthn`: password + an assertion of a platform authenticator enrolled on the terminal (the default).
   * `demo-password`: the password alone — the embedded demo and tests only; refused when `production`.
   */
  secondFactor: 'webauthn' | 'demo-password';
  /** WebAuthn relying party: the host name staff open (RP ID) and the origins their browsers report. */
  rpId: string;
  origins: string[];
  /** Failed logins before a user is locked, the fixed lock window, and failures from one address per window. */
  maxFailedLogins: number;
  lockMinutes: number;
  maxFailedPerAddress: number;
}

/**
 * The deadline block: key → environment variable and range (domain spec §6; README "Configuration"). Days count
 * calendar days after the event day (初日不算入, domain spec §0).
 */
export const DEADLINE_SETTINGS: Record<keyof MoveDeadlineRules, { env: string; minimum: number; maximum: number }> = {
  specialMoveInDaysAfterPlanned: { env: 'SPECIAL_MOVE_IN_DAYS_AFTER_PLANNED', minimum: 1, maximum: 90 },
  specialMoveInDaysAfterMoveIn: { env: 'SPECIAL_MOVE_IN_DAYS_AFTER_MOVE_IN', minimum: 1, maximum: 90 },
  heldCertificateDays: { env: 'HELD_CERTIFICATE_DAYS', minimum: 1, maximum: 90 },
  moveInFilingDays: { env: 'MOVE_IN_FILING_DAYS', minimum: 1, maximum: 90 },
  lateMoveOutDays: { env: 'LATE_MOVE_OUT_DAYS', minimum: 1, maximum: 90 },
  moveInNoticeOverdueDays: { env: 'MOVE_IN_NOTICE_OVERDUE_DAYS', minimum: 1, maximum: 365 },
  continuedUseDays: { env: 'CONTINUED_USE_DAYS', minimum: 1, maximum: 365 },
  authCertificateRevocationDays: { env: 'AUTH_CERTIFICATE_REVOCATION_DAYS', minimum: 1, maximum: 365 },
  onlineWindowBefore: { env: 'ONLINE_WINDOW_DAYS_BEFORE', minimum: 0, maximum: 90 },
  onlineWindowAfter: { env: 'ONLINE_WINDOW_DAYS_AFTER', minimum: 0, maximum: 90 },
  onlineSignerMinAge: { env: 'ONLINE_SIGNER_MIN_AGE', minimum: 15, maximum: 120 },
  birthFilingDays: { env: 'BIRTH_FILING_DAYS', minimum: 1, maximum: 90 },
  moveWithinFilingDays: { env: 'MOVE_WITHIN_FILING_DAYS', minimum: 1, maximum: 90 },
  cardStorageDays: { env: 'CARD_STORAGE_DAYS', minimum: 7, maximum: 730 },
  cardReminderLeadDays: { env: 'CARD_REMINDER_LEAD_DAYS', minimum: 1, maximum: 365 },
  cardValidityAgeBoundary: { env: 'CARD_VALIDITY_AGE_BOUNDARY', minimum: 10, maximum: 30 },
};

const configSchema = {
  $defs: {
    retry: {
      type: 'object',
      required: ['initialIntervalMs', 'backoffCoefficient', 'maximumIntervalMs'],
      properties: {
        initialIntervalMs: { type: 'integer', minimum: 1 },
        backoffCoefficient: { type: 'number', minimum: 1 },
        maximumIntervalMs: { type: 'integer', minimum: 1 },
      },
    },
    duration: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)? ?(ms|s|m|h|d|seconds?|minutes?|hours?|days?)$' },
      ],
    },
  },
  type: 'object',
  required: ['databaseUrl', 'temporalAddress', 'apiPort', 'csUrl', 'csToken', 'municipalityCode'],
  properties: {
    databaseUrl: { type: 'string', pattern: '^(sqlite:|mysql://|mariadb://)' },
    apiPort: { type: 'integer', minimum: 0, maximum: 65535 },
    // TEMPORAL_TLS_CERT needs TEMPORAL_TLS_KEY and TEMPORAL_TLS_CA (mutual TLS to the Temporal frontend)
    temporalTls: {
      type: 'object',
      required: ['certFile', 'keyFile', 'caFile'],
      properties: {
        certFile: { type: 'string', minLength: 1 },
        keyFile: { type: 'string', minLength: 1 },
        caFile: { type: 'string', minLength: 1 },
      },
    },
    csUrl: { type: 'string', pattern: '^https?://' },
    csToken: { type: 'string', minLength: 16 },
    csInboundToken: { type: 'string', minLength: 16 },
    jlisUrl: { type: 'string', pattern: '^https?://' },
    jlisToken: { type: 'string', minLength: 16 },
    jlisInboundToken: { type: 'string', minLength: 16 },
    residentCodePool: {
      type: 'object',
      additionalProperties: false,
      required: ['threshold', 'batchSize'],
      properties: {
        threshold: { type: 'integer', minimum: 0, maximum: 100000 },
        batchSize: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    },
    municipalityCode: { type: 'string', pattern: '^[0-9]{6}$' },
    residentCodeCheckMode: { enum: ['off', 'warn', 'enforce'] },
    deadlines: {
      type: 'object',
      additionalProperties: false,
      required: Object.keys(DEADLINE_SETTINGS),
      properties: Object.fromEntries(
        Object.entries(DEADLINE_SETTINGS).map(([k, { minimum, maximum }]) => [
          k,
          { type: 'integer', minimum, maximum },
        ]),
      ),
    },
    supportReleaseMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
    metrics: {
      type: 'object',
      additionalProperties: false,
      required: ['workerHost', 'workerPort'],
      properties: {
        token: { type: 'string', minLength: 16 },
        workerHost: { type: 'string', minLength: 1 },
        workerPort: { type: 'integer', minimum: 0, maximum: 65535 },
      },
    },
    logLevel: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] },
    partnerDownAfterFailures: { type: 'integer', minimum: 1, maximum: 100 },
    workflowStartReconcileMs: { type: 'integer', minimum: 500, maximum: 3_600_000 },
    certificateRenderThreads: { type: 'integer', minimum: 0, maximum: 16 },
    production: { type: 'boolean' },
    staffAuth: {
      type: 'object',
      additionalProperties: false,
      required: ['secondFactor', 'rpId', 'origins', 'maxFailedLogins', 'lockMinutes', 'maxFailedPerAddress'],
      properties: {
        secondFactor: { enum: ['webauthn', 'demo-password'] },
        rpId: { type: 'string', minLength: 1, maxLength: 253 },
        origins: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^https?://[^/]+$' } },
        maxFailedLogins: { type: 'integer', minimum: 1, maximum: 100 },
        lockMinutes: { type: 'integer', minimum: 1, maximum: 1440 },
        maxFailedPerAddress: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    },
    cardPickup: {
      type: 'object',
      additionalProperties: false,
      required: ['place', 'hours'],
      properties: {
        place: { type: 'string', minLength: 1, maxLength: 100 },
        hours: { type: 'string', minLength: 1, maxLength: 100 },
      },
    },
    timings: {
      type: 'object',
      properties: {
        registryRetry: { $ref: '#/$defs/retry' },
        deliveryRetry: { $ref: '#/$defs/retry' },
        approvalSla: { $ref: '#/$defs/duration' },
        reviewSla: { $ref: '#/$defs/duration' },
        certificateWait: { $ref: '#/$defs/duration' },
        individualNumberWait: { $ref: '#/$defs/duration' },
        deliveryAddressRetention: { $ref: '#/$defs/duration' },
        activityTimeout: { $ref: '#/$defs/duration' },
      },
    },
    portalUrl: { type: 'string', pattern: '^https?://' },
    portalToken: { type: 'string', minLength: 16 },
    portalKeyId: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    portalKey: { type: 'string', pattern: '^[A-Za-z0-9+/]{43,}={0,2}$' },
    csInboundCredentials: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^([0-9]{6}|\\*)$' },
      additionalProperties: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    },
    keys: {
      type: 'object',
      properties: {
        ...Object.fromEntries(
          ['piiEncryption', 'piiIndex', 'payloadCodec', 'actorSigning'].map((k) => [
            k,
            { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' },
          ]),
        ),
        ...Object.fromEntries(
          ['retiredPiiEncryption', 'retiredPayloadCodec'].map((k) => [
            k,
            { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9+/]{43}=$' } },
          ]),
        ),
      },
    },
  },
} as const;

/** Dev/demo keys live in <dataDir>/secrets.json (created once, mode 0600). Production sets them by environment. */
function loadOrCreateDevKeys(dataDir: string): AppConfig['keys'] {
  const file = join(dataDir, 'secrets.json');
  const gen = () => randomBytes(32).toString('base64');
  if (existsSync(file)) {
    const keys = JSON.parse(readFileSync(file, 'utf8')) as AppConfig['keys'];
    if (keys.actorSigning) return keys;
    // a data directory from before the actor signature: add its key, keep the others
    const upgraded = { ...keys, actorSigning: gen() };
    writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  mkdirSync(dataDir, { recursive: true });
  const keys = { piiEncryption: gen(), piiIndex: gen(), payloadCodec: gen(), actorSigning: gen() };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

/** SHA-256 (hex) of a partner token: what CS_INBOUND_CREDENTIALS holds (never the token itself). */
export const tokenHash = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Built-in development values: production refuses every one of them (and every variable left unset). */
const DEV_DEFAULTS = {
  CS_TOKEN: 'dev-cs-token-0123456789',
  CS_INBOUND_TOKEN: 'dev-cs-inbound-token-0123456789',
  JLIS_TOKEN: 'dev-jlis-token-0123456789',
  JLIS_INBOUND_TOKEN: 'dev-jlis-inbound-token-0123456789',
  PORTAL_TOKEN: 'dev-portal-token-0123456789',
  PORTAL_KEY_ID: 'mynaportal-dev',
  PORTAL_KEY: 'ZGV2LXBvcnRhbC1obWFjLWtleS0wMTIzNDU2Nzg5YWJjZGVm',
} as const;

/**
 * What production needs from the environment: every secret and partner endpoint, the keys (never generated), the
 * registry and migration DB users. Each missing variable or development value is named (never its value).
 */
const PRODUCTION_REQUIRED = [
  'DATABASE_URL',
  'MIGRATION_DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'MUNICIPALITY_CODE',
  'CS_URL',
  'CS_TOKEN',
  'CS_INBOUND_CREDENTIALS',
  'JLIS_URL',
  'JLIS_TOKEN',
  'JLIS_INBOUND_TOKEN',
  'PORTAL_URL',
  'PORTAL_TOKEN',
  'PORTAL_KEY_ID',
  'PORTAL_KEY',
  'PORTAL_TRUST_ANCHORS',
  'PII_ENCRYPTION_KEY',
  'PII_INDEX_KEY',
  'PAYLOAD_CODEC_KEY',
  'ACTOR_SIGNING_KEY',
] as const;

export const isProduction = (env: NodeJS.ProcessEnv): boolean => env.NODE_ENV === 'production';

/** The production refusals: unset variables, development values, an any-sender credential. Empty = may start. */
export function productionProblems(env: NodeJS.ProcessEnv): string[] {
  const missing = PRODUCTION_REQUIRED.filter((name) => !env[name]?.trim());
  const devValues = Object.entries(DEV_DEFAULTS)
    .filter(([name, value]) => env[name] === value)
    .map(([name]) => name);
  const problems: string[] = [];
  if (missing.length) problems.push(`missing: ${missing.join(', ')}`);
  if (devValues.length) problems.push(`development values: ${devValues.join(', ')}`);
  if (parseCredentials(env.CS_INBOUND_CREDENTIALS)['*'])
    problems.push(`CS_INBOUND_CREDENTIALS may not hold the any-sender credential '*'`);
  if (env.STAFF_SECOND_FACTOR === 'demo-password')
    problems.push('STAFF_SECOND_FACTOR=demo-password (the password alone) is refused in production');
  if (env.DATABASE_URL && env.DATABASE_URL === env.MIGRATION_DATABASE_URL)
    problems.push('MIGRATION_DATABASE_URL must name another DB user than DATABASE_URL');
  return problems;
}

/** `141500=<sha256hex>,271004=<sha256hex>` → { '141500': '<sha256hex>', … }; a malformed entry is kept for ajv. */
function parseCredentials(raw: string | undefined): Record<string, string> {
  if (!raw?.trim()) return {};
  return Object.fromEntries(
    raw
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean)
      .map((e) => {
        const i = e.indexOf('=');
        return i < 0
          ? [e, '']
          : [
              e.slice(0, i).trim(),
              e
                .slice(i + 1)
                .trim()
                .toLowerCase(),
            ];
      }),
  );
}

const list = (raw: string | undefined): string[] | undefined =>
  raw?.trim()
    ? raw
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
    : undefined;

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<AppConfig> = {}): AppConfig {
  const production = isProduction(env);
  if (production) {
    const problems = productionProblems(env);
    if (problems.length)
      throw new Error(`production mode (NODE_ENV=production) refuses to start: ${problems.join('; ')}`);
  }
  const dataDir = resolve(env.JUKI_DATA_DIR ?? 'data');
  const envKeys =
    env.PII_ENCRYPTION_KEY || production
      ? {
          piiEncryption: env.PII_ENCRYPTION_KEY ?? '',
          piiIndex: env.PII_INDEX_KEY ?? '',
          payloadCodec: env.PAYLOAD_CODEC_KEY ?? '',
          actorSigning: env.ACTOR_SIGNING_KEY ?? '',
          retiredPiiEncryption: list(env.PII_ENCRYPTION_RETIRED_KEYS),
          retiredPayloadCodec: list(env.PAYLOAD_CODEC_RETIRED_KEYS),
        }
      : undefined;
  const csInboundToken = env.CS_INBOUND_TOKEN ?? DEV_DEFAULTS.CS_INBOUND_TOKEN;
  const cfg: AppConfig = {
    production,
    dataDir,
    databaseUrl: env.DATABASE_URL ?? `sqlite:${join(dataDir, 'registry.sqlite')}`,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL,
    temporalAddress: env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    temporalTls: env.TEMPORAL_TLS_CERT
      ? {
          certFile: env.TEMPORAL_TLS_CERT,
          keyFile: env.TEMPORAL_TLS_KEY ?? '',
          caFile: env.TEMPORAL_TLS_CA ?? '',
          serverName: env.TEMPORAL_TLS_SERVER_NAME,
        }
      : undefined,
    temporalNamespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue: env.TASK_QUEUE ?? 'registry',
    temporalUiUrl: env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233',
    apiHost: env.API_HOST ?? '127.0.0.1',
    apiPort: Number(env.API_PORT ?? 3000),
    csUrl: env.CS_URL ?? 'http://127.0.0.1:3101',
    csToken: env.CS_TOKEN ?? DEV_DEFAULTS.CS_TOKEN,
    csInboundToken,
    csInboundCredentials: env.CS_INBOUND_CREDENTIALS
      ? parseCredentials(env.CS_INBOUND_CREDENTIALS)
      : { '*': tokenHash(csInboundToken) },
    jlisUrl: env.JLIS_URL ?? 'http://127.0.0.1:3102',
    jlisToken: env.JLIS_TOKEN ?? DEV_DEFAULTS.JLIS_TOKEN,
    jlisInboundToken: env.JLIS_INBOUND_TOKEN ?? DEV_DEFAULTS.JLIS_INBOUND_TOKEN,
    residentCodePool: {
      threshold: Number(env.RESIDENT_CODE_POOL_THRESHOLD ?? 100),
      batchSize: Number(env.RESIDENT_CODE_BATCH_SIZE ?? 500),
    },
    municipalityCode: env.MUNICIPALITY_CODE ?? withMunicipalityCheckDigit('13999'),
    municipalityName: env.MUNICIPALITY_NAME ?? 'さくら市',
    prefectureName: env.PREFECTURE_NAME ?? '東京都',
    mayorName: env.MAYOR_NAME ?? '桜井　一郎',
    officeName: env.OFFICE_NAME ?? '本庁',
    cardPickup: {
      place: env.CARD_PICKUP_PLACE ?? 'さくら市役所 本庁舎1階 市民課 マイナンバーカード交付窓口',
      hours: env.CARD_PICKUP_HOURS ?? '平日 午前8時30分から午後5時まで（第2・第4土曜日 午前9時から正午まで）',
    },
    residentCodeCheckMode: (env.RESIDENT_CODE_CHECK_MODE ?? 'warn') as ResidentCodeCheckMode,
    identityUpdateIncludesKana: env.IDENTITY_UPDATE_INCLUDES_KANA === 'true',
    householdMemberMayRequestIndividualNumber: env.HOUSEHOLD_MEMBER_MAY_REQUEST_NUMBER !== 'false',
    supportReleaseMinutes: Number(env.SUPPORT_RELEASE_MINUTES ?? 30),
    partnerDownAfterFailures: Number(env.PARTNER_DOWN_AFTER_FAILURES ?? 3),
    metrics: {
      ...(env.METRICS_TOKEN ? { token: env.METRICS_TOKEN } : {}),
      workerHost: env.WORKER_METRICS_HOST ?? '127.0.0.1',
      // production: a fixed port to scrape; elsewhere a free one (several workers on one machine), logged at start
      workerPort: Number(env.WORKER_METRICS_PORT ?? (production ? 9464 : 0)),
    },
    logLevel: (env.LOG_LEVEL?.trim().toLowerCase() ?? 'info') as AppConfig['logLevel'],
    workflowStartReconcileMs: Number(env.WORKFLOW_START_RECONCILE_MS ?? 30_000),
    certificateRenderThreads: Number(env.CERTIFICATE_RENDER_THREADS ?? 1),
    portalUrl: env.PORTAL_URL ?? 'http://127.0.0.1:3103',
    portalToken: env.PORTAL_TOKEN ?? DEV_DEFAULTS.PORTAL_TOKEN,
    portalKeyId: env.PORTAL_KEY_ID ?? DEV_DEFAULTS.PORTAL_KEY_ID,
    portalKey: env.PORTAL_KEY ?? DEV_DEFAULTS.PORTAL_KEY,
    portalTrustFiles: env.PORTAL_TRUST_ANCHORS
      ? {
          anchors: env.PORTAL_TRUST_ANCHORS,
          intermediates: env.PORTAL_TRUST_INTERMEDIATES,
          revokedSerials: env.PORTAL_REVOKED_SERIALS,
        }
      : undefined,
    keys: envKeys ?? loadOrCreateDevKeys(dataDir),
    timings: timingsFromEnv(env),
    deadlines: deadlinesFromEnv(env),
    staffAuth: {
      secondFactor: (env.STAFF_SECOND_FACTOR ?? 'webauthn') as StaffAuthConfig['secondFactor'],
      rpId: env.WEBAUTHN_RP_ID ?? 'localhost',
      origins: (env.WEBAUTHN_ORIGINS ?? `http://localhost:${env.API_PORT ?? 3000}`).split(',').map((o) => o.trim()),
      maxFailedLogins: Number(env.LOGIN_MAX_FAILURES ?? 5),
      lockMinutes: Number(env.LOGIN_LOCK_MINUTES ?? 15),
      maxFailedPerAddress: Number(env.LOGIN_MAX_FAILURES_PER_ADDRESS ?? 30),
    },
    ...overrides,
  };
  if (!overrides.csInboundCredentials && !env.CS_INBOUND_CREDENTIALS)
    cfg.csInboundCredentials = { '*': tokenHash(cfg.csInboundToken) };
  const validate = new Ajv({ allErrors: true, strict: false }).compile(configSchema);
  const problems = validate(cfg)
    ? []
    : (validate.errors ?? []).map((e) => `${settingName(e.instancePath)} ${e.message ?? ''}`);
  if (!problems.length)
    problems.push(...deadlineConsistency(cfg.deadlines), ...retentionLimit(cfg.timings), ...productionLogin(cfg));
  if (cfg.production && cfg.csInboundCredentials['*'])
    problems.push(`csInboundCredentials may not hold the any-sender credential '*' in production`);
  if (problems.length) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return cfg;
}

/** `/deadlines/onlineWindowBefore` → `ONLINE_WINDOW_DAYS_BEFORE (deadlines.onlineWindowBefore)`; others as the pointer. */
function settingName(pointer: string): string {
  const [, block, key] = pointer.split('/');
  const setting = block === 'deadlines' ? DEADLINE_SETTINGS[key as keyof MoveDeadlineRules] : undefined;
  return setting ? `${setting.env} (deadlines.${key})` : pointer || '/';
}

/**
 * Rules between the deadline numbers: the held 転出証明書情報 must outlive the last day of a 特例転入 (domain spec §4.5
 * step 3: lastDay is never later than P + 30, so the purge never removes information that could still be used).
 */
function deadlineConsistency(d: MoveDeadlineRules): string[] {
  const problems: string[] = [];
  if (d.heldCertificateDays < d.specialMoveInDaysAfterPlanned)
    problems.push(
      `HELD_CERTIFICATE_DAYS (deadlines.heldCertificateDays) must be >= SPECIAL_MOVE_IN_DAYS_AFTER_PLANNED ` +
        `(deadlines.specialMoveInDaysAfterPlanned): a held 転出証明書情報 may not be purged before the last day of a 特例転入`,
    );
  if (d.cardReminderLeadDays >= d.cardStorageDays)
    problems.push(
      `CARD_REMINDER_LEAD_DAYS (deadlines.cardReminderLeadDays) must be < CARD_STORAGE_DAYS (deadlines.cardStorageDays): ` +
        `the reminder comes before the storage limit`,
    );
  return problems;
}

/** Production never runs the demo login (password alone) nor sends the session cookie without `Secure`. */
function productionLogin(cfg: AppConfig): string[] {
  if (!cfg.production || cfg.staffAuth.secondFactor === 'webauthn') return [];
  return ['STAFF_SECOND_FACTOR (staffAuth.secondFactor) must be webauthn in production (NODE_ENV=production)'];
}

/** 送付先情報 is kept less than one year (`000_6eda969c340266a8.txt L2466`: 保管期間「1年未満」). */
function retentionLimit(t: Partial<WorkflowTimings>): string[] {
  if (t.deliveryAddressRetention === undefined || msToNumber(t.deliveryAddressRetention) < 365 * 86_400_000) return [];
  return ['DELIVERY_ADDRESS_RETENTION (timings.deliveryAddressRetention) must be less than 1 year'];
}

/** The deadline block from its environment variables; a value that is not a whole number is kept for ajv to name. */
function deadlinesFromEnv(env: NodeJS.ProcessEnv): MoveDeadlineRules {
  const entries = Object.entries(DEADLINE_SETTINGS).map(([key, { env: name }]) => {
    const raw = env[name];
    const value = raw === undefined ? DEFAULT_MOVE_RULES[key as keyof MoveDeadlineRules] : raw.trim();
    return [key, typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : value];
  });
  return Object.fromEntries(entries) as MoveDeadlineRules;
}

/**
 * Timings from the environment, each optional: DELIVERY_RETRY_INITIAL_MS / DELIVERY_RETRY_MAX_MS (CS, J-LIS, portal),
 * REGISTRY_RETRY_INITIAL_MS / REGISTRY_RETRY_MAX_MS, APPROVAL_SLA, REVIEW_SLA, CERTIFICATE_INFO_WAIT (e.g. `1 day`),
 * ACTIVITY_TIMEOUT (one activity attempt, default `60s`).
 */
function timingsFromEnv(env: NodeJS.ProcessEnv): WorkflowTimings {
  const num = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  const t = DEFAULT_TIMINGS;
  return {
    registryRetry: {
      ...t.registryRetry,
      initialIntervalMs: num(env.REGISTRY_RETRY_INITIAL_MS, t.registryRetry.initialIntervalMs),
      maximumIntervalMs: num(env.REGISTRY_RETRY_MAX_MS, t.registryRetry.maximumIntervalMs),
    },
    deliveryRetry: {
      ...t.deliveryRetry,
      initialIntervalMs: num(env.DELIVERY_RETRY_INITIAL_MS, t.deliveryRetry.initialIntervalMs),
      maximumIntervalMs: num(env.DELIVERY_RETRY_MAX_MS, t.deliveryRetry.maximumIntervalMs),
    },
    approvalSla: (env.APPROVAL_SLA ?? t.approvalSla) as WorkflowTimings['approvalSla'],
    reviewSla: (env.REVIEW_SLA ?? t.reviewSla) as WorkflowTimings['reviewSla'],
    certificateWait: (env.CERTIFICATE_INFO_WAIT ?? t.certificateWait) as WorkflowTimings['certificateWait'],
    individualNumberWait: (env.INDIVIDUAL_NUMBER_ANSWER_WAIT ??
      t.individualNumberWait) as WorkflowTimings['individualNumberWait'],
    deliveryAddressRetention: (env.DELIVERY_ADDRESS_RETENTION ??
      t.deliveryAddressRetention) as WorkflowTimings['deliveryAddressRetention'],
    activityTimeout: (env.ACTIVITY_TIMEOUT ?? t.activityTimeout) as WorkflowTimings['activityTimeout'],
  };
}

export const keyBytes = (b64: string): Buffer => Buffer.from(b64, 'base64');
