import { randomUUID } from 'node:crypto';
import {
  DeadlockException,
  IsolationLevel,
  UniqueConstraintViolationException,
  type EntityManager,
  type MikroORM,
} from '@mikro-orm/core';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { SchemaObject } from 'ajv';
import type { AppConfig } from '../config';
import { compileSchema } from '../domain/ajv';
import { CaseAction } from '../domain/case-status';
import { isFinalStatus } from '../domain/procedure-definition';
import { ChangeReason } from '../domain/change-reason';
import { jstDate } from '../domain/dates';
import { heldCertificatePurgeAt } from '../domain/move-deadlines';
import { ResidentStatus } from '../domain/registry-values';
import { audit, SYSTEM_ACTOR } from '../db/audit-writer';
import {
  AddressAnnexNoticeRecord,
  AnnexNoticeDirection,
  AuditAction,
  CaseActionLog,
  CaseApplication,
  CaseRecord,
  HeldCertificateState,
  ResidentHistory,
  HeldMoveOutCertificate,
  InboundKind,
  InboundMessage,
  OutboxKind,
  OutboxMessage,
  Resident,
} from '../db/entities';
import type { PiiCrypto } from '../db/pii-crypto';
import { closePurgedHeldCase, erasePersonalData } from '../db/registry-lookup';
import {
  AddressAnnexNoticeSchema,
  MoveInNoticeSchema,
  type AddressAnnexNotice,
  type MoveInNotice,
} from '../partners/cs-messages';
import {
  CertificateInfoRequestSchema,
  MoveOutCertificateInfoSchema,
  MoveOutCertificateWithdrawalSchema,
  type CertificateInfoRequest,
  type MoveOutCertificateInfo,
  type MoveOutCertificateWithdrawal,
} from '../partners/cs-move-messages';
import { heldCertificateDefinition, HeldCertificateStatus } from '../procedures/held-certificate/definition';
import {
  certificateUpdatedSignal,
  heldCertificateWorkflow,
  heldCertificateWorkflowId,
} from '../procedures/held-certificate/workflow';
import { ensureHeldCertificateSweep } from '../procedures/held-certificate/sweep-start';
import { moveOutDefinition } from '../procedures/move-out/definition';
import { certificateInfoRequestSignal, moveInNoticeSignal, moveOutWorkflow } from '../procedures/move-out/workflow';
import { onlineMoveOutDefinition } from '../procedures/online-move-out/definition';
import { onlineMoveOutWorkflow } from '../procedures/online-move-out/workflow';
import { specialMoveInDefinition, SpecialMoveInStatus } from '../procedures/special-move-in/definition';
import {
  certificateArrivedSignal,
  certificateWithdrawnSignal,
  specialMoveInWorkflowId,
} from '../procedures/special-move-in/workflow';
import { ApiError } from './errors';
import { auditPartnerRefusal, partnerSenderOf, type Sender } from './partner-auth';

export interface CsInboundDeps {
  orm: MikroORM;
  pii: PiiCrypto;
  temporal: Client;
  config: Pick<AppConfig, 'municipalityCode' | 'csInboundCredentials' | 'taskQueue' | 'timings' | 'deadlines'>;
}

type Addressed = { toMunicipalityCode: string; fromMunicipalityCode: string; idempotencyKey: string };

/**
 * Messages from other towns, delivered by the CS (domain.md §4.5, §4.6, §4.2 step 3): authenticated by the CS's
 * token, validated, de-duplicated by the sender's idempotency key, stored (encrypted) and handed to workflows by
 * signal(-with-start) carrying only the stored row's ID. A repeat delivery is answered 200, stores nothing more and
 * signals the workflows again (the first signal may have been lost between the commit and the signal); the workflows
 * handle a message once.
 */
export function csInboundRouter(deps: CsInboundDeps): Router {
  const r = Router();
  const inbound = createCsInbound(deps);
  // the credential first (each sending town has its own); the body is read and parsed only after it
  r.use(async (req: Request, res: Response, next: NextFunction) => {
    const sender = partnerSenderOf(deps.config.csInboundCredentials, req.get('authorization'));
    if (!sender) {
      await auditPartnerRefusal(deps.orm, req, 'cs-inbound', { reason: 'UNAUTHORIZED' });
      throw new ApiError(401, 'UNAUTHORIZED', 'CS の認証に失敗しました');
    }
    res.locals.csSender = sender;
    next();
  });
  r.use(express.json({ limit: '64kb' }));
  const handle =
    (fn: (body: unknown, sender: Sender) => Promise<InboundResult>) => async (req: Request, res: Response) => {
      try {
        const result = await fn(req.body, res.locals.csSender as Sender);
        res.status(result.duplicate ? 200 : 202).json(result);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'SENDER_MISMATCH')
          await auditPartnerRefusal(deps.orm, req, 'cs-inbound', {
            reason: e.code,
            credentialOf: res.locals.csSender as Sender,
            claimedSender: (req.body as { fromMunicipalityCode?: unknown })?.fromMunicipalityCode
              ?.toString()
              .slice(0, 8),
          });
        throw e;
      }
    };
  r.post('/move-in-notices', handle(inbound.moveInNotice));
  r.post('/certificate-requests', handle(inbound.certificateRequest));
  r.post('/move-out-certificates', handle(inbound.moveOutCertificate));
  r.post('/move-out-certificate-withdrawals', handle(inbound.certificateWithdrawal));
  r.post('/address-annex-notices', handle(inbound.addressAnnexNotice));
  return r;
}

export interface InboundResult {
  duplicate: boolean;
  status: InboundMessage['status'];
  inboundId: number;
}

type Stored = Pick<InboundMessage, 'status' | 'caseId' | 'matchKey' | 'matchUntil'>;
type Signals<T> = (msg: T, stored: { inboundId: number; caseId: string }) => Promise<void>;

/** The handling of each inbound message kind (used by the router, and by workflow tests without HTTP). */
export function createCsInbound(deps: CsInboundDeps) {
  const { temporal } = deps;
  const taskQueue = deps.config.taskQueue;
  const timings = deps.config.timings;

  /**
   * A message kind: `store` writes what the message means in the registry (in the transaction that stores the
   * message); `signals` tells the workflows, after the commit, from the stored state — also for a repeat delivery.
   */
  const receive = <T extends Addressed>(
    kind: InboundKind,
    schema: SchemaObject,
    store: (em: EntityManager, msg: T, inboundId: number) => Promise<Stored>,
    signals: Signals<T>,
    opts: { keepBody: boolean; serializable?: boolean } = { keepBody: true },
  ) => {
    // A 転出証明書情報 and its 取消 look for each other: on MySQL/MariaDB (REPEATABLE READ) two stored at the same
    // instant each missed the other's uncommitted row, leaving the certificate held. SERIALIZABLE makes each look a
    // locking read, so one waits for the other or both deadlock and one is run again (SQLite serialises writers).
    const isolation = opts.serializable ? { isolationLevel: IsolationLevel.SERIALIZABLE } : {};
    const validate = compileSchema<T>(schema);
    return async (body: unknown, sender: Sender = '*'): Promise<InboundResult> => {
      const v = validate(body);
      if (!v.ok) throw new ApiError(400, 'INVALID_MESSAGE', 'メッセージの形式が正しくありません', v.errors);
      const msg = v.value;
      // the sender named in the message must be the one whose credential was presented (issue 13 item 4)
      if (sender !== '*' && msg.fromMunicipalityCode !== sender)
        throw new ApiError(403, 'SENDER_MISMATCH', '送信元の市区町村コードが認証情報と一致しません');
      if (msg.toMunicipalityCode !== deps.config.municipalityCode)
        throw new ApiError(422, 'NOT_ADDRESSED_HERE', 'この市区町村宛てのメッセージではありません');
      const duplicateOf = (seen: InboundMessage) => ({
        result: { duplicate: true, status: seen.status, inboundId: seen.id } as InboundResult,
        caseId: seen.caseId,
      });
      const storeOnce = () =>
        deps.orm.em.fork().transactional(async (em) => {
          const seen = await em.findOne(InboundMessage, { idempotencyKey: msg.idempotencyKey });
          if (seen) return duplicateOf(seen);
          const row = em.create(InboundMessage, {
            kind,
            idempotencyKey: msg.idempotencyKey,
            fromMunicipalityCode: msg.fromMunicipalityCode,
            // only the kinds a workflow reads later keep their body; the key alone keeps the dedupe
            bodyEnc: opts.keepBody ? deps.pii.encrypt(JSON.stringify(msg)) : undefined,
            status: 'ACCEPTED',
            receivedAt: new Date(),
          });
          await em.persist(row).flush();
          const stored = await store(em, msg, row.id);
          Object.assign(row, {
            status: stored.status,
            caseId: stored.caseId,
            matchKey: stored.matchKey,
            matchUntil: stored.matchUntil,
          });
          audit(em, {
            ...SYSTEM_ACTOR,
            action: AuditAction.BATCH,
            function: `cs-inbound ${kind}`,
            caseId: stored.caseId,
            detail: { inboundId: row.id, status: stored.status },
          });
          await em.flush();
          return {
            result: { duplicate: false, status: stored.status, inboundId: row.id } as InboundResult,
            caseId: stored.caseId,
          };
        }, isolation);
      const storeRetried = async (attempt = 1): Promise<Awaited<ReturnType<typeof storeOnce>>> =>
        storeOnce().catch((e: unknown) => {
          if (isDeadlock(e) && attempt < 5) return storeRetried(attempt + 1);
          throw e;
        });
      const { result, caseId } = await storeRetried().catch(async (e: unknown) => {
        // the same message delivered twice at once (a CS retry while the first is still being stored): the second
        // insert hits the unique key after the first committed; it is a duplicate like any later one (issue 15)
        if (!(e instanceof UniqueConstraintViolationException)) throw e;
        const seen = await deps.orm.em.fork().findOne(InboundMessage, { idempotencyKey: msg.idempotencyKey });
        if (!seen) throw e;
        return duplicateOf(seen);
      });
      // signals go out after the commit, so a workflow never sees an uncommitted row
      if (result.status === 'ACCEPTED' && caseId) await signals(msg, { inboundId: result.inboundId, caseId });
      return result;
    };
  };

  /**
   * The move-out case of a 転出予定者 / 除票 by 住民票コード (domain.md §4.6 step 1): the case that recorded the person's
   * latest 転出 in the history (not merely a case naming the person: a rejected or cancelled one may too).
   */
  const moveOutCaseOf = async (em: EntityManager, residentRecordCode: string) => {
    const resident = await em.findOne(Resident, {
      residentRecordCode,
      status: { $in: [ResidentStatus.PENDING_MOVE_OUT, ResidentStatus.REMOVED] },
    });
    if (!resident) return undefined;
    const moved = await em.findOne(
      ResidentHistory,
      {
        addresseeNumber: resident.addresseeNumber,
        changeReason: { $in: [ChangeReason.DOMESTIC_MOVE_OUT, ChangeReason.MOVE_OUT_ABROAD] },
      },
      { orderBy: { historyNumber: 'desc' } },
    );
    return moved?.caseId ? ((await em.findOne(CaseRecord, { caseId: moved.caseId })) ?? undefined) : undefined;
  };
  const caseRow = (caseId: string) => deps.orm.em.fork().findOneOrFail(CaseRecord, { caseId });

  /**
   * Whether the 転出 of this case was declared to `sender` (the 転出先 code stored with the application): a 転入通知 or
   * 送信依頼 about the person is believed only from that town (issue 13 item 4); from any other it is FLAGGED.
   */
  const declaredTo = async (em: EntityManager, caseId: string, sender: string) => {
    const app = await em.findOne(CaseApplication, { caseId });
    const destination = (app?.payload as { destination?: { municipalityCode?: string } } | undefined)?.destination;
    return destination?.municipalityCode === sender;
  };

  /** The 特例転入 waiting, after its 送信依頼, for this person's 転出証明書情報 from that origin (the latest asker). */
  const waitingSpecialMoveIn = async (em: EntityManager, origin: string, residentRecordCode: string) => {
    const asked = await em.find(
      OutboxMessage,
      { kind: OutboxKind.CERTIFICATE_INFO_REQUEST, residentRecordCode },
      { orderBy: { id: 'desc' } },
    );
    for (const caseId of new Set(asked.map((o) => o.caseId))) {
      const c = await em.findOne(CaseRecord, { caseId });
      if (c?.procedure !== specialMoveInDefinition.code || c.status !== SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO)
        continue;
      const app = await em.findOne(CaseApplication, { caseId });
      if ((app?.payload as { originMunicipalityCode?: string } | undefined)?.originMunicipalityCode === origin)
        return caseId;
    }
    return undefined;
  };

  const moveInNotice = receive<MoveInNotice>(
    InboundKind.MOVE_IN_NOTICE,
    MoveInNoticeSchema,
    async (em, msg) => {
      const c = await moveOutCaseOf(em, msg.notice.residentRecordCode);
      if (!c) return { status: 'UNMATCHED' }; // 転入通知情報取込エラー: listed for staff
      // from a town the person did not move to: kept for staff, never a 除票 (domain spec §4.6 step 1)
      if (!(await declaredTo(em, c.caseId, msg.fromMunicipalityCode))) return { status: 'FLAGGED', caseId: c.caseId };
      return { status: 'ACCEPTED', caseId: c.caseId };
    },
    async (_msg, { inboundId, caseId }) => {
      // the case's own workflow (counter or online 転出); after it has closed, a short one records the notice
      const c = await caseRow(caseId);
      const start = {
        workflowId: c.workflowId,
        taskQueue,
        signal: moveInNoticeSignal,
        signalArgs: [{ inboundId }] as [{ inboundId: number }],
      };
      if (c.procedure === onlineMoveOutDefinition.code) {
        await temporal.workflow.signalWithStart(onlineMoveOutWorkflow, {
          ...start,
          args: [{ caseId: c.caseId, applicationId: '', reviewBlockedBy: [], mode: 'noticeOnly', timings }],
        });
      } else {
        await temporal.workflow.signalWithStart(moveOutWorkflow, {
          ...start,
          args: [{ caseId: c.caseId, enteredBy: 'system', mode: 'noticeOnly', timings }],
        });
      }
    },
  );

  const certificateRequest = receive<CertificateInfoRequest>(
    InboundKind.CERTIFICATE_INFO_REQUEST,
    CertificateInfoRequestSchema,
    async (em, msg) => {
      const c = await moveOutCaseOf(em, msg.request.residentRecordCode);
      const definition = c?.procedure === onlineMoveOutDefinition.code ? onlineMoveOutDefinition : moveOutDefinition;
      if (!c || isFinalStatus(definition, c.status)) return { status: 'UNMATCHED' };
      // the 転出証明書情報 (with the 個人番号) goes only to the declared 転出先 (domain spec §4.5)
      if (!(await declaredTo(em, c.caseId, msg.fromMunicipalityCode))) return { status: 'FLAGGED', caseId: c.caseId };
      return { status: 'ACCEPTED', caseId: c.caseId };
    },
    async (_msg, { inboundId, caseId }) =>
      signalIfRunning(temporal, (await caseRow(caseId)).workflowId, certificateInfoRequestSignal, { inboundId }),
  );

  const moveOutCertificate = receive<MoveOutCertificateInfo>(
    InboundKind.MOVE_OUT_CERTIFICATE_INFO,
    MoveOutCertificateInfoSchema,
    async (em, msg) => {
      const cert = msg.certificate;
      const purgeAt = heldCertificatePurgeAt(cert.plannedMoveOutDate, deps.config.deadlines);
      let held = await em.findOne(HeldMoveOutCertificate, {
        originMunicipalityCode: msg.fromMunicipalityCode,
        residentRecordCode: cert.residentRecordCode,
        state: { $in: [HeldCertificateState.HELD, HeldCertificateState.IN_USE] },
      });
      const payloadEnc = deps.pii.encrypt(JSON.stringify(msg));
      if (held) {
        // a newer message replaces the held one; its workflow projects the new deadline and 来庁予定日
        Object.assign(held, {
          messageId: msg.idempotencyKey,
          payloadEnc,
          plannedMoveOutDate: cert.plannedMoveOutDate,
          plannedVisitDate: cert.plannedVisitDate,
          purgeAt,
          replacedCount: held.replacedCount + 1,
        });
        // the case row's deadline and 来庁予定日 (a held row the sweep purges has no workflow to project them)
        const row = await em.findOne(CaseRecord, { caseId: held.heldId });
        if (row) Object.assign(row, { dueAt: purgeAt, plannedVisitDate: cert.plannedVisitDate, updatedAt: new Date() });
      } else {
        // an answer to a 送信依頼 already past its purge time goes straight to the waiting 特例転入 (reserved), so the
        // purge waits for that case, which sees "too late → paper path" once instead of losing the row and asking again
        const late = purgeAt.getTime() <= Date.now();
        const waitingCase = late
          ? await waitingSpecialMoveIn(em, msg.fromMunicipalityCode, cert.residentRecordCode)
          : undefined;
        const heldId = `${heldCertificateDefinition.idPrefix}-${jstDate(new Date()).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`;
        held = storeHeldCertificate(em, msg, { heldId, payloadEnc, purgeAt, waitingCase });
      }
      await withdrawIfWithdrawnBefore(em, held, msg);
      return { status: 'ACCEPTED', caseId: held.heldId };
    },
    async (msg, { caseId: heldId }) => {
      const row = await deps.orm.em.fork().findOneOrFail(HeldMoveOutCertificate, { heldId });
      if (row.state === HeldCertificateState.PURGED && row.withdrawnAt) {
        // its 取消 came first: purged on arrival, as the 取消 would have purged it (nothing left to run)
      } else if (row.state === HeldCertificateState.HELD && row.purgeAt && row.purgeAt.getTime() > Date.now()) {
        // held for later: the sweep purges it (issue 15); a workflow of it exists only if a 特例転入 woke one
        await signalIfRunning(temporal, heldCertificateWorkflowId(heldId), certificateUpdatedSignal);
        await ensureHeldCertificateSweep(temporal, { taskQueue, timings });
      } else {
        // already due (purged at once) or reserved by a waiting 特例転入: its own workflow
        await temporal.workflow.signalWithStart(heldCertificateWorkflow, {
          workflowId: heldCertificateWorkflowId(heldId),
          taskQueue,
          signal: certificateUpdatedSignal,
          signalArgs: [],
          args: [{ heldId, timings }],
        });
      }
      const waiting = await deps.orm.em.fork().find(OutboxMessage, {
        kind: OutboxKind.CERTIFICATE_INFO_REQUEST,
        residentRecordCode: msg.certificate.residentRecordCode,
      });
      const waitingCases = [...new Set(waiting.map((w) => w.caseId))];
      // arrived already withdrawn (its 取消 came first): the cases still waiting for it learn it before the arrival,
      // and end on the paper path instead of asking again (a case replaying older code takes only the arrival)
      if (row.withdrawnAt && waitingCases.length) {
        const stillWaiting = await deps.orm.em.fork().find(CaseRecord, {
          caseId: { $in: waitingCases },
          status: SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO,
        });
        for (const { caseId } of stillWaiting)
          await signalIfRunning(temporal, specialMoveInWorkflowId(caseId), certificateWithdrawnSignal, { heldId });
      }
      for (const caseId of waitingCases)
        await signalIfRunning(temporal, specialMoveInWorkflowId(caseId), certificateArrivedSignal, { heldId });
      if (row.withdrawnAt) await withdrawalSignals(heldId); // reserved on arrival by a waiting 特例転入, then withdrawn
    },
    // the certificate lives in the held row only, so that its purge erases the one copy (domain spec §4.5)
    { keepBody: false, serializable: true },
  );

  /**
   * The withdrawal names the certificate it withdraws: the origin's mover group (its 転出 case) and planned date, as
   * in the 転出証明書情報. Matching on origin + 住民票コード alone would let the late withdrawal of a cancelled 転出
   * erase the certificate of a later 転出 of the same person (a newer message replaces the held one).
   */
  const withdraws = (held: HeldMoveOutCertificate, w: MoveOutCertificateWithdrawal['withdrawal']) => {
    if (!held.payloadEnc || held.plannedMoveOutDate !== w.plannedMoveOutDate) return false;
    const cert = (JSON.parse(deps.pii.decrypt(held.payloadEnc)) as MoveOutCertificateInfo).certificate;
    return cert.moverGroupId === w.moverGroupId;
  };

  /**
   * What a withdrawal names, as a blind index (HMAC, no personal data): kept on a withdrawal that matched nothing, so
   * that the certificate arriving after it (the CS does not keep the order of messages between towns) is withdrawn
   * on arrival.
   */
  const withdrawalKey = (origin: string, w: MoveOutCertificateWithdrawal['withdrawal']) =>
    deps.pii.blindIndex(
      JSON.stringify(['withdrawal', origin, w.residentRecordCode, w.moverGroupId, w.plannedMoveOutDate]),
    );

  /**
   * The withdrawal of a held certificate, in the receiving transaction: a HELD one is purged at once (personal data
   * deleted, the stub kept, the case row 消去済み); one IN_USE by a 特例転入 is marked withdrawn (its case is told).
   */
  const withdraw = async (em: EntityManager, held: HeldMoveOutCertificate) => {
    const now = new Date();
    if (held.state === HeldCertificateState.HELD) {
      erasePersonalData(held, now, { withdrawnAt: now });
      const row = await em.findOne(CaseRecord, { caseId: held.heldId });
      if (row) closePurgedHeldCase(row, now);
      em.persist(
        em.create(CaseActionLog, {
          caseId: held.heldId,
          action: CaseAction.PURGED,
          actorId: 'system',
          detail: { messageId: held.messageId, origin: held.originMunicipalityCode, withdrawn: true },
          at: now,
        }),
      );
    } else {
      held.withdrawnAt = now;
    }
  };

  /**
   * A certificate arriving after its own 取消 (stored UNMATCHED with its key): withdrawn now, exactly as the 取消 would
   * have withdrawn it, and the 取消 recorded as matched (ACCEPTED, the held case) with its audit row. Once only: the
   * matched 取消 loses its key.
   */
  const withdrawIfWithdrawnBefore = async (
    em: EntityManager,
    held: HeldMoveOutCertificate,
    msg: MoveOutCertificateInfo,
  ) => {
    const cert = msg.certificate;
    const earlier = await em.findOne(
      InboundMessage,
      {
        kind: InboundKind.MOVE_OUT_CERTIFICATE_WITHDRAWAL,
        status: 'UNMATCHED',
        matchKey: withdrawalKey(msg.fromMunicipalityCode, cert),
      },
      { orderBy: { id: 'asc' } },
    );
    if (!earlier) return;
    await em.flush(); // the new held row and its case row first
    await withdraw(em, held);
    Object.assign(earlier, { status: 'ACCEPTED', caseId: held.heldId, matchKey: undefined, matchUntil: undefined });
    audit(em, {
      ...SYSTEM_ACTOR,
      action: AuditAction.BATCH,
      function: `cs-inbound ${InboundKind.MOVE_OUT_CERTIFICATE_WITHDRAWAL}`,
      caseId: held.heldId,
      detail: { inboundId: earlier.id, status: 'ACCEPTED', matchedLate: true },
    });
  };

  /** After a withdrawal's commit: the held certificate's workflow, if it runs, and the 特例転入 using it. */
  const withdrawalSignals = async (heldId: string) => {
    await signalIfRunning(temporal, heldCertificateWorkflowId(heldId), certificateUpdatedSignal);
    const held = await deps.orm.em.fork().findOne(HeldMoveOutCertificate, { heldId });
    if (held?.usedByCaseId && held.state === HeldCertificateState.IN_USE)
      await signalIfRunning(temporal, specialMoveInWorkflowId(held.usedByCaseId), certificateWithdrawnSignal, {
        heldId,
      });
  };

  /**
   * 転出証明書情報の取消 (the origin cancelled the 転出): a held certificate is purged at once (personal data deleted,
   * the stub kept); one in use by a 特例転入 is marked withdrawn and that case is told (its workflow ends it on the
   * paper path, and its release purges the certificate); a used one (the person has moved in) cannot be withdrawn and
   * is listed as UNMATCHED for staff, as is a withdrawal of another certificate than the one held. An UNMATCHED one
   * keeps the blind index of what it names: its certificate arriving later is withdrawn on arrival.
   */
  const certificateWithdrawal = receive<MoveOutCertificateWithdrawal>(
    InboundKind.MOVE_OUT_CERTIFICATE_WITHDRAWAL,
    MoveOutCertificateWithdrawalSchema,
    async (em, msg) => {
      const candidates = await em.find(HeldMoveOutCertificate, {
        originMunicipalityCode: msg.fromMunicipalityCode,
        residentRecordCode: msg.withdrawal.residentRecordCode,
        state: { $in: [HeldCertificateState.HELD, HeldCertificateState.IN_USE] },
      });
      const held = candidates.find((h) => withdraws(h, msg.withdrawal));
      if (!held)
        return {
          status: 'UNMATCHED',
          matchKey: withdrawalKey(msg.fromMunicipalityCode, msg.withdrawal),
          // kept while its certificate could still be held: until that certificate's purge instant
          matchUntil: heldCertificatePurgeAt(msg.withdrawal.plannedMoveOutDate, deps.config.deadlines),
        };
      await withdraw(em, held);
      return { status: 'ACCEPTED', caseId: held.heldId };
    },
    async (_msg, { caseId: heldId }) => withdrawalSignals(heldId),
    // it names a 住民票コード; handled in its transaction, only a blind index of it is kept (see withdrawalKey)
    { keepBody: false, serializable: true },
  );

  /**
   * 戸籍の附票記載事項通知 (住基法第19条): we are the 本籍地. Kept (encrypted) in address_annex_notice for the city's
   * 戸籍 system, which updates the 附票; no workflow is involved.
   */
  const addressAnnexNotice = receive<AddressAnnexNotice>(
    InboundKind.ADDRESS_ANNEX_NOTICE,
    AddressAnnexNoticeSchema,
    async (em, msg) => {
      em.persist(
        em.create(AddressAnnexNoticeRecord, {
          messageId: msg.idempotencyKey,
          direction: AnnexNoticeDirection.RECEIVED,
          fromMunicipalityCode: msg.fromMunicipalityCode,
          residentRecordCode: msg.notice.residentRecordCode,
          event: msg.notice.event,
          bodyEnc: deps.pii.encrypt(JSON.stringify(msg.notice)),
          receivedAt: new Date(),
        }),
      );
      return { status: 'ACCEPTED' };
    },
    async () => undefined,
  );
  return { moveInNotice, certificateRequest, moveOutCertificate, certificateWithdrawal, addressAnnexNotice };
}

/** A deadlock the database broke by rolling this transaction back (MikroORM's exception, or the driver's own error). */
function isDeadlock(e: unknown): boolean {
  for (let c: unknown = e, i = 0; c instanceof Error && i < 4; c = c.cause, i++)
    if (c instanceof DeadlockException || (c as { code?: string }).code === 'ER_LOCK_DEADLOCK') return true;
  return false;
}

async function signalIfRunning<A extends unknown[]>(
  client: Client,
  workflowId: string,
  signal: import('@temporalio/workflow').SignalDefinition<A>,
  ...args: A
) {
  try {
    await client.workflow.getHandle(workflowId).signal(signal, ...args);
  } catch (e) {
    if (!(e instanceof WorkflowNotFoundError)) throw e;
  }
}

/**
 * A received 転出証明書情報 as the registry holds it (domain spec §4.5): the encrypted row and its case row (the held
 * certificate's line in the queues), both persisted in `em`'s transaction. The sweep purges it when due (issue 15).
 * `waitingCase`: a waiting 特例転入 the late answer is reserved for at once.
 */
export function storeHeldCertificate(
  em: EntityManager,
  msg: MoveOutCertificateInfo,
  at: { heldId: string; payloadEnc: string; purgeAt: Date; waitingCase?: string },
): HeldMoveOutCertificate {
  const cert = msg.certificate;
  const held = em.create(HeldMoveOutCertificate, {
    heldId: at.heldId,
    originMunicipalityCode: msg.fromMunicipalityCode,
    messageId: msg.idempotencyKey,
    residentRecordCode: cert.residentRecordCode,
    plannedMoveOutDate: cert.plannedMoveOutDate,
    plannedVisitDate: cert.plannedVisitDate,
    payloadEnc: at.payloadEnc,
    state: at.waitingCase ? HeldCertificateState.IN_USE : HeldCertificateState.HELD,
    usedByCaseId: at.waitingCase,
    receivedAt: new Date(),
    purgeAt: at.purgeAt,
    replacedCount: 0,
  });
  em.persist(held);
  em.persist(
    em.create(CaseRecord, {
      caseId: at.heldId,
      procedure: heldCertificateDefinition.code,
      status: HeldCertificateStatus.HELD,
      workflowId: heldCertificateWorkflowId(at.heldId),
      enteredBy: 'system',
      needsAttention: false,
      escalated: false,
      revision: 0,
      dueAt: at.purgeAt,
      plannedVisitDate: cert.plannedVisitDate,
      createdAt: new Date(),
      updatedAt: new Date(),
    }),
  );
  return held;
}
