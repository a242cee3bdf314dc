import { timingSafeEqual } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { compileSchema } from '../domain/ajv';
import { audit, SYSTEM_ACTOR } from '../db/audit-writer';
import { AuditAction, IndividualNumberAnswer, IndividualNumberRequest } from '../db/entities';
import type { PiiCrypto } from '../db/pii-crypto';
import { CardProducedMessageSchema, type CardProducedMessage } from '../partners/card-agency-messages';
import {
  IndividualNumberAnswerMessageSchema,
  type IndividualNumberAnswerMessage,
} from '../partners/jlis-number-messages';
import { recordCardSuspension, type CardEventResult } from '../procedures/card-events/service';
import { receiveProducedCard, type CardProducedResult } from '../procedures/card-issuance/intake';
import type { IntakeDeps } from './case-intake';
import { individualNumberAnsweredSignal, individualNumberWorkflowId } from '../workflows/individual-number';
import { ApiError } from './errors';
import { auditPartnerRefusal } from './partner-auth';

export interface JlisInboundDeps extends IntakeDeps {
  orm: MikroORM;
  pii: PiiCrypto;
  temporal: Client;
  config: IntakeDeps['config'] & { jlisInboundToken: string };
}

export interface JlisInboundResult {
  duplicate: boolean;
  answerId: number;
}

const validateAnswer = compileSchema<IndividualNumberAnswerMessage>(IndividualNumberAnswerMessageSchema);
const validateCardProduced = compileSchema<CardProducedMessage>(CardProducedMessageSchema);

/**
 * J-LIS's asynchronous answers to our 個人番号 generation requests (domain.md §4.7 step 3.2; I-9), authenticated by
 * J-LIS's token like the CS's deliveries: validated (a bad check digit is a 400 naming the field), stored — the
 * number encrypted with its blind index — and signalled to the generation workflow by the stored row's ID after the
 * commit. A repeated delivery (same `answerId`) is answered 200, stores nothing and signals again; an answer to a
 * request we never sent is a 422 and stores nothing. Whether the 住民票コード matches is the workflow's decision.
 */
export function createJlisInbound(deps: JlisInboundDeps) {
  const addressedHere = (municipalityCode: string) => {
    if (municipalityCode !== deps.config.municipalityCode)
      throw new ApiError(422, 'NOT_ADDRESSED_HERE', 'この市区町村宛てのメッセージではありません');
  };
  return {
    /**
     * A card J-LIS produced for a resident (domain spec §4.8 step 2): the card and its issuance case
     * (procedures/card-issuance/intake.ts). A repeated report (same message or same card) answers the existing case.
     */
    async cardProduced(body: unknown): Promise<CardProducedResult> {
      const v = validateCardProduced(body);
      if (!v.ok) throw new ApiError(400, 'INVALID_MESSAGE', 'メッセージの形式が正しくありません', v.errors);
      addressedHere(v.value.municipalityCode);
      return receiveProducedCard(deps, v.value);
    },

    /**
     * 一時停止 by J-LIS's call centre (domain spec §4.8 step 5): recorded once per message ID, never reported back
     * (procedures/card-events/service.ts).
     */
    cardSuspension(body: unknown): Promise<CardEventResult> {
      return recordCardSuspension(deps, body);
    },

    async individualNumberAnswer(body: unknown): Promise<JlisInboundResult> {
      const v = validateAnswer(body);
      if (!v.ok) throw new ApiError(400, 'INVALID_MESSAGE', 'メッセージの形式が正しくありません', v.errors);
      const msg = v.value;
      if (msg.municipalityCode !== deps.config.municipalityCode)
        throw new ApiError(422, 'NOT_ADDRESSED_HERE', 'この市区町村宛てのメッセージではありません');
      const stored = await deps.orm.em.fork().transactional(async (em) => {
        const request = await em.findOne(IndividualNumberRequest, { requestKey: msg.requestKey });
        if (!request) throw new ApiError(422, 'UNKNOWN_REQUEST', '該当する個人番号生成要求がありません');
        const seen = await em.findOne(IndividualNumberAnswer, { answerKey: msg.answerId });
        if (seen) return { duplicate: true, answerId: seen.id, request };
        const row = em.create(IndividualNumberAnswer, {
          answerKey: msg.answerId,
          requestKey: msg.requestKey,
          residentRecordCode: msg.residentRecordCode,
          numberEnc: deps.pii.encrypt(msg.individualNumber),
          numberIndex: deps.pii.blindIndex(msg.individualNumber),
          status: 'RECEIVED',
          receivedAt: new Date(),
        });
        await em.persist(row).flush();
        audit(em, {
          ...SYSTEM_ACTOR,
          action: AuditAction.BATCH,
          function: 'jlis-inbound individual-number answer',
          caseId: request.caseId,
          targetAddresseeNumber: request.addresseeNumber,
          individualNumberAccessed: true,
          detail: { answerId: row.id },
        });
        await em.flush();
        return { duplicate: false, answerId: row.id, request };
      });
      try {
        await deps.temporal.workflow
          .getHandle(individualNumberWorkflowId(stored.request.caseId, stored.request.addresseeNumber))
          .signal(individualNumberAnsweredSignal, { answerId: stored.answerId });
      } catch (e) {
        if (!(e instanceof WorkflowNotFoundError)) throw e;
      }
      return { duplicate: stored.duplicate, answerId: stored.answerId };
    },
  };
}

/** `/jlis-inbound/v1`: bearer JLIS_INBOUND_TOKEN. */
export function jlisInboundRouter(deps: JlisInboundDeps): Router {
  const r = Router();
  const expected = Buffer.from(deps.config.jlisInboundToken);
  const inbound = createJlisInbound(deps);
  r.use(async (req: Request, _res: Response, next: NextFunction) => {
    const got = Buffer.from(/^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      await auditPartnerRefusal(deps.orm, req, 'jlis-inbound', { reason: 'UNAUTHORIZED' });
      throw new ApiError(401, 'UNAUTHORIZED', 'J-LIS の認証に失敗しました');
    }
    next();
  });
  r.use(express.json({ limit: '64kb' })); // parsed only after the token
  r.post('/cards-produced', async (req: Request, res: Response) => {
    const result = await inbound.cardProduced(req.body);
    res
      .status(result.duplicate ? 200 : 202)
      .json({ duplicate: result.duplicate, caseId: result.caseId, cardId: result.cardId });
  });
  r.post('/card-suspensions', async (req: Request, res: Response) => {
    const result = await inbound.cardSuspension(req.body);
    res.status(result.duplicate ? 200 : 202).json(result);
  });
  r.post('/individual-numbers', async (req: Request, res: Response) => {
    const result = await inbound.individualNumberAnswer(req.body);
    res.status(result.duplicate ? 200 : 202).json(result);
  });
  return r;
}
