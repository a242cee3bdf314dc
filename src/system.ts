import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { createCertificateRendererPool } from './activities/certificate-render-pool';
import { createApiApp } from './api/app';
import { runWorkflowStartReconciler } from './api/workflow-starts';
import { keyBytes, type AppConfig } from './config';
import { openRegistryDb } from './db/orm';
import { piiCryptoFor } from './db/pii-crypto';
import { CardAgencyHttpClient } from './partners/card-agency-http-client';
import { startCardAgencySimulator, type RunningCardAgencySimulator } from './partners/card-agency-simulator';
import { CsHttpClient } from './partners/cs-http-client';
import { startCsSimulator, type RunningCsSimulator } from './partners/cs-simulator';
import { fileTrustSource, unconfiguredTrust, type PortalTrustSource } from './api/portal-trust';
import { PortalHttpClient } from './partners/portal-http-client';
import { startPortalSimulator } from './partners/portal-simulator';
import { attachPiiCipher, encryptClearRows } from './db/encrypted-columns';
import { createTemporalClient } from './temporal/client';
import { ensureHeldCertificateSweepInBackground } from './procedures/held-certificate/sweep-start';
import { createRegistryWorker } from './worker/create-worker';
import { startWorkerMetricsServer } from './worker/telemetry';
import { PROCEDURES } from './procedures';
import type { ProcedureTable } from './procedures/table';

export interface RunningSystem {
  config: AppConfig;
  orm: MikroORM;
  temporal: Client;
  /** The in-process worker (absent with `worker: false`: the workers run as their own processes). */
  worker?: Worker;
  /** The in-process worker's /metrics (README "Operations: Metrics"). */
  workerMetricsUrl?: string;
  apiUrl: string;
  csUrl: string;
  jlisUrl: string;
  /** The マイナポータル simulator, when started in-process. */
  portalUrl: string;
  close(): Promise<void>;
}

export interface SystemOptions {
  /** Start the CS simulator in-process (embedded mode, tests); otherwise use config.csUrl. */
  csSimulator?: boolean | { port?: number };
  /** Start the J-LIS card agency simulator in-process; otherwise use config.jlisUrl. */
  jlisSimulator?: boolean | { port?: number };
  /**
   * Start the マイナポータル simulator in-process: it signs with its own test CA, which becomes the intake's trust
   * anchor, and submits to this system's intake; otherwise use config.portalUrl and config.portalTrustFiles.
   */
  portalSimulator?: boolean | { port?: number };
  /** Trust for the portal intake (tests); default: the simulator's, else config.portalTrustFiles. */
  portalTrust?: PortalTrustSource;
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The procedure table (default: src/procedures/index.ts; a test may add a sample procedure). */
  procedures?: ProcedureTable;
  log?: (line: string) => void;
  /** The Temporal runtime's Prometheus exporter (installTemporalRuntime), appended to the worker's /metrics. */
  temporalMetricsUrl?: string;
  /** Run a worker in this process (default); false: only the API and simulators (workers started elsewhere). */
  worker?: boolean;
}

const listen = (server: Server, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

/**
 * Brings up the application side of the system on one machine: registry DB (migrated), CS simulator (optional),
 * worker and API. Temporal itself must already be reachable at config.temporalAddress. Used by `npm start`, the
 * integration tests and the benchmark, so all three run the same wiring.
 */
export async function startSystem(config: AppConfig, opts: SystemOptions = {}): Promise<RunningSystem> {
  const log = opts.log ?? (() => undefined);
  const procedures = opts.procedures ?? PROCEDURES;
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    log('registry database: migrating');
    const orm = await openRegistryDb(config.databaseUrl, { migrationDatabaseUrl: config.migrationDatabaseUrl });
    closers.push(() => orm.close(true));
    let sim: RunningCsSimulator | undefined;
    if (opts.csSimulator) {
      const port = typeof opts.csSimulator === 'object' ? (opts.csSimulator.port ?? 0) : 0;
      sim = await startCsSimulator({ token: config.csToken, port });
      closers.push(() => sim!.close());
      config = { ...config, csUrl: sim.url };
      log(`CS simulator: ${sim.url}`);
    }
    let jlisState: RunningCardAgencySimulator['state'] | undefined;
    if (opts.jlisSimulator) {
      const port = typeof opts.jlisSimulator === 'object' ? (opts.jlisSimulator.port ?? 0) : 0;
      const jlis = await startCardAgencySimulator({
        token: config.jlisToken,
        port,
        continuedUseDays: config.deadlines.continuedUseDays,
      });
      closers.push(() => jlis.close());
      jlisState = jlis.state;
      config = { ...config, jlisUrl: jlis.url };
      log(`J-LIS simulator: ${jlis.url}`);
    }
    let registerAtJlis: ((apiUrl: string) => void) | undefined;
    if (jlisState)
      registerAtJlis = (apiUrl) =>
        jlisState.numbers.routes.set(config.municipalityCode, {
          municipalityCode: config.municipalityCode,
          inboundUrl: `${apiUrl}/jlis-inbound/v1`,
          token: config.jlisInboundToken,
        });
    let portalTrust: PortalTrustSource =
      opts.portalTrust ?? (config.portalTrustFiles ? fileTrustSource(config.portalTrustFiles) : unconfiguredTrust);
    let registerAtPortal: ((apiUrl: string) => void) | undefined;
    if (opts.portalSimulator) {
      const port = typeof opts.portalSimulator === 'object' ? (opts.portalSimulator.port ?? 0) : 0;
      const portal = await startPortalSimulator({ token: config.portalToken, port });
      closers.push(() => portal.close());
      config = { ...config, portalUrl: portal.url };
      if (!opts.portalTrust) portalTrust = () => portal.trust();
      registerAtPortal = (apiUrl) =>
        portal.registerMunicipality({
          municipalityCode: config.municipalityCode,
          intakeBaseUrl: `${apiUrl}/portal/v1`,
          keyId: config.portalKeyId,
          key: keyBytes(config.portalKey),
        });
      log(`マイナポータル simulator: ${portal.url}`);
    }
    const pii = piiCryptoFor(config.keys);
    // applications and certificate PDFs are encrypted at rest; rows from before are encrypted now (idempotent)
    attachPiiCipher(orm, pii);
    const encrypted = await encryptClearRows(orm);
    if (encrypted.applications + encrypted.certificates)
      log(`encrypted at rest: ${encrypted.applications} applications, ${encrypted.certificates} certificates`);
    const cs = new CsHttpClient({ baseUrl: config.csUrl, token: config.csToken });
    const portalClient = new PortalHttpClient({ baseUrl: config.portalUrl, token: config.portalToken });
    const cards = new CardAgencyHttpClient({ baseUrl: config.jlisUrl, token: config.jlisToken });
    let worker: Worker | undefined;
    let workerMetricsUrl: string | undefined;
    if (opts.worker !== false) {
      log('worker: starting (bundling workflows)');
      const certificates = createCertificateRendererPool(config.certificateRenderThreads);
      closers.push(() => certificates.close());
      const w = await createRegistryWorker({
        config,
        deps: { orm, pii, cs, cards, portal: portalClient, certificates, config },
        workflowBundle: opts.workflowBundle,
        procedures,
      });
      const running = w.run();
      closers.push(async () => {
        w.shutdown();
        await running;
      });
      worker = w;
      // the worker's /metrics listener (the Temporal runtime's exporter when the caller installed one: worker/main.ts)
      // a port already taken (a second system on this machine) leaves the worker without its own listener
      const metrics = await startWorkerMetricsServer(config.metrics, opts.temporalMetricsUrl).catch((e: unknown) => {
        log(`worker metrics: not listening (${(e as { code?: string }).code ?? 'error'})`);
        return undefined;
      });
      if (metrics) {
        closers.push(() => metrics.close());
        workerMetricsUrl = metrics.url;
        log(`worker metrics: ${metrics.url}`);
      }
    }
    const temporal = await createTemporalClient(config);
    closers.push(() => temporal.connection.close());
    const server = createServer(createApiApp({ orm, pii, temporal, config, portalTrust, procedures }));
    await listen(server, config.apiPort, config.apiHost);
    // cases whose workflow an API never started (it died between the case row and the start): started from here
    const stopReconciler = runWorkflowStartReconciler(orm, temporal, config.workflowStartReconcileMs, log);
    closers.push(async () => stopReconciler());
    // the held-certificate sweep runs whatever happened to it (terminated, never started): ensured in the background
    const sweep = ensureHeldCertificateSweepInBackground(temporal, config, {
      retryMs: config.workflowStartReconcileMs,
      log,
    });
    closers.push(async () => sweep.stop());
    closers.push(
      () =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    );
    const apiUrl = `http://${config.apiHost}:${(server.address() as AddressInfo).port}`;
    log(`API: ${apiUrl}`);
    registerAtPortal?.(apiUrl);
    registerAtJlis?.(apiUrl); // where the simulator answers 個人番号 generation requests
    return {
      config,
      orm,
      temporal,
      worker,
      workerMetricsUrl,
      apiUrl,
      csUrl: config.csUrl,
      jlisUrl: config.jlisUrl,
      portalUrl: config.portalUrl,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
