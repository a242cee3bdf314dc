import type { EntityManager } from '@mikro-orm/core';
import type { PiiCrypto } from '../../../db/pii-crypto';
import type { StaffContext } from '../../auth';
import type { CaseView } from '../../case-service';
import type { SafeHtml } from '../html';
import type { ComparisonRow } from './record-fields';

export interface PanelContext {
  em: EntityManager;
  pii: PiiCrypto;
  view: CaseView;
  app: Record<string, any>;
  /** The 個人番号 is shown (a number-use role pressed 「表示」; the API audited it). */
  reveal: boolean;
  staff: StaffContext;
  /** The session's CSRF token, for a form a panel section posts. */
  csrf: string;
}

/** One person's registry record before the case and after each change it made (or as the application would make it). */
export interface PersonComparison {
  heading: string;
  /** Column titles: the record before the case, then each state the case records (or the draft). */
  columns: string[];
  rows: ComparisonRow[];
  note?: string;
}

export type Facts = Array<[label: string, value: string]>;

/**
 * The per-procedure detail panel of the case screen (`src/procedures/<name>/panel.ts`). Every part is optional:
 * `{}` shows a procedure generically (status, steps from its definition, flags, timeline, documents and the
 * application as stored).
 */
export interface ProcedurePanel {
  /** The application (届出内容) as labelled facts. */
  facts?(app: Record<string, any>, view: CaseView): Facts;
  /** Findings of automatic checks stored with the application (besides the case flags). */
  findings?(app: Record<string, any>): Array<{ rule: string; message: string; mover?: number }>;
  /**
   * Actions the workflow will refuse for reasons the projection does not carry (e.g. findings that block the review):
   * not offered, and the reason is shown instead.
   */
  withheldActions?(app: Record<string, any>): Array<{ action: string; reason: string }>;
  /** Before/after per person while nothing is committed (afterwards the history snapshots of the case are used). */
  draftComparison?(ctx: PanelContext): Promise<PersonComparison[]>;
  /** A procedure-specific section (e.g. the held 転出証明書情報). */
  extra?(ctx: PanelContext): Promise<SafeHtml | undefined>;
}
