/**
 * `npm run cluster [-- --fresh]` (scripts/cluster.sh): the production shape on this machine — the Temporal cluster on
 * PostgreSQL with mTLS, the registry on MariaDB (database `juki_cluster`, or CLUSTER_DATABASE_URL), two workers, two
 * APIs and the partner simulators, each a separate process; prints what runs where. State in data/cluster (or
 * CLUSTER_DIR): Ctrl-C stops every process and keeps the data, so the next start continues the open cases;
 * `--fresh` drops the Temporal databases and the registry database first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { stopOnSignals } from './lib/app-processes';
import { startClusterSystem } from './lib/cluster-system';
import { dropTemporalClusterDatabases } from './lib/temporal-cluster';

async function main() {
  const dir = path.resolve(process.env.CLUSTER_DIR ?? 'data/cluster');
  const mariadb = process.env.MARIADB_URL;
  const databaseUrl =
    process.env.CLUSTER_DATABASE_URL ?? (mariadb ? mariadb.replace(/\/[^/]*$/, '/juki_cluster') : undefined);
  if (!databaseUrl) throw new Error('set MARIADB_URL or CLUSTER_DATABASE_URL (scripts/cluster.sh does)');
  if (process.argv.includes('--fresh')) {
    console.log(`==> --fresh: dropping the registry database and the Temporal state in ${dir}`);
    const u = new URL(databaseUrl.replace(/^mariadb:/, 'mysql:'));
    const db = u.pathname.slice(1);
    u.pathname = '/';
    const conn = await createConnection(u.toString());
    await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
    await conn.end();
    await dropTemporalClusterDatabases(path.join(dir, 'temporal'));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const quiet = (line: string) => {
    // the server's own log is in <dir>/temporal/temporal-server.log; only our progress and the apps' lines here
    if (!line.startsWith('{')) console.log(`    ${line}`);
  };
  console.log(`==> starting (state in ${dir})`);
  const sys = await startClusterSystem({ dir, databaseUrl, log: quiet });
  const t = sys.temporal;
  console.log(`
住民記録 案件管理システム — cluster shape is running.
  Temporal      ${t.address}  (mTLS, server name ${t.tls.serverName}; ${t.internals.shards} history shards;
                PostgreSQL ${t.internals.postgresUrl.replace(/\/\/[^@]*@/, '//***@')} databases ${t.internals.databases.temporal},
                ${t.internals.databases.visibility}; pid ${t.pid()}; log ${path.join(dir, 'temporal', 'temporal-server.log')})
  certificates  ${path.dirname(t.tls.caFile)}  (ca, server, internode, worker, api, ui)
  registry      ${databaseUrl.replace(/\/\/[^@]*@/, '//***@')}
${sys.workers.map((w) => `  ${w.name.padEnd(13)} pid ${w.pid()}`).join('\n')}
${sys.apis.map((a) => `  ${a.name.padEnd(13)} ${a.url}/  (pid ${a.pid()})`).join('\n')}
  CS simulator  ${sys.cs.url}/cs/v1/health   J-LIS ${sys.jlis.url}/jlis/v1/health   マイナポータル ${sys.portal.url}/portal-sim/v1/health
  Demo users    clerk1, approver1, … (password sakura-demo-2026, terminal T-HONCHO-01); no demo town in this database
  Temporal CLI  temporal --address ${t.address} --tls-ca-path ${t.tls.caFile} --tls-cert-path ${t.tls.certFile} \\
                --tls-key-path ${t.tls.keyFile} --tls-server-name ${t.tls.serverName} workflow list
Press Ctrl-C to stop (the data stays; npm run cluster -- --fresh starts over).`);

  stopOnSignals('APIs, workers, simulators and the Temporal server', () => sys.stop({ keepData: true }));
}

main().catch((e: unknown) => {
  console.error(`cluster failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
