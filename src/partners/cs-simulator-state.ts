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
 * Inputs are already schema-validated. Outcomes never echo values from the message. Idempotency, 更新順番号 and
 * faults use the shared simulator pieces (sim/idempotency.ts, sim/faults.ts).
 *
 * Inter-municipality messages (転入通知, 転出証明書情報, 送信依頼, 取消, 附票記載事項通知; domain.md §2.2 I-6 to I-8,
 * I-13) are routed: once a new
 * one is stored, it is queued for the town named by `toMunicipalityCode` (store-and-forward, sim/forwarder.ts) and
 * delivered to the inbound API registered for that code, at `{inboundUrl}/{kind}`. A resend (duplicate) or a refused
 * message is never forwarded. 本人確認情報 updates go to the prefecture and are not forwarded.
 */
import { randomUUID } from 'node:crypto';
import { ChangeCategory } from '../domain/change-reason';
import { CS_MOVE_IN_CODES, CS_MOVE_WITHIN_CODE, csCategoryOf } from './cs-codes';
import {
  CsErrorCode,
  type AddressAnnexNotice,
  type CsAck,
  type IdentityInfo,
  type IdentityUpdate,
  type MoveInNotice,
} from './cs-messages';
import type { CertificateInfoRequest, MoveOutCertificateInfo, MoveOutCertificateWithdrawal } from './cs-move-messages';
import { SimFaults } from './sim/faults';
import { ResidentCodeIssuer, type ResidentCodeIssuerDump } from './cs-resident-codes';
import { StoreAndForward, type ForwarderDump, type ForwarderOptions, type ForwardState } from './sim/forwarder';
import {
  IdempotentInbox,
  SequenceTracker,
  refuse,
  type InboxDump,
  type Received,
  type SimOutcome,
} from './sim/idempotency';
import type { SimLog } from './sim/server';

/** Message kinds; each is also the last segment of its endpoint and of the inbound path it is forwarded to. */
export const CsMessageKind = {
  IDENTITY_UPDATES: 'identity-updates',
  MOVE_IN_NOTICES: 'move-in-notices',
  MOVE_OUT_CERTIFICATES: 'move-out-certificates',
  CERTIFICATE_REQUESTS: 'certificate-requests',
  CERTIFICATE_WITHDRAWALS: 'move-out-certificate-withdrawals',
  ADDRESS_ANNEX_NOTICES: 'address-annex-notices',
} as const;
export type CsMessageKind = (typeof CsMessageKind)[keyof typeof CsMessageKind];

/** The message type of each kind. */
export interface CsMessages {
  'identity-updates': IdentityUpdate;
  'move-in-notices': MoveInNotice;
  'move-out-certificates': MoveOutCertificateInfo;
  'certificate-requests': CertificateInfoRequest;
  'move-out-certificate-withdrawals': MoveOutCertificateWithdrawal;
  'address-annex-notices': AddressAnnexNotice;
}

/** Kinds addressed to another municipality (`toMunicipalityCode`) and forwarded to it. */
export type RoutedKind = Exclude<CsMessageKind, 'identity-updates'>;
export const ROUTED_KINDS: readonly RoutedKind[] = [
  CsMessageKind.MOVE_IN_NOTICES,
  CsMessageKind.MOVE_OUT_CERTIFICATES,
  CsMessageKind.CERTIFICATE_REQUESTS,
  CsMessageKind.CERTIFICATE_WITHDRAWALS,
  CsMessageKind.ADDRESS_ANNEX_NOTICES,
];

/** { messageId, receivedAt, idempotencyKey, body }. */
export type ReceivedMessage<T> = Received<T, CsAck>;
/** What `_admin/received` lists: routed kinds add their forwarding state. */
export type ReceivedView<T> = ReceivedMessage<T> & { forward?: ForwardState };

export interface CsSimulatorStateOptions {
  /** Municipality codes this CS serves; when given, messages from other senders are refused (422). */
  municipalities?: readonly string[];
  /** Retry timing of the forwarding to the towns (tests shorten it). */
  forwarding?: ForwarderOptions;
  /** Forwarding log lines (path, destination, message ID, status). */
  log?: SimLog;
}

export interface PrefectureResident {
  registered: boolean;
  /** Latest accepted 本人確認情報; absent for codes only seeded as registered. */
  identity?: IdentityInfo;
}

export type CsOutcome = SimOutcome<CsAck>;

export interface CsSnapshot {
  inbox: { [K in CsMessageKind]: InboxDump<CsMessages[K], CsAck> };
  residents: Array<[string, PrefectureResident]>;
  sequences: Array<[string, number]>;
  residentCodes: ResidentCodeIssuerDump;
  forwarding: ForwarderDump;
}

/** Items besides the address that a 転居 must not change. */
const FIXED_ON_MOVE_WITHIN = ['name', 'nameKana', 'birthDate', 'sex', 'individualNumber'] as const;

export class CsSimulatorState {
  private readonly inbox: { [K in CsMessageKind]: IdempotentInbox<CsMessages[K], CsAck> } = {
    'identity-updates': new IdempotentInbox(),
    'move-in-notices': new IdempotentInbox(),
    'move-out-certificates': new IdempotentInbox(),
    'certificate-requests': new IdempotentInbox(),
    'move-out-certificate-withdrawals': new IdempotentInbox(),
    'address-annex-notices': new IdempotentInbox(),
  };
  /** Accepted messages per kind, in arrival order (the arrays are cleared in place by reset()). */
  readonly received: { [K in CsMessageKind]: Array<ReceivedMessage<CsMessages[K]>> } = {
    'identity-updates': this.inbox['identity-updates'].items,
    'move-in-notices': this.inbox['move-in-notices'].items,
    'move-out-certificates': this.inbox['move-out-certificates'].items,
    'certificate-requests': this.inbox['certificate-requests'].items,
    'move-out-certificate-withdrawals': this.inbox['move-out-certificate-withdrawals'].items,
    'address-annex-notices': this.inbox['address-annex-notices'].items,
  };
  readonly residents = new Map<string, PrefectureResident>();
  /** Last accepted 更新順番号 by `${municipalityCode}:${residentRecordCode}`. */
  readonly sequences = new SequenceTracker();
  readonly faults: SimFaults;
  /** 住民票コード batches handed out (cs-resident-codes.ts). */
  readonly residentCodes: ResidentCodeIssuer;
  /** Routes to the towns' inbound APIs and the store-and-forward queues. */
  readonly forwarding: StoreAndForward;
  private readonly municipalities: ReadonlySet<string> | undefined;

  constructor(
    opts: CsSimulatorStateOptions = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.municipalities = opts.municipalities && new Set(opts.municipalities);
    this.faults = new SimFaults(now);
    this.residentCodes = new ResidentCodeIssuer(now);
    this.forwarding = new StoreAndForward(opts.forwarding, opts.log, now);
  }

  /** Clears messages, keys, prefecture state, faults, routes and forwarding queues (as if just started). */
  reset(): void {
    for (const inbox of Object.values(this.inbox)) inbox.clear();
    this.residents.clear();
    this.sequences.clear();
    this.faults.clear();
    this.forwarding.clear();
  }

  /** What this CS remembers, as JSON (sim/state-file.ts): messages, keys, the prefecture view, codes, forwarding. */
  snapshot(): CsSnapshot {
    return {
      inbox: Object.fromEntries(Object.entries(this.inbox).map(([k, v]) => [k, v.dump()])) as CsSnapshot['inbox'],
      residents: [...this.residents],
      sequences: this.sequences.dump(),
      residentCodes: this.residentCodes.dump(),
      forwarding: this.forwarding.dump(),
    };
  }

  /** Replaces the state with a snapshot (faults are not remembered); waiting messages are then forwarded. */
  restore(snapshot: unknown): void {
    const s = snapshot as CsSnapshot;
    for (const [kind, d] of Object.entries(s.inbox)) this.inbox[kind as CsMessageKind]?.load(d as never);
    this.residents.clear();
    for (const [k, v] of s.residents) this.residents.set(k, v);
    this.sequences.load(s.sequences);
    this.residentCodes.load(s.residentCodes);
    this.forwarding.load(s.forwarding);
  }

  /** Stops forwarding (timers, requests in flight). The state stays readable. */
  close(): void {
    this.forwarding.close();
  }

  /** The accepted messages of `kind`, routed kinds with their forwarding state. */
  receivedView<K extends CsMessageKind>(kind: K): Array<ReceivedView<CsMessages[K]>> {
    const items: Array<ReceivedMessage<CsMessages[K]>> = this.received[kind];
    if (kind === CsMessageKind.IDENTITY_UPDATES) return items;
    return items.map((m) => {
      const forward = this.forwarding.stateOf(m.messageId);
      return forward ? { ...m, forward } : m;
    });
  }

  /** Registers (or replaces) the inbound API of a town; messages waiting for it are then delivered. True when new. */
  registerRoute(municipalityCode: string, inboundUrl: string, token: string, senderToken?: string): boolean {
    return this.forwarding.setRoute(municipalityCode, { baseUrl: inboundUrl, token, senderToken });
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
    const inbox = this.inbox['identity-updates'];
    const dup = inbox.replay(u.idempotencyKey, u);
    if (dup) return dup;
    const served = this.checkServed(u.municipalityCode);
    if (served) return served;
    const id = u.identity;
    const seqKey = `${u.municipalityCode}:${id.residentRecordCode}`;
    const outOfOrder = this.sequences.check(seqKey, u.sequenceNumber);
    if (outOfOrder) return outOfOrder;
    const resident = this.residents.get(id.residentRecordCode);
    if (CS_MOVE_IN_CODES.includes(id.changeReason) && resident?.registered)
      return refuse(
        422,
        CsErrorCode.ALREADY_REGISTERED,
        'a move-in update was sent for a resident record code that is currently registered',
      );
    if (id.changeReason === CS_MOVE_WITHIN_CODE && resident?.identity) {
      const prev = resident.identity;
      const changed = FIXED_ON_MOVE_WITHIN.filter(
        (f) => (f !== 'nameKana' || (prev.nameKana !== undefined && id.nameKana !== undefined)) && prev[f] !== id[f],
      );
      if (changed.length)
        return refuse(
          422,
          CsErrorCode.MOVE_WITHIN_CHANGES_MORE_THAN_ADDRESS,
          `a move-within update may change only the address; also changed: ${changed.join(', ')}`,
        );
    }
    const accepted = inbox.store(u.idempotencyKey, u, this.ack());
    this.sequences.commit(seqKey, u.sequenceNumber);
    this.residents.set(id.residentRecordCode, {
      registered: csCategoryOf(id.changeReason) !== ChangeCategory.REMOVE,
      identity: { ...id },
    });
    return accepted;
  }

  acceptMoveInNotice(n: MoveInNotice): CsOutcome {
    return this.acceptRouted(CsMessageKind.MOVE_IN_NOTICES, n);
  }

  acceptMoveOutCertificateInfo(m: MoveOutCertificateInfo): CsOutcome {
    return this.acceptRouted(CsMessageKind.MOVE_OUT_CERTIFICATES, m);
  }

  acceptCertificateInfoRequest(m: CertificateInfoRequest): CsOutcome {
    return this.acceptRouted(CsMessageKind.CERTIFICATE_REQUESTS, m);
  }

  acceptCertificateWithdrawal(m: MoveOutCertificateWithdrawal): CsOutcome {
    return this.acceptRouted(CsMessageKind.CERTIFICATE_WITHDRAWALS, m);
  }

  /** 戸籍の附票記載事項通知: routed to the 本籍地; kept here (undeliverable) while that town has no route. */
  acceptAddressAnnexNotice(n: AddressAnnexNotice): CsOutcome {
    return this.acceptRouted(CsMessageKind.ADDRESS_ANNEX_NOTICES, n);
  }

  /** Resend check, sender served, sender ≠ addressee; then store and queue for the addressee. */
  private acceptRouted<K extends RoutedKind>(kind: K, m: CsMessages[K]): CsOutcome {
    const inbox = this.inbox[kind] as IdempotentInbox<CsMessages[RoutedKind], CsAck>;
    const dup = inbox.replay(m.idempotencyKey, m);
    if (dup) return dup;
    const served = this.checkServed(m.fromMunicipalityCode);
    if (served) return served;
    if (m.fromMunicipalityCode === m.toMunicipalityCode)
      return refuse(422, CsErrorCode.INVALID_MESSAGE, 'toMunicipalityCode must differ from fromMunicipalityCode');
    const out = inbox.store(m.idempotencyKey, m, this.ack());
    if ('ack' in out)
      this.forwarding.enqueue({
        id: out.ack.messageId,
        destination: m.toMunicipalityCode,
        path: `/${kind}`,
        idempotencyKey: m.idempotencyKey,
        body: m,
        token: this.forwarding.senderTokenOf(m.fromMunicipalityCode),
      });
    return out;
  }

  private checkServed(municipalityCode: string): CsOutcome | undefined {
    if (this.municipalities && !this.municipalities.has(municipalityCode))
      return refuse(422, CsErrorCode.MUNICIPALITY_NOT_SERVED, 'this CS does not serve the sending municipality');
    return undefined;
  }

  private ack(): CsAck {
    return { messageId: `CS-${randomUUID()}`, receivedAt: this.now().toISOString(), duplicate: false };
  }
}
