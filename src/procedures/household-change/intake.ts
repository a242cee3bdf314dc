import type { EntityManager } from '@mikro-orm/core';
import { compileSchema } from '../../domain/ajv';
import { finalStatusCodesOf } from '../../domain/procedure-definition';
import { ResidentStatus } from '../../domain/registry-values';
import { CaseRecord, Household, Resident } from '../../db/entities';
import { intakeCase, parseIntakeApplication, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import type { StaffContext } from '../../api/auth';
import { birthDefinition } from '../birth/definition';
import { cardIssuanceDefinition } from '../card-issuance/definition';
import { heldCertificateDefinition } from '../held-certificate/definition';
import { moveInDefinition } from '../move-in/definition';
import { moveOutDefinition } from '../move-out/definition';
import { onlineMoveOutDefinition } from '../online-move-out/definition';
import { specialMoveInDefinition } from '../special-move-in/definition';
import type { CaseIntakeRoute } from '../module';
import { householdChangeDefinition } from './definition';
import { evaluateHouseholdChange, type HouseholdFacts } from './rules';
import { HouseholdChangeApplicationSchema, type HouseholdChangeApplication } from './schema';
import { householdChangeWorkflow, householdChangeWorkflowId } from './workflow';

const validateShape = compileSchema<HouseholdChangeApplication>(HouseholdChangeApplicationSchema);

/** Cases that do not change a person's record (a held certificate, a card): not a pending 異動 of the person. */
const NOT_A_CHANGE = [heldCertificateDefinition.code, cardIssuanceDefinition.code];

/**
 * 宛名番号 of the persons of every open case that changes the registry (転入, 転出, 出生, 世帯変更, 死亡, … — a
 * procedure added later counts too: its cases close in the frame's final statuses), except `exceptCaseId`.
 */
export async function personsInOpenCases(em: EntityManager, extraDefinitions = [householdChangeDefinition]) {
  const finals = finalStatusCodesOf(
    moveInDefinition,
    specialMoveInDefinition,
    moveOutDefinition,
    onlineMoveOutDefinition,
    birthDefinition,
    ...extraDefinitions,
  );
  const open = await em.find(
    CaseRecord,
    { procedure: { $nin: NOT_A_CHANGE }, status: { $nin: finals } },
    { fields: ['caseId', 'subjectAddresseeNumbers'] },
  );
  return new Set(open.flatMap((c) => c.subjectAddresseeNumbers ?? []));
}

/** A household as the rules see it: the row (or, for data without one, its members) and every member. */
export async function householdFacts(em: EntityManager, householdNumber: string): Promise<HouseholdFacts | undefined> {
  const members = await em.find(Resident, { householdNumber }, { orderBy: { addresseeNumber: 'asc' } });
  const row = await em.findOne(Household, { householdNumber });
  if (!row && !members.length) return undefined;
  const live = members.filter((m) => m.status !== ResidentStatus.REMOVED);
  const head = live.find((m) => m.relationshipToHead === '世帯主') ?? live[0];
  return {
    householdNumber,
    active: (row?.active ?? true) && live.length > 0,
    address: head?.address ?? '',
    members: members.map((m) => ({
      addresseeNumber: m.addresseeNumber,
      status: m.status,
      relationshipToHead: m.relationshipToHead,
    })),
  };
}

/** 世帯変更 intake: schema, the households and open cases read, the rules (rules.ts), then the common intake. */
export async function intakeHouseholdChange(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const app = parseIntakeApplication(validateShape, body);
  return intakeCase(deps, actor, {
    definition: householdChangeDefinition,
    route: 'POST /api/cases/household-change',
    body: app,
    idempotencyKey,
    async check(em, today) {
      return evaluateHouseholdChange(app, {
        today,
        householdMemberMayRequestIndividualNumber: deps.config.householdMemberMayRequestIndividualNumber,
        household: await householdFacts(em, app.householdNumber),
        target: app.targetHouseholdNumber ? await householdFacts(em, app.targetHouseholdNumber) : undefined,
        inOpenCase: await personsInOpenCases(em),
      });
    },
    workflow: householdChangeWorkflow,
    workflowId: householdChangeWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      requestCertificate: Boolean(app.certificateRequest),
      timings: deps.config.timings,
    }),
  });
}

export const householdChangeIntake: CaseIntakeRoute = {
  path: 'household-change',
  summary: '世帯変更 intake (世帯主変更 / 世帯分離 / 世帯合併 / 世帯構成変更); starts the household-change workflow',
  schemaName: 'HouseholdChangeApplication',
  schema: HouseholdChangeApplicationSchema,
  run: intakeHouseholdChange,
};
