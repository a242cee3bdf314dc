/**
 * `npm start` (scripts/start.ts) runs each part as its own process (issue 15 item 2): here on the run's Temporal dev
 * server (TEMPORAL_ADDRESS) and a MariaDB database of this file, on free ports. A worker killed with SIGKILL is said
 * to have died and is started again while the API and the simulators keep their pids; Ctrl-C (SIGINT) stops every
 * process it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase } from '../support/demo-town-template';
import { freePort } from '../support/free-port';
import { eventually, freshMariaDbUrl } from '../support/system-harness';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start: one process per part', () => {
  let start: ChildProcess;
  let output = '';
  let dataDir: string;
  let dbUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'juki-start-'));
    dbUrl = freshMariaDbUrl();
    const key = () => randomBytes(32).toString('base64');
    const [api, cs, jlis, portal] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    start = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../scripts/start.ts')], {
      cwd: join(__dirname, '../..'),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        JUKI_DATA_DIR: dataDir,
        DATABASE_URL: dbUrl,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TASK_QUEUE: `test-${randomBytes(4).toString('hex')}`,
        PII_ENCRYPTION_KEY: key(),
        PII_INDEX_KEY: key(),
        PAYLOAD_CODEC_KEY: key(),
        ACTOR_SIGNING_KEY: key(),
        API_PORT: String(api),
        CS_URL: `http://127.0.0.1:${cs}`,
        JLIS_URL: `http://127.0.0.1:${jlis}`,
        PORTAL_URL: `http://127.0.0.1:${portal}`,
        WORKFLOW_BUNDLE: inject('workflowBundle'),
      },
    });
    start.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    start.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await eventually(async () => (/is running|start failed/.test(output) ? true : undefined), 240_000, 250);
  }, 300_000);
  afterAll(async () => {
    try {
      process.kill(-start.pid!, 'SIGKILL');
    } catch {
      /* stopped */
    }
    const own = /\/(juki_it_[0-9a-f]+)$/.exec(dbUrl)?.[1];
    if (own) await dropDatabase(inject('mariadbUrl'), own);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pids = () =>
    Object.fromEntries([...output.matchAll(/([a-z-]+) (\d+)[,;)]/g)].map((m) => [m[1]!, Number(m[2])]));

  it('restarts a killed worker alone, and Ctrl-C stops them all', async () => {
    expect(output).toContain('is running, one process per part');
    const first = pids();
    const roles = ['api', 'worker', 'cs-simulator', 'jlis-simulator', 'portal-simulator'];
    for (const role of roles) expect(alive(first[role]!), role).toBe(true);
    expect(new Set(roles.map((r) => first[r])).size).toBe(5); // five processes, not one
    const apiUrl = /API\s+(http:\S+)\/api/.exec(output)![1]!;

    process.kill(first.worker!, 'SIGKILL');
    await eventually(async () => (/worker restarted \(pid (\d+)\)/.test(output) ? true : undefined), 120_000, 250);
    expect(output).toMatch(new RegExp(`worker \\(pid ${first.worker}\\) died \\(SIGKILL\\): restarting in 1 s`));
    const newWorker = Number(/worker restarted \(pid (\d+)\)/.exec(output)![1]);
    expect(alive(newWorker)).toBe(true);
    for (const role of roles.filter((r) => r !== 'worker')) expect(alive(first[role]!), role).toBe(true);
    expect((await fetch(`${apiUrl}/api/health`)).status).toBe(200);

    process.kill(start.pid!, 'SIGINT');
    await eventually(async () => (start.exitCode !== null ? true : undefined), 60_000, 250);
    expect(output).toContain('==> stopped');
    expect(start.exitCode).toBe(0);
    for (const pid of [newWorker, ...roles.filter((r) => r !== 'worker').map((r) => first[r]!)])
      expect(alive(pid), String(pid)).toBe(false);
  }, 240_000);
});
