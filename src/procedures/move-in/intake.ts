import { compileSchema } from '../../domain/ajv';
import { activeHouseholdExists, matchRegistry } from '../../db/registry-lookup';
import {
  RESIDENT_CODE_POOL_EMPTY,
  RESIDENT_CODE_POOL_EMPTY_MESSAGE,
  residentCodePoolLevel,
} from '../../db/resident-code-pool';
import { intakeCase, parseIntakeApplication, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import type { StaffContext } from '../../api/auth';
import type { CaseIntakeRoute } from '../module';
import { moveInDefinition } from './definition';
import { evaluateMoveIn } from './rules';
import { MoveInApplicationSchema, type MoveInApplication, type StoredMoveInApplication } from './schema';
import { moveInWorkflow, moveInWorkflowId } from './workflow';

const validateShape = compileSchema<MoveInApplication>(MoveInApplicationSchema);

/**
 * 転入届 intake: validate (schema), read the facts the rules need (household, 再転入 / already registered), decide
 * (rules.ts), then the common intake transaction and the workflow start. Bad input stores and starts nothing.
 */
export async function intakeMoveIn(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const app = parseIntakeApplication(validateShape, body);
  return intakeCase(deps, actor, {
    definition: moveInDefinition,
    route: 'POST /api/cases/move-in',
    body: app,
    idempotencyKey,
    async check(em, today) {
      const householdExists =
        app.household.mode !== 'join' || (await activeHouseholdExists(em, app.household.householdNumber));
      const matches = [];
      for (const m of app.movers) {
        const r = await matchRegistry(em, deps.pii, m);
        matches.push({ current: Boolean(r.current), removed: Boolean(r.removed), fourInfoAlert: r.fourInfoAlert });
      }
      const { errors, flags, notificationDate } = evaluateMoveIn(app, {
        ...deps.config,
        today,
        householdExists,
        matches,
      });
      // a mover arriving from abroad without a 住民票コード draws one from the pool at 本登録: refuse now if it
      // cannot supply them all (domain spec §4.7 step 1, §7.2)
      const withoutCode = app.movers.flatMap((m, i) => (m.residentRecordCode === undefined ? [i] : []));
      if (withoutCode.length && (await residentCodePoolLevel(em)) < withoutCode.length)
        for (const i of withoutCode)
          errors.push({
            field: `/movers/${i}/residentRecordCode`,
            rule: RESIDENT_CODE_POOL_EMPTY,
            message: RESIDENT_CODE_POOL_EMPTY_MESSAGE,
          });
      const stored: StoredMoveInApplication = {
        ...app,
        notificationDate,
        movers: app.movers.map(({ individualNumber, ...m }) => ({
          ...m,
          ...(individualNumber ? { individualNumberEnc: deps.pii.encrypt(individualNumber) } : {}),
        })),
      };
      return { errors, flags, stored, individualNumberAccessed: app.movers.some((m) => m.individualNumber) };
    },
    workflow: moveInWorkflow,
    workflowId: moveInWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      requestCertificate: Boolean(app.certificateRequest),
      timings: deps.config.timings,
    }),
  });
}

export const moveInIntake: CaseIntakeRoute = {
  path: 'move-in',
  summary: '転入届 intake (仮登録); starts the move-in workflow',
  schemaName: 'MoveInApplication',
  schema: MoveInApplicationSchema,
  run: intakeMoveIn,
};
