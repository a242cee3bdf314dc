import type { RequestHandler, Router } from 'express';
import { can } from '../../../domain/roles';
import { takeFlash } from '../flash';
import { html } from '../html';
import { page } from '../layout';
import { requireWebRole } from '../web-auth';
import type { WebDeps } from '../web-deps';
import { webOf } from '../web-context';

/**
 * 届出の受付 (仮登録) for clerks: one entry per procedure of the table that has a menu entry, and each procedure's
 * intake form. A form builds the JSON application and files it through the same intake service as the JSON API;
 * nothing is stored before the service has accepted it.
 */
export function installIntakeRoutes(r: Router, deps: WebDeps, session: RequestHandler) {
  const gate = requireWebRole(deps.orm, can.enterCase, 'GET /intake');
  const entries = deps.procedures.modules.flatMap((m) => (m.kind === 'case' ? (m.web.menu ?? []) : (m.menu ?? [])));
  r.get('/intake', session, gate, (req, res) => {
    const body = html`<div class="intake-menu">
      ${entries.map(
        (e) => html`<section class="panel"><h2>${e.title}</h2><p>${e.text}</p>
        <p>${e.links.map((l, i) => html`${i ? ' ' : ''}<a${l.primary ? html` class="btn-primary btn-link-big"` : ''} href="${l.href}" id="${l.id}">${l.label}</a>`)}</p></section>`,
      )}
    </div>`;
    res.type('html').send(
      page({
        title: '届出の受付',
        ctx: webOf(res),
        municipalityName: deps.config.municipalityName,
        body,
        notice: takeFlash(req, res),
      }),
    );
  });
  for (const m of deps.procedures.cases) m.web.installForm?.(r, deps, session, gate);
}
