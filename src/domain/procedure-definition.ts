import { CaseStatus, FRAME_STATUSES, type StatusSpec } from './case-status';

/**
 * The domain facts of one procedure (転入, 転出, …): what every generic part of the system needs to know about it,
 * in one place per procedure (`src/procedures/<name>/definition.ts`). The procedure table
 * (`src/procedures/index.ts`) lists the definitions with the rest of each procedure; lower layers receive the facts
 * they need from it (e.g. the compensation direction, through `ActivityDeps.procedures`), never from a hand-kept list.
 * Every field is required: a procedure that forgets one does not type-check.
 */
export interface ProcedureDefinition<Code extends string = string, Status extends string = string> {
  /** Stored in case_record.procedure and the Procedure search attribute. */
  code: Code;
  /** 手続 as clerks call it (queues, case screen, dashboard). */
  label: string;
  /** Case ID prefix: MI → MI-20261124-1a2b3c4d. */
  idPrefix: string;
  /** Statuses of this procedure besides the shared ones of the case frame (domain/case-status.ts). */
  statuses: Readonly<Record<Status, StatusSpec>>;
  /** Progress of a case on the case screen: each step and the statuses that belong to it, in order. */
  steps: ReadonlyArray<{ label: string; statuses: readonly (Status | CaseStatus)[] }>;
  /**
   * What a cancellation after 本登録 appends per person (domain.md §3.3): `remove` = 異動の取消し（減） (the case
   * created the record: it becomes a 除票), `restore` = 異動の取消し（増） (the case removed or was removing the
   * person: the record returns), `amend` = 異動の取消し（修正） (the case amended a current record, e.g. a 転居: the
   * prior items return), `none` = nothing to compensate (no registry change of its own).
   */
  compensation: 'remove' | 'restore' | 'amend' | 'none';
  /**
   * The 住民となった事由 printed on a 住民票の写し issued by a case of this procedure (null: each person's own, from
   * their first history row — a case that does not make anyone a resident, e.g. a 世帯変更).
   */
  certificateReason: '転入' | '出生' | '転居' | null;
  /** Case flags (findings of the intake) that forbid confirming the 審査: only rejection or contact remain. */
  reviewBlockingFlags: readonly string[];
}

/** The spec of a status of a procedure: its own statuses first, then the frame's. Undefined for an unknown code. */
export const statusSpecOf = (d: Pick<ProcedureDefinition, 'statuses'>, status: string): StatusSpec | undefined =>
  (d.statuses as Record<string, StatusSpec | undefined>)[status] ?? FRAME_STATUSES[status as CaseStatus];

/** A closed case (done or closed group): no more human steps, completedAt is set. */
export const isFinalStatus = (d: Pick<ProcedureDefinition, 'statuses'>, status: string): boolean => {
  const g = statusSpecOf(d, status)?.group;
  return g === 'done' || g === 'closed';
};

export const isCancellableStatus = (d: Pick<ProcedureDefinition, 'statuses'>, status: string): boolean =>
  Boolean(statusSpecOf(d, status)?.cancellable);

/** Every status code a procedure can be in: the frame's and its own. */
export const statusCodesOf = (d: Pick<ProcedureDefinition, 'statuses'>): string[] => [
  ...Object.keys(FRAME_STATUSES),
  ...Object.keys(d.statuses),
];

/** The procedures' definitions by code, as lower layers receive them (built from the procedure table). */
export interface ProcedureCatalog {
  /** The definition of a procedure code; throws for an unknown code (a case of a procedure this build lacks). */
  definitionOf(code: string): ProcedureDefinition;
}

export function procedureCatalog(definitions: readonly ProcedureDefinition[]): ProcedureCatalog {
  const byCode = new Map(definitions.map((d) => [d.code, d]));
  return {
    definitionOf(code) {
      const d = byCode.get(code);
      if (!d) throw new Error(`unknown procedure ${code}`);
      return d;
    },
  };
}

/** The status codes that close a case of these procedures (for "open cases" queries). */
export const finalStatusCodesOf = (...defs: Array<Pick<ProcedureDefinition, 'statuses'>>): string[] => [
  ...new Set(defs.flatMap((d) => statusCodesOf(d).filter((s) => isFinalStatus(d, s)))),
];
