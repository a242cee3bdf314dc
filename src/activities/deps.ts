import type { MikroORM } from '@mikro-orm/core';
import type { AppConfig } from '../config';
import type { PiiCrypto } from '../db/pii-crypto';
import type { ProcedureCatalog } from '../domain/procedure-definition';
import type { CardAgency } from '../partners/card-agency';
import type { CsGateway } from '../partners/cs-gateway';
import type { Portal } from '../partners/portal';
import type { CertificateRenderer } from './certificate-renderer';

/** What activities may touch: the registry DB, the partners behind their ports, the PDF renderer. */
export interface ActivityDeps {
  orm: MikroORM;
  pii: PiiCrypto;
  cs: CsGateway;
  cards: CardAgency;
  portal: Portal;
  certificates: CertificateRenderer;
  /** The procedures' definitions (compensation direction, certificate reason), from the procedure table. */
  procedures: ProcedureCatalog;
  config: Pick<
    AppConfig,
    | 'municipalityCode'
    | 'municipalityName'
    | 'prefectureName'
    | 'mayorName'
    | 'officeName'
    | 'identityUpdateIncludesKana'
    | 'deadlines'
    | 'cardPickup'
  >;
  now?: () => Date;
}
