import { compileSchema } from '../../domain/ajv';
import { ResidentStatus } from '../../domain/registry-values';
import { HeldCertificateState, HeldMoveOutCertificate, Resident } from '../../db/entities';
import { activeHouseholdExists } from '../../db/registry-lookup';
import { intakeCase, parseIntakeApplication, type IntakeDeps, type IntakeResult } from '../../api/case-intake';
import type { StaffContext } from '../../api/auth';
import type { CaseIntakeRoute } from '../module';
import { specialMoveInDefinition, SpecialMoveInStatus } from './definition';
import { evaluateSpecialMoveIn } from './rules';
import { SpecialMoveInApplicationSchema, type SpecialMoveInApplication } from './schema';
import { specialMoveInWorkflow, specialMoveInWorkflowId } from './workflow';

const validateShape = compileSchema<SpecialMoveInApplication>(SpecialMoveInApplicationSchema);

/** 特例転入届 intake (domain.md §4.2): schema, the registry facts, the rules (rules.ts), then the common intake. */
export async function intakeSpecialMoveIn(
  deps: IntakeDeps,
  actor: StaffContext,
  body: unknown,
  idempotencyKey: string | undefined,
): Promise<IntakeResult> {
  const app = parseIntakeApplication(validateShape, body);
  return intakeCase(deps, actor, {
    definition: specialMoveInDefinition,
    route: 'POST /api/cases/special-move-in',
    body: app,
    idempotencyKey,
    async check(em, today) {
      const householdExists =
        app.household.mode !== 'join' || (await activeHouseholdExists(em, app.household.householdNumber));
      const registered: boolean[] = [];
      const heldPlannedMoveOutDates: Array<string | undefined> = [];
      for (const p of app.persons) {
        const current = await em.findOne(Resident, {
          residentRecordCode: p.residentRecordCode,
          status: { $ne: ResidentStatus.REMOVED },
        });
        registered.push(Boolean(current));
        const held = await em.findOne(HeldMoveOutCertificate, {
          residentRecordCode: p.residentRecordCode,
          state: HeldCertificateState.HELD,
        });
        heldPlannedMoveOutDates.push(held?.plannedMoveOutDate);
      }
      const { errors, stored } = evaluateSpecialMoveIn(app, {
        today,
        municipalityCode: deps.config.municipalityCode,
        deadlines: deps.config.deadlines,
        householdExists,
        registered,
        heldPlannedMoveOutDates,
      });
      return { errors, flags: [], stored };
    },
    workflow: specialMoveInWorkflow,
    workflowId: specialMoveInWorkflowId,
    workflowArgs: (caseId) => ({
      caseId,
      enteredBy: actor.userId,
      terminalId: actor.terminalId,
      requestCertificate: Boolean(app.certificateRequest),
      timings: deps.config.timings,
    }),
    initialStatus: SpecialMoveInStatus.AWAITING_CERTIFICATE_INFO, // until the workflow has found (or requested) the 転出証明書情報
  });
}

export const specialMoveInIntake: CaseIntakeRoute = {
  path: 'special-move-in',
  summary: '特例転入届 intake (card); uses held 転出証明書情報 or sends a 送信依頼',
  schemaName: 'SpecialMoveInApplication',
  schema: SpecialMoveInApplicationSchema,
  run: intakeSpecialMoveIn,
};
