import { EntitySchema } from '@mikro-orm/core';
import type { Role } from '../../domain/roles';

/** A staff user: individual IDs only (domain.md §8.1); roles granted by the security administrator. */
export class StaffUser {
  userId!: string;
  displayName!: string;
  roles!: Role[];
  passwordHash!: string; // scrypt
  active = true;
  failedLogins = 0;
  lockedUntil?: Date;
  validUntil?: Date; // automatic expiry (transfer / retirement)
  /** The first day of use (a transfer in): before it the user cannot log in. */
  validFrom?: Date;
  /** A one-time password (new user, reset) is in use: every screen but the password change is closed until changed. */
  mustChangePassword = false;
  createdAt: Date = new Date();
  /** The last successful login: failures before it do not count towards the lock (login_attempt). */
  lastLoginAt?: Date;
}

export const StaffUserSchema = new EntitySchema<StaffUser>({
  class: StaffUser,
  tableName: 'staff_user',
  properties: {
    userId: { type: 'string', length: 64, primary: true },
    displayName: { type: 'string', length: 100 },
    roles: { type: 'json' },
    passwordHash: { type: 'string', length: 255 },
    active: { type: 'boolean' },
    failedLogins: { type: 'integer' },
    lockedUntil: { type: 'datetime', nullable: true },
    validUntil: { type: 'datetime', nullable: true },
    validFrom: { type: 'datetime', nullable: true },
    mustChangePassword: { type: 'boolean' },
    createdAt: { type: 'datetime' },
    lastLoginAt: { type: 'datetime', nullable: true },
  },
});

/** A login session; only the SHA-256 of the bearer token is stored. */
export class StaffSession {
  tokenHash!: string;
  userId!: string;
  terminalId!: string;
  ip?: string;
  createdAt: Date = new Date();
  lastSeenAt: Date = new Date();
  expiresAt!: Date;
  revokedAt?: Date;
}

export const StaffSessionSchema = new EntitySchema<StaffSession>({
  class: StaffSession,
  tableName: 'staff_session',
  properties: {
    tokenHash: { type: 'string', length: 64, primary: true },
    userId: { type: 'string', length: 64 },
    terminalId: { type: 'string', length: 64 },
    ip: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'datetime' },
    lastSeenAt: { type: 'datetime' },
    expiresAt: { type: 'datetime' },
    revokedAt: { type: 'datetime', nullable: true },
  },
});

/** Registered terminals (domain.md §8.1: registered terminals only). `name` appears in the 発行番号. */
export class Terminal {
  terminalId!: string;
  name!: string; // e.g. 本庁1
  place!: string; // e.g. 本庁 市民課
  printerName!: string; // e.g. プリンタ001
  /** Registered (true) or revoked (false): a revoked terminal ends its sessions at the next request. */
  active = true;
  revokedAt?: Date;
  revokedBy?: string;
}

export const TerminalSchema = new EntitySchema<Terminal>({
  class: Terminal,
  tableName: 'terminal',
  properties: {
    terminalId: { type: 'string', length: 64, primary: true },
    name: { type: 'string', length: 64 },
    place: { type: 'string', length: 100 },
    printerName: { type: 'string', length: 64 },
    active: { type: 'boolean' },
    revokedAt: { type: 'datetime', nullable: true },
    revokedBy: { type: 'string', length: 64, nullable: true },
  },
});

/**
 * One login attempt (a row per attempt, inserted atomically, so parallel guesses are all counted): `failed` counts
 * towards the user's and the address's lock; `refused` (while locked or throttled) does not, so a lock is not extended.
 */
export class LoginAttempt {
  id!: number;
  at: Date = new Date();
  userId!: string;
  ip?: string;
  outcome!: 'ok' | 'failed' | 'refused';
}

export const LoginAttemptSchema = new EntitySchema<LoginAttempt>({
  class: LoginAttempt,
  tableName: 'login_attempt',
  indexes: [{ properties: ['userId', 'at'] }, { properties: ['ip', 'at'] }],
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    at: { type: 'datetime' },
    userId: { type: 'string', length: 64 },
    ip: { type: 'string', length: 64, nullable: true },
    outcome: { type: 'string', length: 8 },
  },
});

/**
 * A WebAuthn credential of a platform authenticator (the terminal's fingerprint / face reader), enrolled by a security
 * administrator for one user on one registered terminal (seed 000 L2709). Only the public key is stored.
 */
export class StaffCredential {
  credentialId!: string; // base64url
  userId!: string;
  terminalId!: string;
  publicKey!: string; // COSE, base64url
  counter = 0;
  transports?: string[];
  enrolledBy!: string;
  createdAt: Date = new Date();
  revokedAt?: Date;
  revokedBy?: string;
}

export const StaffCredentialSchema = new EntitySchema<StaffCredential>({
  class: StaffCredential,
  tableName: 'staff_credential',
  indexes: [{ properties: ['userId'] }],
  properties: {
    credentialId: { type: 'string', length: 255, primary: true },
    userId: { type: 'string', length: 64 },
    terminalId: { type: 'string', length: 64 },
    publicKey: { type: 'text' },
    counter: { type: 'integer' },
    transports: { type: 'json', nullable: true },
    enrolledBy: { type: 'string', length: 64 },
    createdAt: { type: 'datetime' },
    revokedAt: { type: 'datetime', nullable: true },
    revokedBy: { type: 'string', length: 64, nullable: true },
  },
});

/** A WebAuthn challenge, used once within its lifetime: a login, or an enrolment started by a security administrator. */
export class AuthChallenge {
  id!: string;
  challenge!: string; // base64url
  purpose!: 'login' | 'enrol';
  userId?: string; // enrol: the user being enrolled
  terminalId?: string; // enrol: the terminal of the administrator's session
  createdBy?: string;
  expiresAt!: Date;
  usedAt?: Date;
}

export const AuthChallengeSchema = new EntitySchema<AuthChallenge>({
  class: AuthChallenge,
  tableName: 'auth_challenge',
  properties: {
    id: { type: 'string', length: 64, primary: true },
    challenge: { type: 'string', length: 128 },
    purpose: { type: 'string', length: 8 },
    userId: { type: 'string', length: 64, nullable: true },
    terminalId: { type: 'string', length: 64, nullable: true },
    createdBy: { type: 'string', length: 64, nullable: true },
    expiresAt: { type: 'datetime' },
    usedAt: { type: 'datetime', nullable: true },
  },
});

/**
 * Recovery of a lost authenticator (four-eyes): one security administrator asks, another approves; approval revokes
 * the user's credentials so that a new one can be enrolled.
 */
export class CredentialRecovery {
  id!: string;
  userId!: string;
  reason!: string;
  requestedBy!: string;
  requestedAt: Date = new Date();
  approvedBy?: string;
  approvedAt?: Date;
  state: 'PENDING' | 'DONE' = 'PENDING';
}

export const CredentialRecoverySchema = new EntitySchema<CredentialRecovery>({
  class: CredentialRecovery,
  tableName: 'credential_recovery',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    userId: { type: 'string', length: 64 },
    reason: { type: 'string', length: 200 },
    requestedBy: { type: 'string', length: 64 },
    requestedAt: { type: 'datetime' },
    approvedBy: { type: 'string', length: 64, nullable: true },
    approvedAt: { type: 'datetime', nullable: true },
    state: { type: 'string', length: 8 },
  },
});

/**
 * A password reset (four-eyes, issue 14 item 7): one security administrator asks, another approves; approval sets a
 * one-time password, shown once to the approver, which the user must change at the next login.
 */
export class PasswordReset {
  id!: string;
  userId!: string;
  requestedBy!: string;
  requestedAt: Date = new Date();
  approvedBy?: string;
  approvedAt?: Date;
  state: 'PENDING' | 'DONE' = 'PENDING';
}

export const PasswordResetSchema = new EntitySchema<PasswordReset>({
  class: PasswordReset,
  tableName: 'password_reset',
  properties: {
    id: { type: 'string', length: 36, primary: true },
    userId: { type: 'string', length: 64 },
    requestedBy: { type: 'string', length: 64 },
    requestedAt: { type: 'datetime' },
    approvedBy: { type: 'string', length: 64, nullable: true },
    approvedAt: { type: 'datetime', nullable: true },
    state: { type: 'string', length: 8 },
  },
});
