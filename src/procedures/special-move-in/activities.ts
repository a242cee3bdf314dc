import { ApplicationFailure } from '@temporalio/activity';
import { LockMode, type EntityManager } from '@mikro-orm/core';
import { FailureType } from '../../domain/failures';
import { minDate, toCsBirthDate } from '../../domain/dates';
import { specialMoveInLastDay } from '../../domain/move-deadlines';
import {
  CaseApplication,
  HeldCertificateState,
  HeldMoveOutCertificate,
  OutboxKind,
  OutboxMessage,
} from '../../db/entities';
import { provisionalOnArrival } from '../../db/support-measures';
import type { StoredMoveInApplication } from '../move-in/schema';
import { specialMoveInCardHolders, type StoredSpecialMoveInApplication } from './schema';
import type { CertificateInfoRequest, MoveOutCertificateInfo } from '../../partners/cs-move-messages';
import {
  afterCommitSteps,
  alreadyCommitted,
  writeMoveIn,
  type AfterCommit,
  type CommitResult,
} from '../move-in/commit';
import type { ActivityDeps } from '../../activities/deps';
import { enqueue } from '../../activities/outbox-writer';
import { erasePersonalData } from '../../db/registry-lookup';
import { onSqlite } from '../../db/dialect';

const loadApp = async (em: EntityManager, caseId: string) =>
  (await em.findOneOrFail(CaseApplication, { caseId })).payload as unknown as StoredSpecialMoveInApplication;

const splitName = (full: string): [string, string] => {
  const [family = full, ...rest] = full.split(/[\u3000 ]/);
  return [family, rest.join('　') || family];
};

/** Activities of the 特例転入 (domain.md §4.2). */
export function specialMoveInActivities(deps: ActivityDeps) {
  const after = afterCommitSteps(deps);
  /** The 本登録 of a 特例転入 itself (one transaction; see commitSpecialMoveIn). */
  const commitOnly = async (input: {
    caseId: string;
    approvedBy: string;
    terminalId?: string;
  }): Promise<CommitResult & { heldIds: string[] }> =>
    deps.orm.em.fork().transactional(async (em) => {
      // locked (MySQL; SQLite serialises writers): a withdrawal stored meanwhile waits for this commit, or wins
      const isSqlite = onSqlite(em);
      const heldRows = await em.find(
        HeldMoveOutCertificate,
        { usedByCaseId: input.caseId },
        isSqlite ? {} : { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const done = await alreadyCommitted(em, input.caseId);
      if (done) return { ...done, heldIds: heldRows.map((h) => h.heldId) };
      // defence in depth: the workflow refuses the 決裁 of a withdrawn certificate; the commit checks it once more
      if (heldRows.some((h) => h.withdrawnAt))
        throw ApplicationFailure.nonRetryable(
          'the 転出証明書情報 was withdrawn by the origin',
          FailureType.CERTIFICATE_WITHDRAWN,
        );
      const app = await loadApp(em, input.caseId);
      const certs = new Map(
        heldRows
          .filter((h) => h.payloadEnc)
          .map((h) => {
            const m = JSON.parse(deps.pii.decrypt(h.payloadEnc!)) as MoveOutCertificateInfo;
            return [m.certificate.residentRecordCode, m.certificate] as const;
          }),
      );
      const cardHolders = specialMoveInCardHolders(app);
      const payload: StoredMoveInApplication = {
        movers: app.persons.map((p, i) => {
          const c = certs.get(p.residentRecordCode);
          if (!c)
            throw ApplicationFailure.nonRetryable(
              'held certificate information missing for a person',
              FailureType.CASE_DATA_MISSING,
            );
          const [familyNameKana, givenNameKana] = splitName(c.nameKana);
          return {
            familyName: p.familyName,
            givenName: p.givenName,
            familyNameKana,
            givenNameKana,
            birthDate: c.birthDate,
            sex: c.sex,
            relationshipToHead: p.relationshipToHead,
            residentRecordCode: c.residentRecordCode,
            individualNumberEnc: deps.pii.encrypt(c.individualNumber),
            registeredDomicile: c.registeredDomicile,
            familyRegisterHead: c.familyRegisterHead,
            domicileMunicipalityCode: c.domicileMunicipalityCode,
            formerSurname: c.formerSurname,
            cardPresented: cardHolders[i] === true,
          };
        }),
        address: app.address,
        moveInDate: app.moveInDate,
        notificationDate: app.notificationDate,
        previousAddress: [...certs.values()][0]!.originAddress,
        previousMunicipalityCode: app.originMunicipalityCode,
        household: app.household,
        notifier: app.notifier,
        identityDocument: { type: 'myNumberCard' },
        certificateRequest: app.certificateRequest,
      };
      const result = await writeMoveIn(em, deps, input, payload);
      // protected at the origin (the 転出証明書情報 says so): held under 仮支援措置 here (domain.md §8.6)
      await provisionalOnArrival(
        em,
        app.persons.flatMap((p, i) =>
          certs.get(p.residentRecordCode)?.supportMeasure ? [result.addresseeNumbers[i]!] : [],
        ),
        input.caseId,
      );
      heldRows.forEach((h) => (h.state = HeldCertificateState.USED));
      // the card 継続利用 (only for the persons who presented their own card) is queued after this transaction: by
      // the commit step (`afterCommit`), or in old histories by the workflow (patch card-continued-use)
      await em.flush();
      return { ...result, heldIds: heldRows.map((h) => h.heldId) };
    });
  return {
    /**
     * Finds the held 転出証明書情報 of every person and reserves it (IN_USE) for this case, so the purge waits.
     * Returns what is missing (→ 送信依頼) and, once all are held, the last filing day and whether the filing met it.
     */
    async reserveHeldCertificates(input: {
      caseId: string;
    }): Promise<{ heldIds: string[]; missing: string[]; lastDay?: string; inTime?: boolean }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const app = await loadApp(em, input.caseId);
        const heldIds: string[] = [];
        const missing: string[] = [];
        let lastDay: string | undefined;
        for (const p of app.persons) {
          const held = await em.findOne(HeldMoveOutCertificate, {
            residentRecordCode: p.residentRecordCode,
            originMunicipalityCode: app.originMunicipalityCode,
            $or: [
              { state: HeldCertificateState.HELD },
              { state: HeldCertificateState.IN_USE, usedByCaseId: input.caseId },
            ],
          });
          if (!held) {
            missing.push(p.residentRecordCode);
            continue;
          }
          Object.assign(held, { state: HeldCertificateState.IN_USE, usedByCaseId: input.caseId });
          heldIds.push(held.heldId);
          const day = specialMoveInLastDay(held.plannedMoveOutDate!, app.moveInDate, deps.config.deadlines);
          lastDay = lastDay ? minDate(lastDay, day) : day;
        }
        await em.flush();
        return { heldIds, missing, ...(missing.length ? {} : { lastDay, inTime: app.notificationDate <= lastDay! }) };
      });
    },

    /**
     * Gives reserved certificates back (case rejected or switched to the paper path); one the origin withdrew meanwhile
     * is purged instead (domain spec §4.5: nothing of it may stay).
     */
    async releaseHeldCertificates(input: { caseId: string }): Promise<{ heldIds: string[] }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const rows = await em.find(HeldMoveOutCertificate, {
          usedByCaseId: input.caseId,
          state: HeldCertificateState.IN_USE,
        });
        const now = new Date();
        rows.forEach((h) =>
          h.withdrawnAt
            ? erasePersonalData(h, now)
            : Object.assign(h, { state: HeldCertificateState.HELD, usedByCaseId: undefined }),
        );
        await em.flush();
        return { heldIds: rows.map((h) => h.heldId) };
      });
    },

    /** 送信依頼 to the 転出地 for the missing persons: identifies them without any 特定個人情報. `round` keys a repeat. */
    async queueCertificateInfoRequests(input: {
      caseId: string;
      residentRecordCodes: string[];
      round: number;
    }): Promise<{ queued: number }> {
      return deps.orm.em.fork().transactional(async (em) => {
        const app = await loadApp(em, input.caseId);
        let queued = 0;
        for (const p of app.persons.filter((x) => input.residentRecordCodes.includes(x.residentRecordCode))) {
          const keyPart = `rq-${p.residentRecordCode}-${input.round}`;
          if (
            await em.count(OutboxMessage, {
              idempotencyKey: `${deps.config.municipalityCode}-${input.caseId}-${keyPart}`,
            })
          )
            continue;
          await enqueue(em, deps, {
            caseId: input.caseId,
            kind: OutboxKind.CERTIFICATE_INFO_REQUEST,
            residentRecordCode: p.residentRecordCode,
            keyPart,
            build: (_s, idempotencyKey): CertificateInfoRequest => ({
              fromMunicipalityCode: deps.config.municipalityCode,
              toMunicipalityCode: app.originMunicipalityCode,
              idempotencyKey,
              request: {
                residentRecordCode: p.residentRecordCode,
                name: `${p.familyName}　${p.givenName}`,
                birthDate: toCsBirthDate(p.birthDate),
              },
            }),
          });
          queued++;
        }
        return { queued };
      });
    },

    /**
     * 本登録 of a 特例転入: the records are built from the held 転出証明書情報 (the 個人番号 comes from it; the 氏名 as
     * entered from the card), written like any 転入, the held information marked USED, and in the same transaction
     * the 本人確認情報 update, the 転入通知 to the 転出地 and the card 継続利用 request to J-LIS are queued.
     */
    async commitSpecialMoveIn(input: {
      caseId: string;
      approvedBy: string;
      terminalId?: string;
      /** New executions: the steps after the commit (patch `special-move-in-commit-step`; move-in/commit.ts). */
      afterCommit?: AfterCommit;
    }): Promise<CommitResult & { heldIds: string[] }> {
      const committed = await commitOnly(input);
      return input.afterCommit ? after(input.caseId, committed, input.afterCommit) : committed;
    },
  };
}

export type SpecialMoveInActivities = ReturnType<typeof specialMoveInActivities>;
