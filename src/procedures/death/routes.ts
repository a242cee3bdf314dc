import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { formatBirthDate } from '../../domain/dates';
import { ResidentStatus } from '../../domain/registry-values';
import { Resident } from '../../db/entities';
import { fullName } from '../../db/registry-lookup';
import { setFlash } from '../../api/web/flash';
import { page } from '../../api/web/layout';
import { auditInquiry } from '../../api/web/queries/case-registry';
import { WebError, webOf } from '../../api/web/web-context';
import type { StaffContext } from '../../api/auth';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import { formValues, type FormValues } from '../../api/web/intake/form-input';
import { formRequestId, submitIntake } from '../../api/web/intake/intake-submit';
import type { WebDeps } from '../../api/web/web-deps';
import { deathBody, deathErrorMapping, MAX_REMAINING } from './form';
import { deathForm, type DeceasedPicked } from './page';

const NO_ERRORS: MappedErrors = { byField: {}, summary: [] };
const ADDRESSEE = /^\d{7}$/;

/**
 * 死亡: started from a search result or resident record (POST, the 宛名番号 never in a URL); the deceased and, when
 * they are the 世帯主, the remaining members are read from the registry (audited); filed through the same intake
 * service as POST /api/cases/death.
 */
export function installDeathRoutes(r: Router, deps: WebDeps, session: RequestHandler, gate: RequestHandler) {
  const render = (res: Response, f: FormValues, requestId: string, errors: MappedErrors, d: DeceasedPicked) =>
    res
      .status(errors.summary.length ? 422 : 200)
      .type('html')
      .send(
        page({
          title: '死亡の記載（戸籍の死亡届）',
          ctx: webOf(res),
          municipalityName: deps.config.municipalityName,
          body: deathForm(webOf(res), f, requestId, errors, d),
        }),
      );

  async function pick(staff: StaffContext, addresseeNumber: string, fn: string): Promise<DeceasedPicked> {
    const em = deps.orm.em.fork();
    const person = await em.findOne(Resident, { addresseeNumber, status: ResidentStatus.RESIDENT });
    if (!person) throw new WebError(404, '該当する住民票がありません（除票・転出予定者には記載できません）。');
    const remaining =
      person.relationshipToHead === '世帯主'
        ? (
            await em.find(
              Resident,
              { householdNumber: person.householdNumber, status: ResidentStatus.RESIDENT },
              { orderBy: { addresseeNumber: 'asc' }, limit: MAX_REMAINING + 1 },
            )
          )
            .filter((m) => m.addresseeNumber !== addresseeNumber)
            .slice(0, MAX_REMAINING)
        : [];
    for (const m of [person, ...remaining]) auditInquiry(em, staff, undefined, m.addresseeNumber, fn);
    await em.flush();
    return {
      addresseeNumber,
      name: fullName(person),
      birthDate: formatBirthDate(person.birthDate, { seireki: person.isForeignResident }),
      address: [person.address, person.addressSupplement].filter(Boolean).join('　'),
      householdNumber: person.householdNumber,
      relationshipToHead: person.relationshipToHead,
      remaining: remaining.map((m) => ({
        addresseeNumber: m.addresseeNumber,
        name: fullName(m),
        relationshipToHead: m.relationshipToHead,
      })),
    };
  }

  r.post('/intake/death/start', session, gate, async (req: Request, res: Response) => {
    const v = (req.body as Record<string, unknown> | undefined)?.addresseeNumber;
    if (typeof v !== 'string' || !ADDRESSEE.test(v))
      throw new WebError(400, '亡くなった方が指定されていません。住民検索から開いてください。');
    const d = await pick(webOf(res).staff, v, 'POST /intake/death/start');
    render(res, {}, randomUUID(), NO_ERRORS, d);
  });

  r.post('/intake/death', session, gate, async (req: Request, res: Response) => {
    const ctx = webOf(res);
    const f = formValues(req.body);
    if (!ADDRESSEE.test(f.addresseeNumber ?? '')) throw new WebError(400, '亡くなった方が指定されていません。');
    const requestId = formRequestId(req.body) ?? randomUUID();
    const outcome = await submitIntake(deps.services, ctx, 'death', deathBody(f), requestId, deathErrorMapping);
    if (!outcome.ok)
      return render(res, f, requestId, outcome.errors, await pick(ctx.staff, f.addresseeNumber!, 'POST /intake/death'));
    setFlash(req, res, {
      kind: 'ok',
      text: outcome.created
        ? `死亡の届出を受け付けました（仮登録）。案件番号 ${outcome.caseId}。決裁者の決裁を待ちます。`
        : `この死亡の届出は受付済みです（案件番号 ${outcome.caseId}）。`,
    });
    res.redirect(303, `/cases/${encodeURIComponent(outcome.caseId)}`);
  });
}
