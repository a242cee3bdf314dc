import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dropDatabase } from '../support/demo-town-template';
import { pdfBytesText } from '../support/pdf-text';
import { freshMariaDbUrl } from '../support/system-harness';
import { moveInThroughBuiltApi, startBuiltSystem, type BuiltSystem } from '../support/built-system';

const ROOT = join(__dirname, '..', '..');

function* walk(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

const dbName = (url: string) => new URL(url).pathname.slice(1);

/**
 * Issue 16 item 1: `npm run build` makes dist/, and the system runs from it as `node dist/...` processes — the
 * simulators, the migrations, the worker (on the prebuilt workflow bundle) and the API — with no tsx, no TypeScript
 * and no .ts file loaded (a preload refuses them), on the real dev server and MariaDB: a 転入 completes.
 */
describe('the compiled build (npm run build → node dist/...)', () => {
  const systems: BuiltSystem[] = [];
  const databases: string[] = [];

  beforeAll(() => {
    execFileSync('bash', [join(ROOT, 'scripts', 'build.sh')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  }, 600_000);
  afterAll(async () => {
    await Promise.all(systems.map((s) => s.close()));
    for (const db of databases) await dropDatabase(inject('mariadbUrl'), db);
  });

  it('dist/ holds compiled JavaScript, the prebuilt workflow bundle and the run-time assets, and no TypeScript', () => {
    const files = [...walk(join(ROOT, 'dist'))].map((f) => relative(join(ROOT, 'dist'), f));
    expect(files.filter((f) => /\.(m|c)?ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    for (const f of [
      'workflow-bundle.js',
      'src/api/main.js',
      'src/worker/main.js',
      'src/partners/cs-simulator-main.js',
      'src/partners/card-agency-simulator-main.js',
      'src/partners/portal-simulator-main.js',
      'scripts/db/migrate.js',
      'scripts/admin-create.js',
      'scripts/keys/reencrypt.js',
      'scripts/audit/verify.js',
      'src/temporal/failure-converter.cjs',
      'src/api/web/static/app.js',
      'templates/fonts/ipaexm.ttf',
      'templates/reference/postal-codes.json.gz',
      'src/db/migrations/mysql/index.js',
    ])
      expect(files).toContain(f);
    const code = files.filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(ROOT, 'dist', f), 'utf8'));
    expect(code.filter((c) => /require\("(tsx|typescript)["/]/.test(c))).toEqual([]);
    // the bundle carries every workflow of the procedure table and the actor check
    const bundle = readFileSync(join(ROOT, 'dist', 'workflow-bundle.js'), 'utf8');
    for (const w of ['moveInWorkflow', 'heldCertificateWorkflow', 'birthWorkflow', 'cardIssuanceWorkflow'])
      expect(bundle).toContain(w);
  });

  it('runs as node dist/... processes without tsx: a 転入 completes with its 住民票の写し', async () => {
    const databaseUrl = freshMariaDbUrl();
    databases.push(dbName(databaseUrl));
    const sys = await startBuiltSystem({ root: ROOT, temporalAddress: inject('temporalAddress'), databaseUrl });
    systems.push(sys);
    const { done, pdf, app } = await moveInThroughBuiltApi(sys.apiUrl);
    expect(done.status).toBe('COMPLETED');
    const text = pdfBytesText(pdf);
    expect(text).toContain('住民票');
    expect(text).toContain(`${app.movers[0].familyName}${app.movers[0].givenName}`);
    // the worker ran the prebuilt bundle: it never bundled (no webpack output), and no process loaded TypeScript
    const worker = sys.processes.find((p) => p.name === 'worker')!;
    expect(worker.output.join('\n')).not.toMatch(/webpack|Workflow bundle created/);
    for (const p of sys.processes) expect(p.output.join('\n')).not.toMatch(/TypeScript|required tsx/);
    // the image's HEALTHCHECK: the worker's heartbeat, and the API's /api/health when there is no heartbeat file
    const health = (env: Record<string, string>) =>
      execFileSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'healthcheck.js')], {
        env: { PATH: process.env.PATH, ...env },
        encoding: 'utf8',
      });
    expect(health({ WORKER_HEARTBEAT_FILE: sys.env.WORKER_HEARTBEAT_FILE! })).toMatch(
      /worker heartbeat \d+ s old: healthy/,
    );
    const api = { API_PORT: sys.env.API_PORT!, WORKER_HEARTBEAT_FILE: join(ROOT, 'dist', 'no-such-heartbeat') };
    expect(health(api)).toMatch(/api .*: 200/);
    await sys.stop(sys.processes.find((p) => p.name === 'api')!);
    const down = (() => {
      try {
        return health(api);
      } catch (e) {
        return `failed: ${String((e as { stdout?: string }).stdout)}`;
      }
    })();
    expect(down).toMatch(/^failed: api .*: no answer/);
  });

  /**
   * Issue 16 item 6: `npm run release` makes the artifact from this build; scripts/install-offline.sh installs it
   * inside a network namespace of its own (`unshare -n`: not even the loopback of this machine is reachable), and the
   * installed copy — its own Node.js, production node_modules and dist/ — runs the system: a 転入 completes.
   */
  it('closed-network install: npm run release, install-offline.sh with the network cut, the installed copy runs a 転入', async () => {
    const work = mkdtempSync(join(tmpdir(), 'juki-release-test-'));
    try {
      const out = execFileSync(
        'bash',
        [join(ROOT, 'scripts', 'release.sh'), '--no-build', '--out', join(work, 'out')],
        {
          cwd: ROOT,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const rel = out.trim().split('\n').pop()!;
      const sums = readFileSync(join(rel, 'SHA256SUMS'), 'utf8');
      for (const f of [
        './app/dist/workflow-bundle.js',
        './app/dist/templates/fonts/ipaexm.ttf',
        './install-offline.sh',
      ])
        expect(sums).toContain(`  ${f}\n`);
      expect(sums).toMatch(/ \.\/cache\/node-24\.[^/]+\/bin\/node\n/);
      expect(sums).toMatch(/ \.\/cache\/temporal-cli-[^/]+\/temporal\n/);
      expect(sums).toMatch(/ \.\/cache\/temporal-test-server-[^/]+\/lib\//);
      for (const dev of ['tsx', 'typescript', 'vitest'])
        expect(existsSync(join(rel, 'app', 'node_modules', dev))).toBe(false);

      const target = join(work, 'installed');
      const cache = join(work, 'cache');
      const temporalPort = inject('temporalAddress').split(':').pop();
      const offline = (script: string) =>
        execFileSync('unshare', ['-n', 'bash', '-c', script], {
          encoding: 'utf8',
          env: { PATH: '/usr/bin:/bin', HOME: work, JUKI_CACHE: cache },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
      // inside the namespace the machine's own servers are out of reach: the network is really cut
      expect(offline(`(exec 3<>/dev/tcp/127.0.0.1/${temporalPort}) 2>/dev/null && echo reachable || echo cut`)).toBe(
        'cut\n',
      );
      offline(`bash ${rel}/install-offline.sh ${target}`);
      // the project's scripts find the installed tools without downloading anything
      expect(offline(`bash ${ROOT}/scripts/ensure-temporal.sh 2>/dev/null`).trim()).toBe(
        join(cache, 'temporal-cli-1.5.1', 'temporal'),
      );
      expect(offline(`bash ${ROOT}/scripts/ensure-test-server.sh 2>/dev/null`).trim()).toContain(cache);

      const node = readFileSync(join(target, 'env.sh'), 'utf8').match(/PATH="([^:]+):/)![1]! + '/node';
      expect(node.startsWith(cache)).toBe(true);
      const databaseUrl = freshMariaDbUrl();
      databases.push(dbName(databaseUrl));
      const sys = await startBuiltSystem({
        root: target,
        node,
        temporalAddress: inject('temporalAddress'),
        databaseUrl,
      });
      systems.push(sys);
      const { done, pdf, app } = await moveInThroughBuiltApi(sys.apiUrl);
      expect(done.status).toBe('COMPLETED');
      expect(pdfBytesText(pdf)).toContain(`${app.movers[0].familyName}${app.movers[0].givenName}`);
      await sys.close();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 600_000);
});
