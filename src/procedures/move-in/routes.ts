import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { setFlash } from '../../api/web/flash';
import { html } from '../../api/web/html';
import { page } from '../../api/web/layout';
import { webOf } from '../../api/web/web-context';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import { correctionPrefill, postedForm } from '../../api/web/intake/correction';
import { formValues, rowCount, type FormValues } from '../../api/web/intake/form-input';
import { formRequestId, intakeDoneText, submitIntake } from '../../api/web/intake/intake-submit';
import { keepNumbers } from '../../api/kept-numbers';
import { MAX_MOVERS, moveInBody, moveInErrorMapping } from './form';
import { moveInForm } from './page';
import type { WebDeps } from '../../api/web/web-deps';

const NO_ERRORS: MappedErrors = { byField: {}, summary: [] };

/** Row `i` removed: the later rows move up one place (m3.* → m2.*). */
export function removeRow(f: FormValues, prefix: string, i: number): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(f)) {
    const m = new RegExp(`^${prefix}(\\d+)\\.(.+)$`).exec(k);
    if (!m) out[k] = v;
    else if (Number(m[1]) < i) out[k] = v;
    else if (Number(m[1]) > i) out[`${prefix}${Number(m[1]) - 1}.${m[2]}`] = v;
  }
  return out;
}

/** Every 個人番号 field taken out of the form values. */
export const withoutNumbers = (f: FormValues): FormValues =>
  Object.fromEntries(Object.entries(f).filter(([k]) => !/(^|\.)individualNumber$/.test(k)));

export function installMoveInRoutes(r: Router, deps: WebDeps, session: RequestHandler, gate: RequestHandler) {
  const render = (res: Response, f: FormValues, rows: number, requestId: string, errors: MappedErrors, status = 200) =>
    res
      .status(status)
      .type('html')
      .send(
        page({
          title: '転入届の受付',
          ctx: webOf(res),
          municipalityName: deps.config.municipalityName,
          body: html`${moveInForm(webOf(res), f, rows, requestId, errors)}`,
        }),
      );

  // ?correct=<caseId>: the form of a returned case, pre-filled from its stored application (訂正して再提出)
  r.get('/intake/move-in', session, gate, async (req, res) => {
    const f = (await correctionPrefill(deps, req, res)) ?? {};
    render(res, f, rowCount(f, 'm', MAX_MOVERS), randomUUID(), NO_ERRORS);
  });

  r.post('/intake/move-in', session, gate, async (req: Request, res: Response) => {
    const ctx = webOf(res);
    const f = await postedForm(deps, req, res, formValues(req.body));
    const requestId = formRequestId(req.body) ?? randomUUID();
    const op = f.op ?? 'submit';
    const { body, rows } = moveInBody(f);
    // correct 個人番号 go back only as sealed tokens (issue 14 bug 4); one with an error is re-entered
    const kept = (errors: MappedErrors) => keepNumbers(deps.pii, ctx.staff.userId, f, errors.byField).values;
    const shown = kept(NO_ERRORS);
    if (op === 'add')
      return render(
        res,
        { ...shown, rows: String(Math.min(rows + 1, MAX_MOVERS)) },
        Math.min(rows + 1, MAX_MOVERS),
        requestId,
        NO_ERRORS,
      );
    const remove = /^remove-(\d+)$/.exec(op);
    if (remove && rows > 1)
      return render(res, removeRow(shown, 'm', Number(remove[1])), rows - 1, requestId, NO_ERRORS);
    const outcome = await submitIntake(deps.services, ctx, 'move-in', body, requestId, moveInErrorMapping);
    if (!outcome.ok) return render(res, kept(outcome.errors), rows, requestId, outcome.errors, outcome.status);
    setFlash(req, res, { kind: 'ok', text: intakeDoneText(outcome, '転入届') });
    res.redirect(303, `/cases/${encodeURIComponent(outcome.caseId)}`);
  });
}
