import { compileSchema } from '../../domain/ajv';
import { CaseStatus } from '../../domain/case-status';
import { jstDate } from '../../domain/dates';
import { actorFields, audit } from '../../db/audit-writer';
import { AuditAction, CaseApplication, MyNumberCard, Resident, type CaseRecord } from '../../db/entities';
import type { ApiDeps } from '../../api/api-deps';
import { ApiError } from '../../api/errors';
import { evaluateHandover } from './rules';
import { CardHandoverStepSchema, type CardHandoverStep, type StoredCardIssuance } from './schema';

const validateStep = compileSchema<CardHandoverStep>(CardHandoverStepSchema);

/**
 * The handover at the counter as the card case's 審査 step (`confirm-review`): the whole body is checked against the
 * handover schema first (a `pin` / `password` or any unknown property: 400 naming it), then the handover rules
 * (rules.ts, on the registry: age, 成年被後見人, what the card carries; 422 naming the field), then the record is stored
 * with the case's application and audited — before the update, which then moves the case to 決裁 by another person.
 * A refusal stores nothing and sends no update.
 */
export function reviewCardHandover(
  deps: ApiDeps,
  row: CaseRecord,
  actor: { userId: string; roles: string[]; terminalId?: string },
  body: unknown,
): { rest: unknown; store(): Promise<void> } {
  const v = validateStep(body ?? {});
  return {
    rest: v.ok ? { reason: v.value.reason } : {},
    async store() {
      if (!v.ok) throw new ApiError(400, 'VALIDATION_FAILED', '交付の記録に誤りがあります', v.errors);
      // outside the handover step the update refuses it: nothing to store
      if (row.status !== CaseStatus.AWAITING_REVIEW && row.status !== CaseStatus.CONTACT_REQUESTED) return;
      const em = deps.orm.em.fork();
      const app = await em.findOneOrFail(CaseApplication, { caseId: row.caseId });
      const stored = app.payload as unknown as StoredCardIssuance;
      const card = await em.findOneOrFail(MyNumberCard, { cardId: stored.cardId });
      const holder = await em.findOneOrFail(Resident, { addresseeNumber: stored.addresseeNumber });
      const now = new Date();
      const errors = evaluateHandover(v.value.handover, {
        birthDate: holder.birthDate,
        isAdultWard: holder.isAdultWard,
        today: jstDate(now),
        cardHasSigningCert: card.hasSigningCert,
      });
      if (errors.length) throw new ApiError(422, 'RULE_VIOLATION', '交付の記録が規則に合いません', errors);
      const next: StoredCardIssuance = {
        ...stored,
        handover: { ...v.value.handover, recordedBy: actor.userId, recordedAt: now.toISOString() },
      };
      app.payload = next as unknown as Record<string, unknown>;
      audit(em, {
        ...actorFields(actor),
        action: AuditAction.CHANGE_PROVISIONAL,
        function: 'POST /api/cases/:caseId/confirm-review (個人番号カード交付)',
        targetAddresseeNumber: holder.addresseeNumber,
        caseId: row.caseId,
        detail: { cardId: card.cardId },
      });
      await em.flush();
    },
  };
}
