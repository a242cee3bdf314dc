/**
 * The production shape (issue 15 item 1): the real Temporal server on PostgreSQL with mutual TLS and 4 history
 * shards, the registry on MariaDB, two worker and two API processes and the simulators, each its own process
 * (scripts/lib/cluster-system.ts — what `npm run cluster` runs).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeReason } from '../../src/domain/change-reason';
import { CaseStatus } from '../../src/domain/case-status';
import { OutboxMessage, Resident, ResidentHistory } from '../../src/db/entities';
import { openRegistryDb } from '../../src/db/orm';
import { DEMO_PASSWORD } from '../../src/db/seed/staff';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { type ClusterSystem, startClusterSystem } from '../../scripts/lib/cluster-system';
import { moveInApplication } from '../support/fixtures';
import { eventually } from '../support/system-harness-utils';

const run = promisify(execFile);
const mariadbUrl = process.env.MARIADB_URL;
if (!mariadbUrl) throw new Error('MARIADB_URL is not set (scripts/test.sh: scripts/ensure-mariadb.sh)');

describe('cluster: Temporal on PostgreSQL with mTLS, 2 workers, 2 APIs, registry on MariaDB', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'juki-cluster-'));
  const dbName = `juki_cl_${randomBytes(4).toString('hex')}`;
  const databaseUrl = mariadbUrl.replace(/\/[^/]*$/, `/${dbName}`);
  const logFile = path.join(dir, 'processes.log');
  let sys: ClusterSystem;

  beforeAll(async () => {
    try {
      sys = await startClusterSystem({ dir, databaseUrl, log: (line) => fs.appendFileSync(logFile, line + '\n') });
    } catch (e) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n') : '';
      throw new Error(`${(e as Error).message}\n--- last process lines ---\n${tail}`);
    }
  }, 900_000);

  afterAll(async () => {
    await sys?.stop();
    const u = new URL(mariadbUrl.replace(/^mariadb:/, 'mysql:'));
    u.pathname = '/';
    const conn = await createConnection(u.toString());
    await conn.query(`DROP DATABASE IF EXISTS \`${dbName}\``);
    await conn.end();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /** One query against the cluster's own Temporal database in the shared PostgreSQL. */
  const psql = async (sql: string) => {
    const u = new URL(sys.temporal.internals.postgresUrl);
    const { stdout } = await run(
      'psql',
      [
        '-X',
        '-At',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        u.hostname,
        '-p',
        u.port,
        '-U',
        u.username,
        '-d',
        sys.temporal.internals.databases.temporal,
        '-c',
        sql,
      ],
      { env: { ...process.env, PGPASSWORD: u.password } },
    );
    return stdout.trim();
  };

  const api = async (base: string, method: string, p: string, opts: { token?: string; body?: unknown } = {}) => {
    const res = await fetch(base + p, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        'idempotency-key': randomUUID(),
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return {
      status: res.status,
      json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
    };
  };
  const login = async (base: string, userId: string) => {
    const r = await api(base, 'POST', '/api/auth/login', {
      body: { userId, password: DEMO_PASSWORD, terminalId: 'T-HONCHO-01' },
    });
    expect(r.status).toBe(200);
    return r.json.token as string;
  };
  const csReceived = async (kind: string, caseId: string) => {
    const res = await fetch(`${sys.cs.url}/cs/v1/_admin/received?kind=${kind}`, {
      headers: { authorization: `Bearer ${sys.env.CS_TOKEN}` },
    });
    const body = (await res.json()) as { items: Array<{ idempotencyKey: string; body: any }> };
    return body.items.filter((m) => m.idempotencyKey.includes(caseId));
  };

  it('a 転入 filed through API 1 and approved through API 2 completes on the workers; history in PostgreSQL', async () => {
    const [api1, api2] = sys.apis.map((a) => a.url!);
    const clerk = await login(api1!, 'clerk1');
    const approver = await login(api2!, 'approver1');
    const app = moveInApplication();
    const intake = await api(api1!, 'POST', '/api/cases/move-in', { token: clerk, body: app });
    expect(intake.status).toBe(201);
    const caseId: string = intake.json.caseId;
    const approved = await api(api2!, 'POST', `/api/cases/${caseId}/approve`, { token: approver });
    expect(approved.status).toBe(200);
    const done = await eventually(
      async () => {
        const r = await api(api2!, 'GET', `/api/cases/${caseId}`, { token: approver });
        return r.json?.status === CaseStatus.COMPLETED ? r.json : undefined;
      },
      240_000,
      500,
    );
    expect(done.certificates).toHaveLength(1);

    // the CS simulator received exactly one 本人確認情報 and one 転入通知 per mover, with the movers' numbers
    const updates = await csReceived('identity-updates', caseId);
    const notices = await csReceived('move-in-notices', caseId);
    expect(updates).toHaveLength(app.movers.length);
    expect(notices).toHaveLength(app.movers.length);
    expect(updates.map((u) => u.body.identity.individualNumber).sort()).toEqual(
      app.movers.map((m) => m.individualNumber).sort(),
    );

    // the registry rows in MariaDB: one history row per mover, by the approver, every outbox message sent
    const orm = await openRegistryDb(databaseUrl, { migrate: false });
    try {
      const em = orm.em.fork();
      const history = await em.find(ResidentHistory, { caseId });
      expect(history).toHaveLength(app.movers.length);
      for (const h of history) {
        expect(h.changeReason).toBe(ChangeReason.DOMESTIC_MOVE_IN);
        expect(h.operatorId).toBe('approver1');
        expect(h.historyNumber).toBe(1);
      }
      expect(await em.count(Resident, { addresseeNumber: history.map((h) => h.addresseeNumber) })).toBe(
        app.movers.length,
      );
      const outbox = await em.find(OutboxMessage, { caseId });
      expect(outbox.length).toBeGreaterThanOrEqual(app.movers.length * 2);
      expect(outbox.every((m) => m.status === 'SENT')).toBe(true);
    } finally {
      await orm.close(true);
    }

    // its activities ran on our worker processes (identity "<pid>@<host>"), both of which were up
    const workerPids = sys.workers.map((w) => w.pid());
    expect(workerPids.every((p) => p > 0)).toBe(true);
    const connection = await Connection.connect({
      address: sys.temporal.address,
      tls: {
        serverNameOverride: sys.temporal.tls.serverName,
        serverRootCACertificate: fs.readFileSync(sys.temporal.tls.caFile),
        clientCertPair: {
          crt: fs.readFileSync(sys.temporal.tls.certFile),
          key: fs.readFileSync(sys.temporal.tls.keyFile),
        },
      },
    });
    try {
      const workflowId = moveInWorkflowId(caseId);
      const { history } = await connection.workflowService.getWorkflowExecutionHistory({
        namespace: sys.temporal.namespace,
        execution: { workflowId },
      });
      const identities = new Set(
        (history?.events ?? [])
          .map((e) => e.activityTaskStartedEventAttributes?.identity)
          .filter((x): x is string => !!x),
      );
      expect(identities.size).toBeGreaterThan(0);
      for (const id of identities) expect(workerPids).toContain(Number(id.split('@')[0]));

      // the workflow's history lives in PostgreSQL: its execution row in the cluster's own database, on one of the
      // 4 history shards
      expect(Number(await psql('SELECT count(*) FROM shards'))).toBe(4);
      const rows = await psql(`SELECT shard_id FROM current_executions WHERE workflow_id = '${workflowId}'`);
      expect(rows.split('\n')).toHaveLength(1);
      expect(Number(rows)).toBeGreaterThanOrEqual(1);
      expect(Number(await psql(`SELECT count(*) FROM executions WHERE workflow_id = '${workflowId}'`))).toBe(1);
      expect(Number(await psql('SELECT count(*) FROM history_node'))).toBeGreaterThan(0);
    } finally {
      await connection.close();
    }
  }, 600_000);

  it('refuses a client without a certificate, with a certificate of another CA, and without TLS', async () => {
    const { address, tls } = sys.temporal;
    const ca = fs.readFileSync(tls.caFile);
    const call = async (tlsOpts: NonNullable<Parameters<typeof Connection.connect>[0]>) => {
      const c = await Connection.connect({ ...tlsOpts, connectTimeout: 5_000 });
      try {
        await c.workflowService.getSystemInfo({});
        await c.workflowService.describeNamespace({ namespace: 'default' });
      } finally {
        await c.close();
      }
    };
    // control: our CA's client certificate gets in
    await expect(
      call({
        address,
        tls: {
          serverNameOverride: tls.serverName,
          serverRootCACertificate: ca,
          clientCertPair: { crt: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) },
        },
      }),
    ).resolves.toBeUndefined();
    // TLS, but no client certificate
    await expect(
      call({ address, tls: { serverNameOverride: tls.serverName, serverRootCACertificate: ca } }),
    ).rejects.toThrow();
    // a client certificate signed by another CA
    const other = path.join(dir, 'other-ca');
    await run('bash', [path.resolve(__dirname, '../../scripts/temporal-certs.sh'), other]);
    await expect(
      call({
        address,
        tls: {
          serverNameOverride: tls.serverName,
          serverRootCACertificate: ca,
          clientCertPair: {
            crt: fs.readFileSync(path.join(other, 'worker.pem')),
            key: fs.readFileSync(path.join(other, 'worker.key')),
          },
        },
      }),
    ).rejects.toThrow();
    // plain gRPC
    await expect(call({ address })).rejects.toThrow();
  }, 120_000);
});
