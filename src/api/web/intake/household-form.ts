import type { MikroORM } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { ResidentStatus } from '../../../domain/registry-values';
import { Resident } from '../../../db/entities';
import { WebError } from '../web-context';
import type { WebDeps } from '../web-deps';
import { correctionPrefill } from './correction';
import type { FormValues } from './form-input';

const ADDRESSEE = /^\d{7}$/;

/** The household of the person a form was started from, in 宛名番号 order (at most `max`, the form's rows). */
export async function householdOf(orm: MikroORM, addresseeNumber: string, max: number): Promise<Resident[]> {
  const em = orm.em.fork();
  const person = await em.findOne(Resident, { addresseeNumber });
  if (!person) throw new WebError(404, '該当する住民票がありません。');
  return em.find(
    Resident,
    { householdNumber: person.householdNumber, status: { $ne: ResidentStatus.REMOVED } },
    { orderBy: { addresseeNumber: 'asc' }, limit: max },
  );
}

/**
 * How a household form (転出届, 転居届) is opened: `POST /intake/<path>/start` from a search result or a record (the
 * person's row ticked; the 宛名番号 in the body, never in a URL) and `GET /intake/<path>?correct=<caseId>` for a returned
 * case, pre-filled from its stored application. Returns `fromOf`, the person the posted form started from.
 */
export function installHouseholdFormEntry(
  r: Router,
  deps: WebDeps,
  session: RequestHandler,
  gate: RequestHandler,
  o: {
    path: string;
    /** The refusal when no person is named, e.g. 「転出する方が指定されていません。」. */
    missing: string;
    maxMembers: number;
    /** The stored application's rows placed on the household's rows (the members in 宛名番号 order). */
    rowsOf(stored: FormValues, members: string[]): FormValues;
    render(res: Response, from: string, f: FormValues, requestId: string): Promise<void>;
  },
): { fromOf(req: Request): string } {
  const missing = `${o.missing}住民検索から開いてください。`;
  const fromOf = (req: Request) => {
    const body = req.body as Record<string, unknown> | undefined;
    const v = body?.from ?? body?.addresseeNumber;
    if (typeof v !== 'string' || !ADDRESSEE.test(v)) throw new WebError(400, missing);
    return v;
  };
  r.post(`/intake/${o.path}/start`, session, gate, async (req, res) => {
    const from = fromOf(req);
    const members = await householdOf(deps.orm, from, o.maxMembers);
    const i = members.findIndex((m) => m.addresseeNumber === from);
    await o.render(res, from, i >= 0 ? { [`p${i}.selected`]: '1' } : {}, randomUUID());
  });
  r.get(`/intake/${o.path}`, session, gate, async (req, res) => {
    const stored = await correctionPrefill(deps, req, res);
    if (!stored?.from || !ADDRESSEE.test(stored.from)) throw new WebError(400, missing);
    const members = await householdOf(deps.orm, stored.from, o.maxMembers);
    const f = o.rowsOf(
      stored,
      members.map((m) => m.addresseeNumber),
    );
    await o.render(res, stored.from, f, randomUUID());
  });
  return { fromOf };
}
