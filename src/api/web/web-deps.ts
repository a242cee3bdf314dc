import type { ApiDeps } from '../api-deps';
import type { ApiServices } from '../services';

/** What the web UI's routes run on: the API's dependencies and its in-process services (no HTTP loopback). */
export interface WebDeps extends ApiDeps {
  services: ApiServices;
}
