import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../config';
import type { PiiCrypto } from '../db/pii-crypto';
import type { ProcedureTable } from '../procedures/table';
import type { PortalTrustSource } from './portal-trust';

/** What the API process (JSON API and web UI) runs on. */
export interface ApiDeps {
  orm: MikroORM;
  pii: PiiCrypto;
  temporal: Client;
  config: AppConfig;
  /** Trust anchors, intermediates and revocation list for the マイナポータル signatures (file-based in production). */
  portalTrust: PortalTrustSource;
  /** The procedure table (src/procedures/index.ts): routes, OpenAPI, menus, panels and labels come from it. */
  procedures: ProcedureTable;
}
