import type { EntityManager } from '@mikro-orm/core';
import { compileSchema } from '../../domain/ajv';
import { CaseRecord, Household, Resident } from '../../db/entities';
import { moversAndHouseholds } from '../../db/registry-lookup';
import { intakeCase, parseIntakeApplication, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import type { StaffContext } from '../../api/auth';
import { cardIssuanceDefinition } from '../card-issuance/definition';
import { heldCertificateDefinition } from '../held-certificate/definition';
import type { CaseIntakeRoute } from '../module';
import { moveWithinDefinition } from './definition';
import { evaluateMoveWithin } from './rules';
import { MoveWithinApplicationSchema, type MoveWithinApplication } from './schema';
import { moveWithinWorkflow, moveWithinWorkflowId } from './workflow';

const validateShape = compileSchema<MoveWithinApplication>(MoveWithinApplicationSchema);

/** Cases that change no 住民票 of their own (a card handover, a held 転出証明書情報) do not block a 転居. */
const NOT_REGISTRY_CHANGES: string[] = [cardIssuanceDefinition.code, heldCertificateDefinition.code];

/** 宛名番号 of the persons of every open case that changes the registry (a second change for them is refused). */
export async function personsInOpenCase(em: EntityManager): Promise<Set<string>> {
  const open = await em.find(
    CaseRecord,
    { completedAt: null, procedure: { $nin: NOT_REGISTRY_CHANGES } },
    { fields: ['subjectAddresseeNumbers'] },
  );
  return new Set(open.flatMap((c) => c.subjectAddresseeNumbers ?? []));
}

/** 転居届 intake (domain spec §4.9): schema, the registry facts, the rules (rules.ts), then the common intake. */
export async function intakeMoveWithin(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const app = parseIntakeApplication(validateShape, body);
  return intakeCase(deps, actor, {
    definition: moveWithinDefinition,
    route: 'POST /api/cases/move-within',
    body: app,
    idempotencyKey,
    async check(em, today) {
      const { records, householdMembers } = await moversAndHouseholds(em, app.movers);
      let targetHousehold;
      if (app.household.mode === 'join' && app.household.householdNumber) {
        const h = await em.findOne(Household, { householdNumber: app.household.householdNumber });
        const head =
          h &&
          ((await em.findOne(Resident, { householdNumber: h.householdNumber, relationshipToHead: '世帯主' })) ??
            (await em.findOne(Resident, { householdNumber: h.householdNumber })));
        if (h)
          targetHousehold = { active: h.active, address: head?.address, addressSupplement: head?.addressSupplement };
      }
      return evaluateMoveWithin(app, {
        today,
        deadlines: deps.config.deadlines,
        householdMemberMayRequestIndividualNumber: deps.config.householdMemberMayRequestIndividualNumber,
        records,
        householdMembers,
        targetHousehold,
        inOpenCase: await personsInOpenCase(em),
      });
    },
    workflow: moveWithinWorkflow,
    workflowId: moveWithinWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      requestCertificate: Boolean(app.certificateRequest),
      timings: deps.config.timings,
    }),
  });
}

export const moveWithinIntake: CaseIntakeRoute = {
  path: 'move-within',
  summary: '転居届 intake (仮登録: whole household or some members); starts the move-within workflow',
  schemaName: 'MoveWithinApplication',
  schema: MoveWithinApplicationSchema,
  run: intakeMoveWithin,
};
