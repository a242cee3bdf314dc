import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEADLINE_SETTINGS, loadConfig, productionProblems } from '../../src/config';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';

const key = () => randomBytes(32).toString('base64');
/** An environment with its keys set, so that loading writes no secrets file. */
const env = (vars: Record<string, string> = {}) => ({
  PII_ENCRYPTION_KEY: key(),
  PII_INDEX_KEY: key(),
  PAYLOAD_CODEC_KEY: key(),
  ACTOR_SIGNING_KEY: key(),
  ...vars,
});

// domain spec §6 and §9.3: every deadline number is a configuration value, with the spec's value as the default
describe('deadline configuration', () => {
  it("defaults to the domain spec's values", () => {
    expect(loadConfig(env()).deadlines).toEqual({
      specialMoveInDaysAfterPlanned: 30,
      specialMoveInDaysAfterMoveIn: 14,
      heldCertificateDays: 30,
      moveInFilingDays: 14,
      lateMoveOutDays: 14,
      moveInNoticeOverdueDays: 30,
      continuedUseDays: 90,
      authCertificateRevocationDays: 30,
      onlineWindowBefore: 30,
      onlineWindowAfter: 10,
      onlineSignerMinAge: 15,
      birthFilingDays: 14,
      moveWithinFilingDays: 14,
      cardStorageDays: 90,
      cardReminderLeadDays: 30,
      cardValidityAgeBoundary: 18,
    });
    expect(loadConfig(env()).deadlines).toEqual(DEFAULT_MOVE_RULES);
  });

  it('reads every number from its environment variable', () => {
    const vars = Object.fromEntries(Object.values(DEADLINE_SETTINGS).map((s) => [s.env, String(s.minimum + 20)]));
    const d = loadConfig(env(vars)).deadlines;
    for (const [k, s] of Object.entries(DEADLINE_SETTINGS)) expect(d[k as keyof typeof d], k).toBe(s.minimum + 20);
  });

  it.each([
    [
      'SPECIAL_MOVE_IN_DAYS_AFTER_MOVE_IN',
      'abc',
      'SPECIAL_MOVE_IN_DAYS_AFTER_MOVE_IN (deadlines.specialMoveInDaysAfterMoveIn) must be integer',
    ],
    ['ONLINE_WINDOW_DAYS_BEFORE', '-1', 'ONLINE_WINDOW_DAYS_BEFORE (deadlines.onlineWindowBefore) must be >= 0'],
    ['ONLINE_WINDOW_DAYS_AFTER', '2.5', 'ONLINE_WINDOW_DAYS_AFTER (deadlines.onlineWindowAfter) must be integer'],
    ['CONTINUED_USE_DAYS', '0', 'CONTINUED_USE_DAYS (deadlines.continuedUseDays) must be >= 1'],
    [
      'MOVE_IN_NOTICE_OVERDUE_DAYS',
      '400',
      'MOVE_IN_NOTICE_OVERDUE_DAYS (deadlines.moveInNoticeOverdueDays) must be <= 365',
    ],
    ['ONLINE_SIGNER_MIN_AGE', '12', 'ONLINE_SIGNER_MIN_AGE (deadlines.onlineSignerMinAge) must be >= 15'],
    ['BIRTH_FILING_DAYS', '0', 'BIRTH_FILING_DAYS (deadlines.birthFilingDays) must be >= 1'],
    ['MOVE_IN_FILING_DAYS', '', 'MOVE_IN_FILING_DAYS (deadlines.moveInFilingDays) must be integer'],
  ])('%s=%j stops the start with the key and the rule', (name, value, message) => {
    expect(() => loadConfig(env({ [name]: value }))).toThrow(message);
  });

  it('names every bad value at once', () => {
    const error = (() => {
      try {
        loadConfig(env({ LATE_MOVE_OUT_DAYS: 'x', HELD_CERTIFICATE_DAYS: '0' }));
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(error).toContain('LATE_MOVE_OUT_DAYS (deadlines.lateMoveOutDays) must be integer');
    expect(error).toContain('HELD_CERTIFICATE_DAYS (deadlines.heldCertificateDays) must be >= 1');
  });

  it('refuses a held 転出証明書情報 purged before the last day of a 特例転入 (domain spec §4.5 step 3)', () => {
    expect(() => loadConfig(env({ HELD_CERTIFICATE_DAYS: '20' }))).toThrow(
      'HELD_CERTIFICATE_DAYS (deadlines.heldCertificateDays) must be >= SPECIAL_MOVE_IN_DAYS_AFTER_PLANNED',
    );
    expect(
      loadConfig(env({ HELD_CERTIFICATE_DAYS: '20', SPECIAL_MOVE_IN_DAYS_AFTER_PLANNED: '20' })).deadlines,
    ).toMatchObject({ heldCertificateDays: 20, specialMoveInDaysAfterPlanned: 20 });
  });

  it('an override block must be complete and typed', () => {
    const { onlineSignerMinAge: _, ...partial } = DEFAULT_MOVE_RULES;
    expect(() => loadConfig(env(), { deadlines: partial as typeof DEFAULT_MOVE_RULES })).toThrow(
      "/deadlines must have required property 'onlineSignerMinAge'",
    );
  });
});

// issue 13 item 2: the demo login (password alone) is a switch of the embedded demo; production refuses it
describe('staff login configuration', () => {
  it('defaults to password + WebAuthn; production refuses the demo switch', () => {
    expect(loadConfig(env()).staffAuth.secondFactor).toBe('webauthn');
    expect(loadConfig(env({ STAFF_SECOND_FACTOR: 'demo-password' })).staffAuth.secondFactor).toBe('demo-password');
    expect(() => loadConfig(env({ NODE_ENV: 'production', STAFF_SECOND_FACTOR: 'demo-password' }))).toThrow(
      'STAFF_SECOND_FACTOR=demo-password (the password alone) is refused in production',
    );
    expect(productionProblems({ NODE_ENV: 'production', STAFF_SECOND_FACTOR: 'webauthn' }).join()).not.toContain(
      'STAFF_SECOND_FACTOR',
    );
  });

  it('names a bad throttling number', () => {
    expect(() => loadConfig(env({ LOGIN_MAX_FAILURES: '0' }))).toThrow('/staffAuth/maxFailedLogins must be >= 1');
  });

  it('names a bad metrics or log setting (README "Operations")', () => {
    expect(() => loadConfig(env({ METRICS_TOKEN: 'short' }))).toThrow(
      '/metrics/token must NOT have fewer than 16 characters',
    );
    expect(() => loadConfig(env({ WORKER_METRICS_PORT: '70000' }))).toThrow('/metrics/workerPort must be <= 65535');
    expect(() => loadConfig(env({ LOG_LEVEL: 'verbose' }))).toThrow(
      '/logLevel must be equal to one of the allowed values',
    );
    expect(loadConfig(env()).metrics).toMatchObject({ workerHost: '127.0.0.1', workerPort: 0 });
  });
});

describe('fault-tolerance configuration (issue 15)', () => {
  it('reads the activity timeout and the workflow start reconciler interval, with their defaults', () => {
    expect(loadConfig(env()).timings.activityTimeout).toBe('60s');
    expect(loadConfig(env()).workflowStartReconcileMs).toBe(30_000);
    const c = loadConfig(env({ ACTIVITY_TIMEOUT: '10s', WORKFLOW_START_RECONCILE_MS: '2000' }));
    expect(c.timings.activityTimeout).toBe('10s');
    expect(c.workflowStartReconcileMs).toBe(2000);
  });

  it('names a bad value', () => {
    expect(() => loadConfig(env({ ACTIVITY_TIMEOUT: 'soon' }))).toThrow('/timings/activityTimeout');
    expect(() => loadConfig(env({ WORKFLOW_START_RECONCILE_MS: '10' }))).toThrow(
      '/workflowStartReconcileMs must be >= 500',
    );
  });
});

describe('certificate render threads (issue 15)', () => {
  it('one thread by default, 0 renders on the main thread, a bad value is named', () => {
    expect(loadConfig(env()).certificateRenderThreads).toBe(1);
    expect(loadConfig(env({ CERTIFICATE_RENDER_THREADS: '0' })).certificateRenderThreads).toBe(0);
    expect(() => loadConfig(env({ CERTIFICATE_RENDER_THREADS: 'many' }))).toThrow('/certificateRenderThreads');
    expect(() => loadConfig(env({ CERTIFICATE_RENDER_THREADS: '-1' }))).toThrow(
      '/certificateRenderThreads must be >= 0',
    );
  });
});
