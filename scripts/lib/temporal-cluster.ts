/**
 * A production-shaped Temporal cluster on this machine: the real Temporal server (scripts/ensure-temporal-server.sh,
 * v1.29.1, all services in one process) on PostgreSQL (scripts/ensure-postgres.sh, one shared instance; every
 * cluster has its own two databases derived from `dir`), more than one history shard, mutual TLS on the frontend
 * (scripts/temporal-certs.sh), the `default` namespace and our search attributes registered. Every port is a free
 * one. Used by `npm run cluster` (scripts/cluster.ts) and the cluster / fault / benchmark tests. Node built-ins only.
 */
export interface TemporalClusterOptions {
  /** State directory: certificates, config YAML, server log. The database names are derived from it. */
  dir: string;
  /** Frontend gRPC port; a free one when omitted. */
  frontendPort?: number;
  /** numHistoryShards (fixed when the databases are first made); default 4. */
  shards?: number;
  /** Receives the server's log lines and progress; omitted → server log only in `<dir>/temporal-server.log`. */
  log?: (line: string) => void;
}

export interface TemporalCluster {
  /** host:port of the frontend (mTLS). */
  address: string;
  namespace: string;
  tls: { caFile: string; certFile: string; keyFile: string; serverName: string };
  /** TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_CERT/KEY/CA/SERVER_NAME for our processes. */
  env: Record<string, string>;
  /** Stop the server process (SIGTERM, then SIGKILL) and start it again on the same ports and databases. */
  restart(): Promise<void>;
  /** Stop the server and drop its databases. Idempotent. */
  stop(): Promise<void>;
  /** pid of the server process. */
  pid(): number;
}

export async function startTemporalCluster(opts: TemporalClusterOptions): Promise<TemporalCluster> {
  void opts;
  throw new Error('startTemporalCluster: not implemented yet (branch cluster)');
}
