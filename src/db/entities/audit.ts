import { EntitySchema } from '@mikro-orm/core';

export const AuditAction = {
  INQUIRY: '照会',
  CHANGE_PROVISIONAL: '異動（仮登録）',
  CHANGE_COMMITTED: '異動（本登録）',
  CERTIFICATE: '証明発行',
  LOGIN: 'ログイン',
  LOGIN_FAILED: 'ログイン失敗',
  LOGOUT: 'ログアウト',
  DENIED: '権限エラー',
  BATCH: 'バッチ',
  /** 支援措置 / 抑止 register: entry, confirmation, extension, end, 一時解除 and reading the 加害者's data. */
  SUPPORT_MEASURE: '支援措置',
  /** Staff authentication administration: terminals registered / revoked, authenticators enrolled, recoveries. */
  AUTH_ADMIN: '認証管理',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/**
 * The legal audit trail (domain.md §8.4): who, from which terminal/IP, which person, what, when, and whether the
 * 個人番号 was accessed. Insert-only: the application's DB user may only INSERT and SELECT it (src/db/db-users.ts).
 * Tamper-evident: each row carries its place in the chain, the previous row's hash and its own (src/db/audit-chain.ts);
 * `npm run audit:verify` names the first row that does not fit. Rows written before the chain have none.
 */
export class AuditLog {
  id!: number;
  at: Date = new Date();
  actorId!: string;
  actorRoles!: string[];
  terminalId?: string;
  ip?: string;
  action!: AuditAction;
  function!: string; // API route or activity name
  targetAddresseeNumber?: string;
  caseId?: string;
  individualNumberAccessed = false;
  outcome: 'ok' | 'denied' | 'error' = 'ok';
  detail?: Record<string, unknown>;
  chainSeq?: number;
  prevHash?: string;
  rowHash?: string;
}

/** The head of the audit hash chain (one row, id 1): locked by every transaction that writes audit rows. */
export class AuditChainHead {
  id!: number;
  lastSeq!: number;
  lastHash!: string;
}

export const AuditChainHeadSchema = new EntitySchema<AuditChainHead>({
  class: AuditChainHead,
  tableName: 'audit_chain_head',
  properties: {
    id: { type: 'integer', primary: true },
    lastSeq: { type: 'integer' },
    lastHash: { type: 'string', length: 64 },
  },
});

export const AuditLogSchema = new EntitySchema<AuditLog>({
  class: AuditLog,
  tableName: 'audit_log',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    at: { type: 'datetime' },
    actorId: { type: 'string', length: 64 },
    actorRoles: { type: 'json' },
    terminalId: { type: 'string', length: 64, nullable: true },
    ip: { type: 'string', length: 64, nullable: true },
    action: { type: 'string', length: 40 },
    function: { type: 'string', length: 128 },
    targetAddresseeNumber: { type: 'string', length: 16, nullable: true },
    caseId: { type: 'string', length: 64, nullable: true },
    individualNumberAccessed: { type: 'boolean' },
    outcome: { type: 'string', length: 10 },
    detail: { type: 'json', nullable: true },
    chainSeq: { type: 'integer', nullable: true, unique: true },
    prevHash: { type: 'string', length: 64, nullable: true },
    rowHash: { type: 'string', length: 64, nullable: true },
  },
  indexes: [{ properties: ['targetAddresseeNumber'] }, { properties: ['actorId', 'at'] }, { properties: ['caseId'] }],
});
