import { randomInt } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { ApiDeps } from '../../src/api/api-deps';
import type { IntakeDeps } from '../../src/api/case-intake';
import { CaseRecord } from '../../src/db/entities';
import type { CardProducedMessage } from '../../src/partners/card-agency-messages';
import { receiveProducedCard } from '../../src/procedures/card-issuance/intake';
import { reviewCardHandover } from '../../src/procedures/card-issuance/review';
import type { CardHandover } from '../../src/procedures/card-issuance/schema';
import { today } from './fixtures';

export const newTestCardId = () =>
  `T${Array.from({ length: 15 }, () => '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'[randomInt(34)]).join('')}`;

export const producedMessage = (
  municipalityCode: string,
  residentRecordCode: string,
  over: Partial<CardProducedMessage> = {},
): CardProducedMessage => ({
  messageId: `JLIS-CARD-${newTestCardId()}`,
  municipalityCode,
  cardId: newTestCardId(),
  residentRecordCode,
  producedOn: today(),
  hasSigningCert: true,
  ...over,
});

/** A complete handover of a holder who came in person (every checklist item done). */
export const handover = (over: Partial<CardHandover> = {}): CardHandover => ({
  identityCheckMethod: 'photoId',
  issuanceNoticePresented: true,
  notificationCard: 'collected',
  legacyResidentCard: 'none',
  pinRegistered: true,
  signingCert: { issued: true },
  ...over,
});

/** J-LIS reports the card through the city's inbound service (as the router does after its schema check). */
export const reportProduced = (deps: IntakeDeps, msg: CardProducedMessage) => receiveProducedCard(deps, msg);

/** Stores the handover as the confirm-review step does before its update (validation and rules included). */
export async function storeHandover(
  deps: { orm: MikroORM },
  caseId: string,
  body: unknown,
  actor = { userId: 'clerk1', roles: ['clerk'], terminalId: 'T-HONCHO-01' },
): Promise<void> {
  const row = await deps.orm.em.fork().findOneOrFail(CaseRecord, { caseId });
  await reviewCardHandover(deps as unknown as ApiDeps, row, actor, body).store();
}
