import { compileSchema } from '../../domain/ajv';
import { CaseStatus } from '../../domain/case-status';
import { finalStatusCodesOf } from '../../domain/procedure-definition';
import { CaseRecord } from '../../db/entities';
import { moversAndHouseholds } from '../../db/registry-lookup';
import { intakeCase, parseIntakeApplication, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import type { StaffContext } from '../../api/auth';
import { onlineMoveOutDefinition } from '../online-move-out/definition';
import type { CaseIntakeRoute } from '../module';
import { moveOutDefinition } from './definition';
import { evaluateMoveOut } from './rules';
import { MoveOutApplicationSchema, type MoveOutApplication } from './schema';
import { moveOutWorkflow, moveOutWorkflowId } from './workflow';
import type { EntityManager } from '@mikro-orm/core';

const validateShape = compileSchema<MoveOutApplication>(MoveOutApplicationSchema);

/** 宛名番号 of everyone in an open 転出 case (counter or online): a second 転出 for them is refused. */
export async function personsInOpenMoveOut(em: EntityManager): Promise<Set<string>> {
  const open = await em.find(CaseRecord, {
    procedure: { $in: [moveOutDefinition.code, onlineMoveOutDefinition.code] },
    status: { $nin: finalStatusCodesOf(moveOutDefinition, onlineMoveOutDefinition) },
  });
  return new Set(open.flatMap((c) => c.subjectAddresseeNumbers ?? []));
}

/** 転出届 intake (domain.md §4.3): schema, the registry facts, the rules (rules.ts), then the common intake. */
export async function intakeMoveOut(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const app = parseIntakeApplication(validateShape, body);
  return intakeCase(deps, actor, {
    definition: moveOutDefinition,
    route: 'POST /api/cases/move-out',
    body: app,
    idempotencyKey,
    async check(em, today) {
      const { records, householdMembers } = await moversAndHouseholds(em, app.movers);
      return evaluateMoveOut(app, {
        today,
        municipalityCode: deps.config.municipalityCode,
        deadlines: deps.config.deadlines,
        records,
        householdMembers,
        inOpenMoveOut: await personsInOpenMoveOut(em),
      });
    },
    workflow: moveOutWorkflow,
    workflowId: moveOutWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      noticeOverdueDays: deps.config.deadlines.moveInNoticeOverdueDays,
      timings: deps.config.timings,
    }),
    initialStatus: CaseStatus.AWAITING_APPROVAL,
  });
}

export const moveOutIntake: CaseIntakeRoute = {
  path: 'move-out',
  summary: '転出届 intake (paper or special path); starts the move-out workflow',
  schemaName: 'MoveOutApplication',
  schema: MoveOutApplicationSchema,
  run: intakeMoveOut,
};
