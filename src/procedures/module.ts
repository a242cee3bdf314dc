import type { RequestHandler, Router } from 'express';
import type { ActivityDeps } from '../activities/deps';
import type { ProcedureDefinition } from '../domain/procedure-definition';
import type { ApiDeps } from '../api/api-deps';
import type { IntakeDeps, IntakeResult } from '../api/case-intake';
import type { StaffContext } from '../api/auth';
import type { CaseRecord } from '../db/entities';
import type { ProcedurePanel } from '../api/web/panels/panel-types';
import type { WebDeps } from '../api/web/web-deps';
import type { FormValues } from '../api/web/intake/form-input';

/** An activity implementation (Temporal calls it with one argument of plain data). */
export type ActivityFunction = (input: never) => Promise<unknown>;

/** POST /api/cases/<path>: the counter intake of a procedure (仮登録), for clerks. */
export interface CaseIntakeRoute {
  /** URL segment: `move-in` → POST /api/cases/move-in. */
  path: string;
  /** OpenAPI: what the request does, and the JSON schema ajv enforces (a component under this name). */
  summary: string;
  schemaName: string;
  schema: object;
  run(deps: IntakeDeps, actor: StaffContext, body: unknown, idempotencyKey?: string): Promise<IntakeResult>;
}

/** An entry of the 届出の受付 menu (the web UI's intake page). */
export interface IntakeMenuEntry {
  title: string;
  text: string;
  links: ReadonlyArray<{ href: string; label: string; id: string; primary?: boolean }>;
}

/** Routes a module adds outside /api/cases (a partner's inbound API, a counter service). */
export interface MountedRouter {
  /** Mount point, e.g. /portal/v1 (mounted before the JSON body parser when `rawBody`). */
  path: string;
  rawBody?: boolean;
  router(deps: ApiDeps): Router;
}

/** What every module has: its workflows (bundled by the worker) and its activities (registered by the worker). */
interface ModuleBase {
  /** The module's workflow file without extension (`join(__dirname, 'workflow')`): the worker bundles every one listed. */
  workflowFile: string;
  /** The activities of the module, bound to their dependencies (merged with the shared ones by the worker). */
  activities(deps: ActivityDeps): Record<string, ActivityFunction>;
  /** OpenAPI paths and schemas served at /api/openapi.json besides the generated intake path. */
  openapi?: { paths?: Record<string, object>; schemas?: Record<string, object> };
  /** JSON API routes besides the case intake. */
  mounts?: readonly MountedRouter[];
  /** Web routes besides the intake form (installed on the web router, after the session). */
  installWeb?(r: Router, deps: WebDeps, session: RequestHandler): void;
}

/**
 * A case procedure (転入, 転出, …): one folder `src/procedures/<name>/` with its definition, schema and rules
 * (domain), workflow, activities, intake service and web parts, assembled in its `index.ts` and listed once in the
 * procedure table (`src/procedures/index.ts`). Everything generic reads the table.
 */
export interface CaseProcedureModule<D extends ProcedureDefinition = ProcedureDefinition> extends ModuleBase {
  kind: 'case';
  definition: D;
  /** The counter intake (absent when cases arrive otherwise: from the portal, from the CS). */
  intake?: CaseIntakeRoute;
  /**
   * 審査 (confirm-review) of this procedure: takes its own part of the step's body (e.g. the 世帯主変更 chosen by the
   * reviewing clerk) and returns the rest (the generic `reason`) with `store`, which checks and saves that part before
   * the update is sent (a refusal names the field and writes nothing).
   */
  review?(
    deps: ApiDeps,
    row: CaseRecord,
    actor: { userId: string; roles: string[]; terminalId?: string },
    body: unknown,
  ): { rest: unknown; store(): Promise<void> };
  web: {
    /** The case screen's panel of this procedure (`{}`: the generic view only). */
    panel: ProcedurePanel;
    /** The procedure's entry in the 届出の受付 menu, when clerks file it at the counter. */
    menu?: IntakeMenuEntry;
    /** The intake form's routes (gated to clerks by the caller). */
    installForm?(r: Router, deps: WebDeps, session: RequestHandler, gate: RequestHandler): void;
    /**
     * 「訂正して再提出」 of a returned (差戻し) case: the stored (仮登録) application — the `stored` payload the intake
     * saved in case_application — turned back into this procedure's intake form values, the inverse of the form's
     * body builder (field names as the form posts them, dates as 'YYYY-MM-DD', checkboxes '1').
     *
     * 個人番号: never return a number, clear or encrypted. For each one in `stored`, leave its field out and set the
     * "kept unless changed" marker instead: `keptNumber(field, pointer)` (src/api/web/intake/form-input.ts), i.e.
     * `'<field>Kept'` = the JSON pointer of the encrypted value inside `stored`
     * (`{ 'm0.individualNumberKept': '/movers/0/individualNumberEnc' }`). The correction page replaces the pointer by a
     * sealed token (the number encrypted with the 個人番号 key, bound to the user and the form's request ID) in a
     * hidden field and shows 「登録済み（変更する場合のみ入力）」; on submit an empty field with a valid token gets the
     * stored number back on the server, a typed number replaces it. Render 個人番号 inputs with `individualNumberField`
     * (src/api/web/intake/form-controls.ts), which draws the hidden token and the hint. Without this hook the case
     * offers no 「訂正して再提出」 (the clerk returns it by 再提出 or it is withdrawn).
     */
    formValues?(stored: unknown): FormValues;
  };
}

/** A counter service that is not a case (住民票の写し at the counter): workflows, activities, routes. */
export interface CounterServiceModule extends ModuleBase {
  kind: 'counter';
  name: string;
  /** Its entry in the 届出の受付 menu. */
  menu?: IntakeMenuEntry;
}

export type ProcedureModule = CaseProcedureModule | CounterServiceModule;
