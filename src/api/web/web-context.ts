import type { Response } from 'express';
import type { StaffContext } from '../auth';

/** What every page of a logged-in user needs: who, the session token (for loopback API calls) and its CSRF token. */
export interface WebContext {
  staff: StaffContext;
  token: string;
  csrf: string;
  now: Date;
  /** The path of the current page, to mark the active navigation entry. */
  path: string;
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
