import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { AppConfig } from '../config';
import { logger } from '../observability/log';
import { metricsAllowed, metricsText, registry } from '../observability/metrics';

/**
 * The Temporal SDK's logger routed into our JSON log (pino): the SDK's own messages, the workflow and activity
 * context loggers and Core's native logs (forwarded). The workflow ID is the case ID.
 */
export function temporalLogger(log: Logger = logger('temporal')): TemporalLogger {
  const emit = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    const { workflowId, ...rest } = meta as Record<string, unknown>;
    const fields = { ...rest, ...(typeof workflowId === 'string' ? { caseId: workflowId } : {}) };
    const method = ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[level];
    log[method](fields, message);
  };
  return {
    log: emit,
    trace: (m, meta) => emit('TRACE', m, meta),
    debug: (m, meta) => emit('DEBUG', m, meta),
    info: (m, meta) => emit('INFO', m, meta),
    warn: (m, meta) => emit('WARN', m, meta),
    error: (m, meta) => emit('ERROR', m, meta),
  };
}

const freePort = (host: string) =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

const SEVERITY: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** The lowest Temporal log level that the pino level `level` writes (none for `silent`: above ERROR). */
export const temporalSeverityOf = (level: AppConfig['logLevel']): number =>
  ({ trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 4, silent: 5 })[level];

/**
 * `inner` without the calls below `minSeverity`, dropped before they reach it; flush and close go through. The
 * Runtime's logger with Core's logs forwarded is the SDK's collector, a TRACE logger that buffers every call of the
 * SDK's TypeScript side for 100 ms in a heap (to sort it with Core's lines) before pino drops what is below its level:
 * a trace line with the whole activation for each workflow activation, one for each activity task, the workflow's
 * started/completed lines — per 転入 tens of entries buffered, sorted and their fields copied on the worker's main
 * thread, for nothing at LOG_LEVEL info (README "Throughput").
 */
export function levelFilteredLogger(
  inner: TemporalLogger & { flush?(): void; close?(): void },
  minSeverity: number,
): TemporalLogger & { flush(): void; close(): void } {
  const log = (level: LogLevel, message: string, meta?: LogMetadata) => {
    if (SEVERITY[level] >= minSeverity) inner.log(level, message, meta);
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
    flush: () => inner.flush?.(),
    close: () => inner.close?.(),
  };
}

/**
 * Installs the Temporal Runtime of a worker process (once, before any connection and any Worker.create, which
 * takes the Runtime's logger): its logs into pino at `level` (LOG_LEVEL) and its metrics (worker task slots, poll
 * latencies, sticky cache, activity and workflow task counts …) on an internal Prometheus exporter on loopback, which
 * the worker's /metrics listener appends to ours. Returns that exporter's URL.
 */
export async function installTemporalRuntime(level: AppConfig['logLevel'] = 'info'): Promise<string> {
  const port = await freePort('127.0.0.1');
  const runtime = Runtime.install({
    logger: temporalLogger(),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      metrics: { prometheus: { bindAddress: `127.0.0.1:${port}`, countersTotalSuffix: true } },
    },
  });
  // the SDK's own calls below LOG_LEVEL never enter its buffer (levelFilteredLogger); Core's forwarded lines (WARN
  // and up, the filter above) do not pass through this logger
  (runtime as { logger: TemporalLogger }).logger = levelFilteredLogger(runtime.logger, temporalSeverityOf(level));
  return `http://127.0.0.1:${port}/metrics`;
}

/**
 * The worker's /metrics listener (WORKER_METRICS_HOST:WORKER_METRICS_PORT): this process's metrics (partner calls,
 * process) and the Temporal SDK's runtime metrics from `temporalMetricsUrl`.
 */
export async function startWorkerMetricsServer(
  cfg: AppConfig['metrics'],
  temporalMetricsUrl?: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') return void res.writeHead(404).end();
    if (!metricsAllowed(cfg, req.headers.authorization, req.socket.remoteAddress, !!req.headers['x-forwarded-for']))
      return void res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized\n');
    void (async () => {
      const core = temporalMetricsUrl
        ? await fetch(temporalMetricsUrl).then(
            (r) => r.text(),
            () => '',
          )
        : '';
      res.writeHead(200, { 'content-type': registry.contentType }).end(await metricsText(registry, core));
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.workerPort, cfg.workerHost, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${cfg.workerHost.includes(':') ? `[${cfg.workerHost}]` : cfg.workerHost}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
