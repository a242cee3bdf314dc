import type { RequestHandler, Router } from 'express';
import type { WebDeps } from '../../api/web/web-deps';
import { installCardQueueRoutes } from './card-queues';
import { installHandoverRoutes } from './handover-page';

/** The card screens (issue 12 item 7): the card queues and the handover checklist. */
export function installCardWeb(r: Router, deps: WebDeps, session: RequestHandler): void {
  installCardQueueRoutes(r, deps, session);
  installHandoverRoutes(r, deps, session);
}
