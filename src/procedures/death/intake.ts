import { compileSchema } from '../../domain/ajv';
import { finalStatusCodesOf } from '../../domain/procedure-definition';
import { CaseRecord, Resident } from '../../db/entities';
import { intakeCase, parseIntakeApplication, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import type { StaffContext } from '../../api/auth';
import { birthDefinition } from '../birth/definition';
import { cardIssuanceDefinition } from '../card-issuance/definition';
import { householdChangeDefinition } from '../household-change/definition';
import { moveInDefinition } from '../move-in/definition';
import { moveOutDefinition } from '../move-out/definition';
import { onlineMoveOutDefinition } from '../online-move-out/definition';
import { specialMoveInDefinition } from '../special-move-in/definition';
import type { CaseIntakeRoute } from '../module';
import { deathDefinition } from './definition';
import { evaluateDeath } from './rules';
import { DeathApplicationSchema, type DeathApplication } from './schema';
import { deathWorkflow, deathWorkflowId } from './workflow';

const validateShape = compileSchema<DeathApplication>(DeathApplicationSchema);

/** 死亡 intake: schema, the deceased's record, household and open cases, the rules (rules.ts), the common intake. */
export async function intakeDeath(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const app = parseIntakeApplication(validateShape, body);
  return intakeCase(deps, actor, {
    definition: deathDefinition,
    route: 'POST /api/cases/death',
    body: app,
    idempotencyKey,
    async check(em, today) {
      const record = (await em.findOne(Resident, { addresseeNumber: app.addresseeNumber })) ?? undefined;
      const householdMembers = record
        ? await em.find(
            Resident,
            { householdNumber: record.householdNumber },
            { fields: ['addresseeNumber', 'status'] },
          )
        : [];
      const finals = finalStatusCodesOf(
        moveInDefinition,
        specialMoveInDefinition,
        moveOutDefinition,
        onlineMoveOutDefinition,
        birthDefinition,
        householdChangeDefinition,
        cardIssuanceDefinition,
        deathDefinition,
      );
      // every open case naming the deceased (a card case too): shown to the approver, not cancelled automatically
      const open = (
        await em.find(CaseRecord, { status: { $nin: finals } }, { fields: ['caseId', 'subjectAddresseeNumbers'] })
      ).filter((c) => c.subjectAddresseeNumbers?.includes(app.addresseeNumber));
      return evaluateDeath(app, { today, record, householdMembers, openCases: open.map((c) => c.caseId) });
    },
    workflow: deathWorkflow,
    workflowId: deathWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      timings: deps.config.timings,
    }),
  });
}

export const deathIntake: CaseIntakeRoute = {
  path: 'death',
  summary: "死亡 intake (from the 戸籍 side's 死亡届); starts the death workflow",
  schemaName: 'DeathApplication',
  schema: DeathApplicationSchema,
  run: intakeDeath,
};
