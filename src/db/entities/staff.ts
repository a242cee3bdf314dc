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
  createdAt: Date = new Date();
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
    createdAt: { type: 'datetime' },
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
  active = true;
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
  },
});
