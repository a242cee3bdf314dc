import { addDays, jstDate } from '../../domain/dates';
import { cardStorageLimit } from '../../domain/card-status';
import { ResidentStatus } from '../../domain/registry-values';
import { Role } from '../../domain/roles';
import { registerProducedCard } from '../../db/cards';
import { CardEventRecord, CaseRecord, MyNumberCard, Resident } from '../../db/entities';
import type { StaffContext } from '../../api/auth';
import { intakeCase, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import { ApiError } from '../../api/errors';
import type { CardProducedMessage } from '../../partners/card-agency-messages';
import { cardIssuanceDefinition, CardIssuanceStatus } from './definition';
import type { StoredCardIssuance } from './schema';
import { cardIssuanceWorkflow, cardIssuanceWorkflowId } from './workflow';

/** J-LIS as the principal of its inbound reports (authenticated by its bearer token). */
export const JLIS_ACTOR: StaffContext = {
  userId: 'jlis',
  displayName: 'J-LIS',
  roles: [Role.SYSTEM],
  terminalId: 'JLIS',
};

export interface CardProducedResult extends IntakeResult {
  duplicate: boolean;
  cardId: string;
}

/**
 * J-LIS's report of a produced card (domain spec §4.8 step 2), already schema-validated and addressed to us: in one
 * transaction the card (status AT_OFFICE through its PRODUCED event, storage limit = producedOn +
 * deadlines.cardStorageDays), the case row and the audit; then `cardIssuanceWorkflow` (IDs and dates only).
 * Idempotent: the same message or the same card again answers the existing case (`duplicate`), whatever the card's
 * status is now (a late resend after the handover changes nothing); a message ID reused for another card is a 409;
 * a 住民票コード of nobody registered here is a 422. Nothing is stored on a refusal.
 */
export async function receiveProducedCard(deps: IntakeDeps, msg: CardProducedMessage): Promise<CardProducedResult> {
  const em = deps.orm.em.fork();
  const sameMessage = await em.findOne(CardEventRecord, { requestKey: `jlis:${msg.messageId}` });
  if (sameMessage && sameMessage.cardId !== msg.cardId)
    throw new ApiError(409, 'MESSAGE_ID_REUSED', 'このメッセージIDは別のカードの報告で使用済みです', [
      { field: '/messageId', rule: 'unique', message: '/messageId was used for another card' },
    ]);
  const known = await em.findOne(MyNumberCard, { cardId: msg.cardId });
  if (known?.caseId) return existingCase(deps, known.caseId, msg.cardId);
  const holder = await em.findOne(Resident, { residentRecordCode: msg.residentRecordCode });
  if (!holder || holder.status !== ResidentStatus.RESIDENT)
    throw new ApiError(422, 'UNKNOWN_RESIDENT', 'この住民票コードの住民は当市区町村に記録されていません', [
      {
        field: '/residentRecordCode',
        rule: 'registeredResident',
        message: '/residentRecordCode names no resident here',
      },
    ]);
  const now = (deps.now ?? (() => new Date()))();
  const receivedOn = jstDate(now);
  const d = deps.config.deadlines;
  // the storage period runs from the day the card reached the office (never before the production day)
  const storageLimitDate = cardStorageLimit(
    receivedOn > msg.producedOn ? receivedOn : msg.producedOn,
    d.cardStorageDays,
  );
  const reminderDate = addDays(storageLimitDate, -d.cardReminderLeadDays);
  const stored: StoredCardIssuance = { cardId: msg.cardId, addresseeNumber: holder.addresseeNumber };
  const result = await intakeCase(deps, JLIS_ACTOR, {
    definition: cardIssuanceDefinition,
    route: 'POST /jlis-inbound/v1/cards-produced',
    body: { cardId: msg.cardId },
    idempotencyKey: `jlis-card:${msg.cardId}`,
    makerId: '',
    initialStatus: CardIssuanceStatus.CARD_AT_OFFICE,
    check: async (tx) => {
      const h = await tx.findOneOrFail(Resident, { addresseeNumber: holder.addresseeNumber });
      await registerProducedCard(tx, {
        cardId: msg.cardId,
        resident: h,
        producedOn: msg.producedOn,
        receivedOn,
        storageLimitDate,
        hasSigningCert: msg.hasSigningCert,
        messageId: msg.messageId,
        municipalityCode: deps.config.municipalityCode,
      });
      return { errors: [], flags: [], stored, subjects: [holder.addresseeNumber] };
    },
    workflow: cardIssuanceWorkflow,
    workflowId: () => cardIssuanceWorkflowId(msg.cardId),
    workflowArgs: (caseId) => ({
      caseId,
      cardId: msg.cardId,
      storageLimitDate,
      reminderDate,
      timings: deps.config.timings,
    }),
  });
  // the card row was written before the case ID existed; name its case (the workflow's first step does it too)
  await deps.orm.em.fork().nativeUpdate(MyNumberCard, { cardId: msg.cardId, caseId: null }, { caseId: result.caseId });
  return { ...result, duplicate: !result.created, cardId: msg.cardId };
}

async function existingCase(deps: IntakeDeps, caseId: string, cardId: string): Promise<CardProducedResult> {
  const row = await deps.orm.em.fork().findOneOrFail(CaseRecord, { caseId });
  return {
    created: false,
    duplicate: true,
    caseId,
    cardId,
    workflowId: row.workflowId,
    status: row.status,
    flags: row.flags ?? [],
  };
}
