import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { EntityManager } from '@mikro-orm/core';
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
import { householdChangeBody, householdChangeErrorMapping, MAX_MEMBERS, personRowPointers } from './form';
import { householdChangeForm, type PickedHouseholdForChange } from './page';
import { HOUSEHOLD_CHANGE_KINDS } from './schema';

const NO_ERRORS: MappedErrors = { byField: {}, summary: [] };
const NUMBER = /^\d{7}$/;

/** The living members of a household (an audited inquiry each), its 世帯主 and address, for a household form. */
export async function pickHousehold(
  em: EntityManager,
  staff: StaffContext,
  householdNumber: string,
  fn: string,
): Promise<PickedHouseholdForChange> {
  const members = await em.find(
    Resident,
    { householdNumber, status: { $ne: ResidentStatus.REMOVED } },
    { orderBy: { addresseeNumber: 'asc' }, limit: MAX_MEMBERS },
  );
  if (!members.length) throw new WebError(404, '該当する世帯がありません（除票の世帯は変更できません）。');
  const head = members.find((m) => m.relationshipToHead === '世帯主') ?? members[0]!;
  for (const m of members) auditInquiry(em, staff, undefined, m.addresseeNumber, fn);
  await em.flush();
  return {
    householdNumber,
    headName: fullName(head),
    address: [head.address, head.addressSupplement].filter(Boolean).join('　'),
    members: members.map((m) => ({
      addresseeNumber: m.addresseeNumber,
      name: fullName(m),
      birthDate: formatBirthDate(m.birthDate, { seireki: m.isForeignResident }),
      relationshipToHead: m.relationshipToHead,
    })),
  };
}

/**
 * 世帯変更届: started from a search result or resident record (POST with the 宛名番号, or the 世帯番号 from the
 * 「先に世帯主変更が必要です」 finding; never in a URL): the household's members are listed from the registry (audited)
 * and each gets a new 続柄; filed through the same intake service as POST /api/cases/household-change.
 */
export function installHouseholdChangeRoutes(r: Router, deps: WebDeps, session: RequestHandler, gate: RequestHandler) {
  const render = (
    res: Response,
    f: FormValues,
    requestId: string,
    errors: MappedErrors,
    picked: PickedHouseholdForChange,
  ) =>
    res
      .status(errors.summary.length ? 422 : 200)
      .type('html')
      .send(
        page({
          title: '世帯変更届の受付',
          ctx: webOf(res),
          municipalityName: deps.config.municipalityName,
          body: householdChangeForm(webOf(res), f, requestId, errors, picked),
        }),
      );

  r.post('/intake/household-change/start', session, gate, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const em = deps.orm.em.fork();
    let householdNumber = typeof body.householdNumber === 'string' ? body.householdNumber : '';
    if (typeof body.addresseeNumber === 'string' && NUMBER.test(body.addresseeNumber)) {
      const person = await em.findOne(Resident, { addresseeNumber: body.addresseeNumber });
      householdNumber = person?.householdNumber ?? '';
    }
    if (!NUMBER.test(householdNumber))
      throw new WebError(400, '世帯が指定されていません。住民検索から開いてください。');
    const picked = await pickHousehold(em, webOf(res).staff, householdNumber, 'POST /intake/household-change/start');
    const kind = HOUSEHOLD_CHANGE_KINDS.find((k) => k === body.kind);
    render(res, kind ? { kind } : {}, randomUUID(), NO_ERRORS, picked);
  });

  r.post('/intake/household-change', session, gate, async (req: Request, res: Response) => {
    const ctx = webOf(res);
    const f = formValues(req.body);
    if (!NUMBER.test(f.householdNumber ?? '')) throw new WebError(400, '世帯が指定されていません。');
    const requestId = formRequestId(req.body) ?? randomUUID();
    const outcome = await submitIntake(
      deps.services,
      ctx,
      'household-change',
      householdChangeBody(f),
      requestId,
      householdChangeErrorMapping,
      personRowPointers(f),
    );
    if (!outcome.ok) {
      const picked = await pickHousehold(
        deps.orm.em.fork(),
        ctx.staff,
        f.householdNumber!,
        'POST /intake/household-change',
      );
      return render(res, f, requestId, outcome.errors, picked);
    }
    setFlash(req, res, {
      kind: 'ok',
      text: outcome.created
        ? `世帯変更届を受け付けました（仮登録）。案件番号 ${outcome.caseId}。決裁者の決裁を待ちます。`
        : `この世帯変更届は受付済みです（案件番号 ${outcome.caseId}）。`,
    });
    res.redirect(303, `/cases/${encodeURIComponent(outcome.caseId)}`);
  });
}
