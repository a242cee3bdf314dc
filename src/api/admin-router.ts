import { Router } from 'express';
import { staffOf } from './auth';
import type { StaffAdminService } from './staff-admin-service';

/** /api/admin: staff users managed by the security administrator (issue 14 item 7), adapters over the service. */
export function adminRouter(svc: StaffAdminService): Router {
  const r = Router();
  const id = (v: unknown) => String(v);
  r.get('/users', async (_req, res) => res.json(await svc.list(staffOf(res))));
  r.post('/users', async (req, res) => res.status(201).json(await svc.create(staffOf(res), req.body)));
  r.get('/users/:userId', async (req, res) => res.json(await svc.get(staffOf(res), id(req.params.userId))));
  r.post('/users/:userId/roles', async (req, res) =>
    res.json(await svc.setRoles(staffOf(res), id(req.params.userId), req.body)),
  );
  r.post('/users/:userId/validity', async (req, res) =>
    res.json(await svc.setValidity(staffOf(res), id(req.params.userId), req.body)),
  );
  r.post('/users/:userId/lock', async (req, res) => res.json(await svc.lock(staffOf(res), id(req.params.userId))));
  r.post('/users/:userId/unlock', async (req, res) => res.json(await svc.unlock(staffOf(res), id(req.params.userId))));
  r.post('/users/:userId/password-resets', async (req, res) =>
    res.status(201).json(await svc.requestReset(staffOf(res), id(req.params.userId))),
  );
  r.get('/password-resets', async (_req, res) => res.json(await svc.pendingResets(staffOf(res))));
  r.post('/password-resets/:resetId/approve', async (req, res) =>
    res.json(await svc.approveReset(staffOf(res), id(req.params.resetId))),
  );
  r.get('/terminals', async (_req, res) => res.json(await svc.terminals(staffOf(res))));
  return r;
}
