import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
});
