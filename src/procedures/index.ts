import { birth } from './birth';
import { cardEvents } from './card-events';
import { cardIssuance } from './card-issuance';
import { death } from './death';
import { heldCertificate } from './held-certificate';
import { householdChange } from './household-change';
import { moveIn } from './move-in';
import { moveOut } from './move-out';
import { moveWithin } from './move-within';
import { onlineMoveOut } from './online-move-out';
import { residentRecordCopy } from './resident-record-copy';
import { specialMoveIn } from './special-move-in';
import { procedureTable } from './table';

/**
 * THE procedure table: every procedure of the system, one line each (README: Adding a procedure). API routes,
 * OpenAPI, the intake menu, case panels, status labels, compensation direction, certificate reasons, the worker's
 * workflows and activities are all derived from it (src/procedures/table.ts).
 */
export const PROCEDURE_MODULES = [
  moveIn,
  specialMoveIn,
  moveOut,
  moveWithin,
  onlineMoveOut,
  heldCertificate,
  birth,
  householdChange,
  death,
  cardIssuance,
  residentRecordCopy,
  cardEvents,
] as const;

export const PROCEDURES = procedureTable(PROCEDURE_MODULES);

/** The code of every case procedure (stored in case_record.procedure). */
export type ProcedureCode = Extract<(typeof PROCEDURE_MODULES)[number], { kind: 'case' }>['definition']['code'];
