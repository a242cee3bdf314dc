import { Router, type Request } from 'express';
import type { ApiServices } from './services';
import type { ProcedureTable } from '../procedures/table';
import { staffOf } from './auth';

const requestId = (req: Request) => req.get('x-request-id') ?? undefined;

/**
 * /api/cases: the counter intake of every procedure in the table (POST /api/cases/<path>), the case list and
 * detail, and the human steps (POST /api/cases/:caseId/<step>) — thin adapters over the in-process services.
 */
export function casesRouter(services: ApiServices, procedures: ProcedureTable): Router {
  const r = Router();
  for (const m of procedures.cases) {
    const intake = m.intake;
    if (!intake) continue;
    r.post(`/${intake.path}`, async (req, res) => {
      const result = await services.intake(
        staffOf(res),
        intake.path,
        req.body,
        req.get('idempotency-key') ?? undefined,
      );
      res.status(result.created ? 201 : 200).json(result);
    });
  }
  r.get('/', async (req, res) => {
    res.json({ cases: await services.cases.list(staffOf(res), req.query as Record<string, unknown>) });
  });
  r.get('/:caseId/progress', async (req, res) => {
    res.json(await services.cases.progress(staffOf(res), String(req.params.caseId)));
  });
  r.get('/:caseId', async (req, res) => {
    const reveal = req.query.showIndividualNumber === 'true';
    res.json(await services.cases.read(staffOf(res), String(req.params.caseId), { reveal }));
  });
  // the entering clerk's own steps (issue 14): named routes, so the role matrix lists them (clerks only)
  for (const step of ['correct', 'withdraw'])
    r.post(`/:caseId/${step}`, async (req, res) => {
      res.json(await services.cases.act(staffOf(res), String(req.params.caseId), step, req.body, requestId(req)));
    });
  r.post('/:caseId/:step', async (req, res) => {
    const { caseId, step } = req.params as { caseId: string; step: string };
    res.json(await services.cases.act(staffOf(res), caseId, step, req.body, requestId(req)));
  });
  return r;
}
