/**
 * In-memory state of one CS simulator instance: what it received, idempotency keys, fault settings, and the
 * 都道府県サーバ view of each person (latest 本人確認情報, registered or not). Nothing survives a restart; the
 * simulator is for development and tests. Everything is per instance, so several simulators can run side by side.
 *
 * Prefecture rules (domain.md §3.4; `003_d62b23c9035e33bb.txt L1819–1821`):
 *  - a 転入 update (国内転入 / 国外転入等) for a currently registered person → ALREADY_REGISTERED;
 *  - a 転居 update that changes anything but the address (and changeReason / changeDate) → MOVE_WITHIN_CHANGES_…;
 *  - 更新順番号 per (sending municipality, 住民票コード) must strictly increase (gaps are allowed) → SEQUENCE_OUT_OF_ORDER.
 * "Registered" = the last accepted update for the code is not in the 消除 category, or the code was seeded.
 * Inputs are already schema-validated. Outcomes never echo values from the message.
 */
import { randomUUID } from 'node:crypto';
import { ChangeCategory } from '../domain/change-reason';
import { CS_MOVE_IN_CODES, CS_MOVE_WITHIN_CODE, csCategoryOf } from './cs-codes';
import { CsErrorCode, type CsAck, type CsErrorBody, type IdentityInfo, type IdentityUpdate, type MoveInNotice } from './cs-messages';
import { CsFaults } from './cs-simulator-faults';

export const CsMessageKind = { IDENTITY_UPDATES: 'identity-updates', MOVE_IN_NOTICES: 'move-in-notices' } as const;
export type CsMessageKind = (typeof CsMessageKind)[keyof typeof CsMessageKind];

export interface ReceivedMessage<T> {
  messageId: string;
  receivedAt: string;
  idempotencyKey: string;
  body: T;
}

export interface PrefectureResident {
  registered: boolean;
  /** Latest accepted 本人確認情報; absent for codes only seeded as registered. */
  identity?: IdentityInfo;
}

export type CsOutcome = { status: 200 | 201; ack: CsAck } | { status: 409 | 422; error: CsErrorBody };

interface KeyEntry {
  canonical: string;
  ack: CsAck;
}

/** JSON with object keys sorted, so that key order does not make two equal bodies differ. */
const canonicalJson = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
};

/** Items besides the address that a 転居 must not change. */
const FIXED_ON_MOVE_WITHIN = ['name', 'nameKana', 'birthDate', 'sex', 'individualNumber'] as const;

const reject = (status: 409 | 422, code: string, message: string): CsOutcome => ({ status, error: { code, message } });

export class CsSimulatorState {
  readonly received: {
    'identity-updates': Array<ReceivedMessage<IdentityUpdate>>;
    'move-in-notices': Array<ReceivedMessage<MoveInNotice>>;
  } = {
    'identity-updates': [],
    'move-in-notices': [],
  };
  readonly residents = new Map<string, PrefectureResident>();
  /** Last accepted 更新順番号 by `${municipalityCode}:${residentRecordCode}`. */
  readonly sequences = new Map<string, number>();
  readonly faults: CsFaults;
  private readonly keys: Record<CsMessageKind, Map<string, KeyEntry>> = {
    'identity-updates': new Map(),
    'move-in-notices': new Map(),
  };
  private readonly municipalities: ReadonlySet<string> | undefined;

  constructor(
    opts: { municipalities?: readonly string[] } = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.municipalities = opts.municipalities && new Set(opts.municipalities);
    this.faults = new CsFaults(now);
  }

  reset(): void {
    this.received['identity-updates'].length = 0;
    this.received['move-in-notices'].length = 0;
    this.keys['identity-updates'].clear();
    this.keys['move-in-notices'].clear();
    this.residents.clear();
    this.sequences.clear();
    this.faults.clear();
  }

  /** Seeds the prefecture view: these codes count as currently registered (demo data). */
  seedRegistered(codes: readonly string[]): void {
    for (const code of codes) {
      const r = this.residents.get(code);
      if (r) r.registered = true;
      else this.residents.set(code, { registered: true });
    }
  }

  acceptIdentityUpdate(u: IdentityUpdate): CsOutcome {
    const kind = CsMessageKind.IDENTITY_UPDATES;
    const dup = this.duplicate(kind, u.idempotencyKey, u);
    if (dup) return dup;
    const served = this.checkServed(u.municipalityCode);
    if (served) return served;
    const id = u.identity;
    const seqKey = `${u.municipalityCode}:${id.residentRecordCode}`;
    const last = this.sequences.get(seqKey) ?? 0;
    if (u.sequenceNumber <= last)
      return reject(409, CsErrorCode.SEQUENCE_OUT_OF_ORDER, `sequenceNumber must be greater than ${last} for this residentRecordCode`);
    const resident = this.residents.get(id.residentRecordCode);
    if (CS_MOVE_IN_CODES.includes(id.changeReason) && resident?.registered)
      return reject(422, CsErrorCode.ALREADY_REGISTERED, 'a move-in update was sent for a resident record code that is currently registered');
    if (id.changeReason === CS_MOVE_WITHIN_CODE && resident?.identity) {
      const prev = resident.identity;
      const changed = FIXED_ON_MOVE_WITHIN.filter(
        (f) => (f !== 'nameKana' || (prev.nameKana !== undefined && id.nameKana !== undefined)) && prev[f] !== id[f],
      );
      if (changed.length)
        return reject(
          422,
          CsErrorCode.MOVE_WITHIN_CHANGES_MORE_THAN_ADDRESS,
          `a move-within update may change only the address; also changed: ${changed.join(', ')}`,
        );
    }
    const ack = this.store(kind, u.idempotencyKey, u);
    this.sequences.set(seqKey, u.sequenceNumber);
    this.residents.set(id.residentRecordCode, {
      registered: csCategoryOf(id.changeReason) !== ChangeCategory.REMOVE,
      identity: { ...id },
    });
    return { status: 201, ack };
  }

  acceptMoveInNotice(n: MoveInNotice): CsOutcome {
    const kind = CsMessageKind.MOVE_IN_NOTICES;
    const dup = this.duplicate(kind, n.idempotencyKey, n);
    if (dup) return dup;
    const served = this.checkServed(n.fromMunicipalityCode);
    if (served) return served;
    if (n.fromMunicipalityCode === n.toMunicipalityCode)
      return reject(422, CsErrorCode.INVALID_MESSAGE, 'toMunicipalityCode must differ from fromMunicipalityCode');
    return { status: 201, ack: this.store(kind, n.idempotencyKey, n) };
  }

  private checkServed(municipalityCode: string): CsOutcome | undefined {
    if (this.municipalities && !this.municipalities.has(municipalityCode))
      return reject(422, CsErrorCode.MUNICIPALITY_NOT_SERVED, 'this CS does not serve the sending municipality');
    return undefined;
  }

  /** Same key + same body → the original ack with duplicate=true; same key + other body → 409. */
  private duplicate(kind: CsMessageKind, key: string, body: unknown): CsOutcome | undefined {
    const hit = this.keys[kind].get(key);
    if (!hit) return undefined;
    if (hit.canonical !== canonicalJson(body))
      return reject(409, CsErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was already used for a different message');
    return { status: 200, ack: { ...hit.ack, duplicate: true } };
  }

  private store(kind: CsMessageKind, key: string, body: IdentityUpdate | MoveInNotice): CsAck {
    const ack: CsAck = { messageId: `CS-${randomUUID()}`, receivedAt: this.now().toISOString(), duplicate: false };
    this.keys[kind].set(key, { canonical: canonicalJson(body), ack });
    (this.received[kind] as Array<ReceivedMessage<unknown>>).push({
      messageId: ack.messageId,
      receivedAt: ack.receivedAt,
      idempotencyKey: key,
      body: structuredClone(body),
    });
    return ack;
  }
}
