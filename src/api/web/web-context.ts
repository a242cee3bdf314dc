import type { Response } from 'express';
import type { StaffContext } from '../auth';
import type { CaseLabels } from './components';

/** What every page of a logged-in user needs: who, the session's CSRF token, and the labels of procedures and statuses. */
export interface WebContext {
  staff: StaffContext;
  /** The session token (to end the session at logout). */
  token: string;
  csrf: string;
  labels: CaseLabels;
  now: Date;
  /** The path of the current page, to mark the active navigation entry. */
  path: string;
  /** An intake form opened to correct a returned case (訂正して再提出): its case and the 差戻し reason. */
  correction?: { caseId: string; reason?: string };
}

export const webOf = (res: Response): WebContext => res.locals.web as WebContext;

/** An error shown as an HTML page (status + Japanese message). */
export class WebError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = 'ERROR',
  ) {
    super(message);
  }
}
