import type { ActivityDeps } from '../activities/deps';
import { FRAME_STATUSES, type StatusSpec } from '../domain/case-status';
import {
  isCancellableStatus,
  isFinalStatus,
  procedureCatalog,
  statusSpecOf,
  type ProcedureCatalog,
  type ProcedureDefinition,
} from '../domain/procedure-definition';
import type { ActivityFunction, CaseProcedureModule, ProcedureModule } from './module';

/**
 * The procedure table: the modules of `src/procedures/index.ts` and what generic code derives from them — the case
 * procedures by code, their labels and statuses, the catalog lower layers receive, the workflow files the worker
 * bundles and the activities it registers. Built once per process (a test may build one with a sample procedure).
 */
export function procedureTable(modules: readonly ProcedureModule[]) {
  const cases = modules.filter((m): m is CaseProcedureModule => m.kind === 'case');
  const byCode = new Map<string, CaseProcedureModule>();
  for (const m of cases) {
    if (byCode.has(m.definition.code)) throw new Error(`procedure ${m.definition.code} is listed twice`);
    byCode.set(m.definition.code, m);
  }
  // one label per status code across procedures (a shared code must mean the same thing everywhere)
  const statusLabels: Record<string, string> = Object.fromEntries(
    Object.entries(FRAME_STATUSES).map(([k, v]) => [k, v.label]),
  );
  for (const m of cases) {
    for (const [code, spec] of Object.entries(m.definition.statuses as Record<string, StatusSpec>)) {
      if (statusLabels[code] !== undefined && statusLabels[code] !== spec.label)
        throw new Error(`status ${code} has two labels: ${statusLabels[code]} / ${spec.label}`);
      statusLabels[code] = spec.label;
    }
  }
  const definitions: ProcedureDefinition[] = cases.map((m) => m.definition);
  const catalog: ProcedureCatalog = procedureCatalog(definitions);
  const specOf = (procedure: string | undefined, status: string): StatusSpec | undefined => {
    const m = procedure ? byCode.get(procedure) : undefined;
    if (m) return statusSpecOf(m.definition, status);
    for (const d of definitions) {
      const s = statusSpecOf(d, status);
      if (s) return s;
    }
    return undefined;
  };

  return {
    modules,
    /** The case procedures, in table order (menus, filters, dashboards). */
    cases,
    catalog,
    /** The module of a procedure code (undefined for a code this build does not know). */
    caseModule: (code: string): CaseProcedureModule | undefined => byCode.get(code),
    procedureLabel: (code: string): string => byCode.get(code)?.definition.label ?? code,
    statusLabel: (status: string): string => statusLabels[status] ?? status,
    /** The spec of a status, by the case's procedure when known. */
    statusSpec: specOf,
    isFinal: (procedure: string, status: string): boolean => {
      const m = byCode.get(procedure);
      return m
        ? isFinalStatus(m.definition, status)
        : ['done', 'closed'].includes(specOf(undefined, status)?.group ?? '');
    },
    isCancellable: (procedure: string, status: string): boolean => {
      const m = byCode.get(procedure);
      return m ? isCancellableStatus(m.definition, status) : false;
    },
    /** Every status code that closes a case of one of `procedures` (for "open cases" queries). */
    finalStatusCodes(procedures: readonly string[] = [...byCode.keys()]): string[] {
      const out = new Set<string>();
      for (const p of procedures) {
        const d = byCode.get(p)?.definition;
        if (!d) continue;
        for (const code of [...Object.keys(FRAME_STATUSES), ...Object.keys(d.statuses)])
          if (isFinalStatus(d, code)) out.add(code);
      }
      return [...out];
    },
    /** The files the worker bundles (each module's workflow.ts), besides the shared src/workflows/index.ts. */
    workflowFiles: modules.map((m) => m.workflowFile),
    /** Every module's activities; a name used twice is an error (two activities would answer to it). */
    activities(deps: ActivityDeps): Record<string, ActivityFunction> {
      const all: Record<string, ActivityFunction> = {};
      for (const m of modules) {
        for (const [name, fn] of Object.entries(m.activities(deps))) {
          if (all[name]) throw new Error(`activity ${name} is defined twice`);
          all[name] = fn;
        }
      }
      return all;
    },
  };
}

export type ProcedureTable = ReturnType<typeof procedureTable>;
