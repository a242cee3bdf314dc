import { Router } from 'express';
import { staffOf } from './auth';
import type { ApiServices } from './services';

/** /api/certificates: the counter 住民票の写し, the issued PDFs (audited) and 再交付 — adapters over the services. */
export function certificatesRouter(services: ApiServices): Router {
  const r = Router();
  r.post('/resident-record-copy', async (req, res) => {
    res.status(201).json(await services.counterCopy(staffOf(res), req.body, req.get('x-request-id') ?? undefined));
  });
  r.get('/:certificateId/pdf', async (req, res) => {
    const cert = await services.certificatePdf(staffOf(res), String(req.params.certificateId));
    res
      .type('application/pdf')
      .set('Content-Disposition', `inline; filename="${cert.certificateId}.pdf"`)
      .set('Cache-Control', 'no-store')
      .send(cert.pdf);
  });
  r.post('/:certificateId/reissue', async (req, res) => {
    const result = await services.reissue(
      staffOf(res),
      String(req.params.certificateId),
      req.get('x-request-id') ?? undefined,
    );
    res.status(201).json(result);
  });
  return r;
}
