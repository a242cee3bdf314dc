import { compileSchema } from '../../domain/ajv';
import type { FieldError } from '../../domain/ajv';
import { CaseStatus } from '../../domain/case-status';
import { ResidentStatus } from '../../domain/registry-values';
import { actorFields, audit } from '../../db/audit-writer';
import { AuditAction, CaseApplication, Resident, type CaseRecord } from '../../db/entities';
import type { ApiDeps } from '../../api/api-deps';
import { ApiError } from '../../api/errors';
import { decideHeadChange } from '../move-out/rules';
import { HouseholdHeadChoiceSchema, type HouseholdHeadChoice } from '../move-out/schema';
import { OnlineMoveOutRule } from './rules';
import type { StoredOnlineMoveOutApplication } from './schema';

const validateChoice = compileSchema<HouseholdHeadChoice>(HouseholdHeadChoiceSchema);

/**
 * 審査 of an online 転出 whose 世帯主 leaves members behind (finding HEAD_CHANGE_EX_OFFICIO; domain.md §3.2, §4.4 step
 * 3): the same 世帯主変更 rule as at the counter (move-out/rules.ts `decideHeadChange`) on the registry as it is now —
 * one staying member becomes 世帯主 without a choice; with two or more the reviewing clerk must give
 * `householdHeadChange` (the new 世帯主 and the others' 続柄). The decision is stored with the application and applied
 * by the commit of the 転出. A bad choice is refused naming the field; nothing is written.
 */
export function reviewOnlineMoveOut(
  deps: ApiDeps,
  row: CaseRecord,
  actor: { userId: string; roles: string[]; terminalId?: string },
  body: unknown,
): { rest: unknown; store(): Promise<void> } {
  const { householdHeadChange: given, ...rest } = (body ?? {}) as Record<string, unknown>;
  return {
    rest,
    async store() {
      let choice: HouseholdHeadChoice | undefined;
      if (given !== undefined) {
        const v = validateChoice(given);
        if (!v.ok)
          throw new ApiError(
            400,
            'VALIDATION_FAILED',
            '入力内容に誤りがあります',
            v.errors.map((e) => ({ ...e, field: `/householdHeadChange${e.field}` })),
          );
        choice = v.value;
      }
      // outside 審査 the update refuses the step: nothing to store
      if (row.status !== CaseStatus.AWAITING_REVIEW && row.status !== CaseStatus.CONTACT_REQUESTED) return;
      const em = deps.orm.em.fork();
      const app = await em.findOneOrFail(CaseApplication, { caseId: row.caseId });
      const stored = app.payload as unknown as StoredOnlineMoveOutApplication;
      const needed = stored.online.findings.some((f) => f.rule === OnlineMoveOutRule.HEAD_CHANGE_EX_OFFICIO);
      const errors: FieldError[] = [];
      const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
      const movers = stored.movers.map((m) => m.addresseeNumber);
      const household = await em.find(Resident, { householdNumber: stored.householdNumber });
      const head = household.find((r) => movers.includes(r.addresseeNumber) && r.relationshipToHead === '世帯主');
      const staying = household
        .filter((r) => r.status === ResidentStatus.RESIDENT && !movers.includes(r.addresseeNumber))
        .map((r) => r.addresseeNumber);
      const change = needed ? decideHeadChange(choice, head?.addresseeNumber, staying, err) : undefined;
      if (choice && !change && !errors.length)
        err('/householdHeadChange', 'notApplicable', '世帯主が転出して世帯に残る方がいる場合だけ、世帯主を選びます');
      if (errors.length) throw new ApiError(422, 'RULE_VIOLATION', '世帯主変更の指定が規則に合いません', errors);
      if (!change) return;
      app.payload = { ...stored, headChange: change } as unknown as Record<string, unknown>;
      audit(
        em,
        ...change.relationships.map((r) => ({
          ...actorFields(actor),
          action: AuditAction.CHANGE_COMMITTED,
          function: 'POST /api/cases/:caseId/confirm-review (世帯主変更)',
          targetAddresseeNumber: r.addresseeNumber,
          caseId: row.caseId,
        })),
      );
      await em.flush();
    },
  };
}
