import { compileSchema } from '../../domain/ajv';
import { Household } from '../../db/entities';
import { residentCodePoolLevel } from '../../db/resident-code-pool';
import { intakeCase, parseIntakeApplication, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import type { StaffContext } from '../../api/auth';
import type { CaseIntakeRoute } from '../module';
import { birthDefinition } from './definition';
import { evaluateBirth } from './rules';
import { BirthApplicationSchema, type BirthApplication, type StoredBirthApplication } from './schema';
import { birthWorkflow, birthWorkflowId } from './workflow';

const validateShape = compileSchema<BirthApplication>(BirthApplicationSchema);

/**
 * 出生 intake: validate (schema), read the facts the rules need (the household, the 住民票コード pool), decide
 * (rules.ts), then the common intake transaction and the workflow start. Bad input stores and starts nothing.
 */
export async function intakeBirth(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const app = parseIntakeApplication(validateShape, body);
  return intakeCase(deps, actor, {
    definition: birthDefinition,
    route: 'POST /api/cases/birth',
    body: app,
    idempotencyKey,
    async check(em, today) {
      const row =
        app.household.mode === 'join'
          ? await em.findOne(Household, { householdNumber: app.household.householdNumber })
          : undefined;
      const { errors, flags, notificationDate } = evaluateBirth(app, {
        ...deps.config,
        today,
        household: row ? { active: row.active } : undefined,
        poolLevel: await residentCodePoolLevel(em),
      });
      const stored: StoredBirthApplication = { ...app, notificationDate };
      return { errors, flags, stored };
    },
    workflow: birthWorkflow,
    workflowId: birthWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      requestCertificate: Boolean(app.certificateRequest),
      copyWithoutIndividualNumber: !app.certificateRequest?.includeIndividualNumber,
      timings: deps.config.timings,
    }),
  });
}

export const birthIntake: CaseIntakeRoute = {
  path: 'birth',
  summary: '出生 intake (仮登録 from the 出生届); starts the birth workflow',
  schemaName: 'BirthApplication',
  schema: BirthApplicationSchema,
  run: intakeBirth,
};
