import { createHmac, randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { StaffAuthConfig } from '../config';
import { AuthChallenge, StaffCredential, StaffUser, Terminal } from '../db/entities';

/**
 * WebAuthn ceremonies of the staff login (seed 000 L2709: biometric two-factor login on registered terminals), with
 * `@simplewebauthn/server`. Platform authenticators only (the terminal's own reader), user verification required;
 * each challenge is stored and used once within CHALLENGE_MS; a credential is bound to the user and the terminal it
 * was enrolled on.
 */
const CHALLENGE_MS = 5 * 60_000;
const b64url = (b: Uint8Array) => Buffer.from(b).toString('base64url');

async function storeChallenge(
  orm: MikroORM,
  c: Omit<AuthChallenge, 'id' | 'expiresAt'>,
  now: Date,
  ttlMs = CHALLENGE_MS,
): Promise<string> {
  const em = orm.em.fork();
  await em.nativeDelete(AuthChallenge, { expiresAt: { $lt: now } }); // the table holds live challenges only
  const id = randomBytes(18).toString('base64url');
  em.persist(em.create(AuthChallenge, { ...c, id, expiresAt: new Date(now.getTime() + ttlMs) }));
  await em.flush();
  return id;
}

/**
 * Takes a challenge once: a compare-and-set on `used_at`, so two requests with the same challenge cannot both pass.
 * Undefined when unknown, used, expired or of another purpose.
 */
export async function consumeChallenge(
  orm: MikroORM,
  id: string | undefined,
  purpose: AuthChallenge['purpose'],
  now = new Date(),
): Promise<AuthChallenge | undefined> {
  if (!id) return undefined;
  const em = orm.em.fork();
  const taken = await em.nativeUpdate(
    AuthChallenge,
    { id, purpose, usedAt: null, expiresAt: { $gt: now } },
    { usedAt: now },
  );
  return taken === 1 ? ((await em.findOne(AuthChallenge, { id })) ?? undefined) : undefined;
}

/**
 * Options for `navigator.credentials.get()` at the login screen. With the typed user ID and terminal, `allowCredentials`
 * names that user's newest live credential on that terminal; for an unknown user or terminal, or a user without a
 * credential there, it names a stand-in ID derived with a secret key (HMAC), so the answer has the same shape and stays
 * the same for the same input: it does not tell which user IDs exist or have an authenticator.
 */
export async function loginOptions(
  orm: MikroORM,
  cfg: StaffAuthConfig,
  secret: Buffer,
  who: { userId?: string; terminalId?: string } = {},
  now = new Date(),
) {
  let allowCredentials: Array<{ id: string; transports: AuthenticatorTransportFuture[] }> | undefined;
  if (who.userId && who.terminalId) {
    const [cred] = await orm.em
      .fork()
      .find(
        StaffCredential,
        { userId: who.userId, terminalId: who.terminalId, revokedAt: null },
        { orderBy: { createdAt: 'desc' }, limit: 1 },
      );
    const standIn = createHmac('sha256', secret)
      .update(`webauthn-login|${who.userId}|${who.terminalId}`)
      .digest()
      .subarray(0, 32);
    allowCredentials = [{ id: cred?.credentialId ?? b64url(standIn), transports: ['internal'] }];
  }
  const options = await generateAuthenticationOptions({
    rpID: cfg.rpId,
    userVerification: 'required',
    ...(allowCredentials ? { allowCredentials } : {}),
  });
  const challengeId = await storeChallenge(orm, { challenge: options.challenge, purpose: 'login' }, now);
  return { challengeId, options };
}

/**
 * The second factor of a login: the assertion answers the stored challenge, comes from a live credential of this user
 * enrolled on this terminal, with user verification. Returns false on any mismatch (the caller answers one message).
 */
export async function verifyLoginAssertion(
  orm: MikroORM,
  cfg: StaffAuthConfig,
  a: { userId: string; terminalId: string; challengeId?: string; assertion?: unknown },
  now = new Date(),
): Promise<boolean> {
  const challenge = await consumeChallenge(orm, a.challengeId, 'login', now);
  const response = a.assertion as AuthenticationResponseJSON | undefined;
  if (!challenge || !response || typeof response.id !== 'string') return false;
  const em = orm.em.fork();
  const cred = await em.findOne(StaffCredential, { credentialId: response.id, revokedAt: null });
  if (!cred || cred.userId !== a.userId || cred.terminalId !== a.terminalId) return false;
  try {
    const v = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: cfg.origins,
      expectedRPID: cfg.rpId,
      requireUserVerification: true,
      credential: {
        id: cred.credentialId,
        publicKey: Buffer.from(cred.publicKey, 'base64url'),
        counter: cred.counter,
        transports: cred.transports as AuthenticatorTransportFuture[] | undefined,
      },
    });
    if (!v.verified) return false;
    // a cloned authenticator shows a counter that does not advance (platform authenticators may always report 0)
    if (cred.counter > 0 && v.authenticationInfo.newCounter <= cred.counter) return false;
    cred.counter = v.authenticationInfo.newCounter;
    await em.flush();
    return true;
  } catch {
    return false; // malformed or forged assertion
  }
}

/** The registration options of `userId`'s platform authenticator (its live credentials excluded). */
async function registrationOptions(orm: MikroORM, cfg: StaffAuthConfig, userId: string, challenge?: string) {
  const em = orm.em.fork();
  const user = await em.findOne(StaffUser, { userId, active: true });
  if (!user) return undefined;
  const existing = await em.find(StaffCredential, { userId, revokedAt: null });
  return generateRegistrationOptions({
    rpName: '住民記録システム',
    rpID: cfg.rpId,
    userName: userId,
    userDisplayName: user.displayName,
    userID: Buffer.from(userId, 'utf8'),
    ...(challenge ? { challenge: Buffer.from(challenge, 'base64url') } : {}),
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({ id: c.credentialId })),
    authenticatorSelection: {
      authenticatorAttachment: 'platform',
      residentKey: 'required',
      userVerification: 'required',
    },
  });
}

/** Options for `navigator.credentials.create()` when a security administrator enrols `userId` on their terminal. */
export async function enrolmentOptions(
  orm: MikroORM,
  cfg: StaffAuthConfig,
  admin: { userId: string; terminalId: string },
  userId: string,
  now = new Date(),
  ttlMs = CHALLENGE_MS,
) {
  const terminal = await orm.em.fork().findOne(Terminal, { terminalId: admin.terminalId, active: true });
  const options = terminal ? await registrationOptions(orm, cfg, userId) : undefined;
  if (!options) return undefined;
  const challengeId = await storeChallenge(
    orm,
    { challenge: options.challenge, purpose: 'enrol', userId, terminalId: admin.terminalId, createdBy: admin.userId },
    now,
    ttlMs,
  );
  return { challengeId, options };
}

/**
 * The installer's enrolment of an office's first security administrator: `scripts/staff-auth-enrolment-code.ts`
 * (run on the server) stores an enrolment challenge for a user on a registered terminal and prints its ID as a
 * one-time code; at that terminal the user types it on `/login/enrol` and the authenticator answers. The code is a
 * 144-bit secret, valid 30 minutes, used once.
 */
export const INSTALLER = 'installer';

export async function installerEnrolmentOptions(orm: MikroORM, cfg: StaffAuthConfig, code: string, now = new Date()) {
  const c = await orm.em.fork().findOne(AuthChallenge, {
    id: code,
    purpose: 'enrol',
    createdBy: INSTALLER,
    usedAt: null,
    expiresAt: { $gt: now },
  });
  const options = c ? await registrationOptions(orm, cfg, c.userId!, c.challenge) : undefined;
  return c && options ? { challengeId: c.id, terminalId: c.terminalId!, options } : undefined;
}

/** Verifies the authenticator's answer to an enrolment and stores the credential, bound to user and terminal. */
export async function completeEnrolment(
  orm: MikroORM,
  cfg: StaffAuthConfig,
  admin: { userId: string; terminalId: string },
  challengeId: string,
  response: unknown,
  now = new Date(),
): Promise<StaffCredential | undefined> {
  const challenge = await consumeChallenge(orm, challengeId, 'enrol', now);
  if (!challenge || challenge.createdBy !== admin.userId || challenge.terminalId !== admin.terminalId) return undefined;
  try {
    const v = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: challenge.challenge,
      expectedOrigin: cfg.origins,
      expectedRPID: cfg.rpId,
      requireUserVerification: true,
    });
    if (!v.verified) return undefined;
    const em = orm.em.fork();
    const { credential } = v.registrationInfo;
    const row = em.create(StaffCredential, {
      credentialId: credential.id,
      userId: challenge.userId!,
      terminalId: challenge.terminalId!,
      publicKey: b64url(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports,
      enrolledBy: admin.userId,
      createdAt: now,
    });
    em.persist(row);
    await em.flush();
    return row;
  } catch {
    return undefined;
  }
}
