import { Router } from 'express';
import { staffOf } from './auth';
import type { SupportMeasureService } from './support-measures-service';

/** /api/support-measures: the 支援措置 / 抑止 register (支援措置責任者 only) — adapters over the service. */
export function supportMeasuresRouter(service: SupportMeasureService): Router {
  const r = Router();
  r.get('/', async (req, res) => res.json(await service.list(staffOf(res), { all: req.query.all === 'true' })));
  r.post('/', async (req, res) => res.status(201).json(await service.enter(staffOf(res), req.body)));
  r.get('/:measureId', async (req, res) =>
    res.json(
      await service.get(staffOf(res), String(req.params.measureId), { personal: req.query.personal === 'true' }),
    ),
  );
  r.post('/:measureId/confirm', async (req, res) =>
    res.json(await service.confirm(staffOf(res), String(req.params.measureId))),
  );
  r.post('/:measureId/extend', async (req, res) =>
    res.json(await service.extend(staffOf(res), String(req.params.measureId))),
  );
  r.post('/:measureId/end', async (req, res) =>
    res.json(await service.end(staffOf(res), String(req.params.measureId), req.body)),
  );
  r.post('/:measureId/release', async (req, res) =>
    res.json(await service.release(staffOf(res), String(req.params.measureId))),
  );
  return r;
}
