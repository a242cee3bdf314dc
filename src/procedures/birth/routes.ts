import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { ResidentStatus } from '../../domain/registry-values';
import { Resident } from '../../db/entities';
import { fullName } from '../../db/registry-lookup';
import { setFlash } from '../../api/web/flash';
import { page } from '../../api/web/layout';
import { pendingCasesOf } from '../../api/web/queries/pending-cases-query';
import { auditInquiry } from '../../api/web/queries/case-registry';
import { WebError, webOf } from '../../api/web/web-context';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import { formValues, type FormValues } from '../../api/web/intake/form-input';
import { formRequestId, intakeDoneText, submitIntake } from '../../api/web/intake/intake-submit';
import { correctionPrefill, postedForm } from '../../api/web/intake/correction';
import type { WebDeps } from '../../api/web/web-deps';
import { birthBody, birthErrorMapping } from './form';
import { birthForm, type PickedHousehold } from './page';

const NO_ERRORS: MappedErrors = { byField: {}, summary: [] };
const ADDRESSEE = /^\d{7}$/;

/**
 * 出生届: the empty form (届出の受付), or started from a search result / resident record of a parent (POST, the
 * 宛名番号 never in a URL): the parent's household is picked, its 世帯主 and address shown (an audited inquiry).
 */
export function installBirthRoutes(r: Router, deps: WebDeps, session: RequestHandler, gate: RequestHandler) {
  const render = (res: Response, f: FormValues, requestId: string, errors: MappedErrors, picked?: PickedHousehold) =>
    res
      .status(errors.summary.length ? 422 : 200)
      .type('html')
      .send(
        page({
          title: '出生届の受付',
          ctx: webOf(res),
          municipalityName: deps.config.municipalityName,
          body: birthForm(webOf(res), f, requestId, errors, picked),
        }),
      );

  /** The household of a parent found in the search. */
  async function pick(res: Response, addresseeNumber: string): Promise<PickedHousehold> {
    const em = deps.orm.em.fork();
    const parent = await em.findOne(Resident, { addresseeNumber, status: { $ne: ResidentStatus.REMOVED } });
    if (!parent) throw new WebError(404, '該当する住民票がありません（除票の世帯には入れません）。');
    const head =
      (await em.findOne(Resident, {
        householdNumber: parent.householdNumber,
        relationshipToHead: '世帯主',
        status: { $ne: ResidentStatus.REMOVED },
      })) ?? parent;
    auditInquiry(em, webOf(res).staff, undefined, parent.addresseeNumber, 'POST /intake/birth/start (世帯)');
    if (head !== parent)
      auditInquiry(em, webOf(res).staff, undefined, head.addresseeNumber, 'POST /intake/birth/start (世帯主)');
    await em.flush();
    // a pending 転出 of the parents changes where the child goes: shown before the clerk fills the form (issue 14 bug 1)
    const people = head === parent ? [parent] : [parent, head];
    const open = await pendingCasesOf(
      em,
      deps.procedures,
      people.map((p) => p.addresseeNumber),
    );
    return {
      pending: people.flatMap((p) => {
        const cases = open.get(p.addresseeNumber);
        return cases ? [{ name: fullName(p), cases }] : [];
      }),
      householdNumber: parent.householdNumber,
      headName: fullName(head),
      address: [head.address, head.addressSupplement].filter(Boolean).join('　'),
      registeredDomicile: head.registeredDomicile ?? parent.registeredDomicile,
      familyRegisterHead: head.registeredDomicile ? head.familyRegisterHead : parent.familyRegisterHead,
    };
  }

  // ?correct=<caseId>: a returned case, pre-filled from its stored application (訂正して再提出)
  r.get('/intake/birth', session, gate, async (req, res) =>
    render(res, (await correctionPrefill(deps, req, res)) ?? {}, randomUUID(), NO_ERRORS),
  );

  r.post('/intake/birth/start', session, gate, async (req: Request, res: Response) => {
    const v = (req.body as Record<string, unknown> | undefined)?.addresseeNumber;
    if (typeof v !== 'string' || !ADDRESSEE.test(v))
      throw new WebError(400, '世帯が指定されていません。住民検索から開いてください。');
    const picked = await pick(res, v);
    render(res, { householdNumber: picked.householdNumber }, randomUUID(), NO_ERRORS, picked);
  });

  r.post('/intake/birth', session, gate, async (req: Request, res: Response) => {
    const ctx = webOf(res);
    const f = await postedForm(deps, req, res, formValues(req.body));
    const requestId = formRequestId(req.body) ?? randomUUID();
    const outcome = await submitIntake(deps.services, ctx, 'birth', birthBody(f), requestId, birthErrorMapping);
    if (!outcome.ok) return render(res, f, requestId, outcome.errors);
    setFlash(req, res, { kind: 'ok', text: intakeDoneText(outcome, '出生届') });
    res.redirect(303, `/cases/${encodeURIComponent(outcome.caseId)}`);
  });
}
