import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AppProcess, spawnApp } from '../../scripts/lib/app-processes';

/**
 * The one process launcher (scripts/lib/app-processes.ts) with the options the tests' and benches' processes use: an
 * entry in a role's place (a .js one runs without tsx), node args, a clean environment, readiness by an output line,
 * the raw output lines; a process group that kill() ends.
 */
describe('spawnApp: another entry point, node args, a clean environment, a ready line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'juki-app-processes-'));
  const started: AppProcess[] = [];
  afterAll(async () => {
    for (const p of started) await p.kill('SIGKILL');
  });

  it('runs a .js entry without tsx, with only the given environment, ready when its line appears', async () => {
    const entry = join(dir, 'echo-env.js');
    const preload = join(dir, 'preload.cjs');
    writeFileSync(preload, "globalThis.preloaded = 'yes';\n");
    writeFileSync(
      entry,
      [
        "console.log('');", // an empty line is not kept
        'console.log(JSON.stringify({ keys: Object.keys(process.env).sort(), preloaded: globalThis.preloaded, execArgv: process.execArgv }));',
        "setTimeout(() => console.log('entry ready'), 300);",
        'setInterval(() => undefined, 1000);',
        '',
      ].join('\n'),
    );
    const heartbeat = join(dir, 'heartbeat');
    writeFileSync(heartbeat, 'an earlier beat');
    const output: string[] = [];
    const logged: string[] = [];
    const p = await spawnApp('api', {
      name: 'echo',
      entry,
      nodeArgs: ['--require', preload],
      inheritEnv: false,
      env: { PATH: process.env.PATH ?? '', ONLY_THIS: '1', API_PORT: '0', WORKER_HEARTBEAT_FILE: heartbeat },
      readyLine: /^entry ready$/,
      output,
      log: (l) => logged.push(l),
    });
    started.push(p);
    expect(output.at(-1)).toBe('entry ready');
    const seen = JSON.parse(output[0]!) as { keys: string[]; preloaded: string; execArgv: string[] };
    expect(seen.keys).toEqual(['API_PORT', 'ONLY_THIS', 'PATH', 'WORKER_HEARTBEAT_FILE']);
    expect(seen.preloaded).toBe('yes');
    expect(seen.execArgv.join(' ')).not.toContain('tsx');
    expect(logged).toContain('[echo] entry ready');
    // only a worker's start clears the heartbeat file (an API given the same environment leaves the worker's beat)
    expect(existsSync(heartbeat)).toBe(true);
    const pid = p.pid();
    await p.kill();
    expect(p.pid()).toBe(0);
    expect(() => process.kill(pid, 0)).toThrow();
  });
  it('JUKI_APP_BUILD runs a role from the build in that directory, and names a missing build', async () => {
    const build = join(dir, 'build');
    const entry = join(build, 'src/partners/cs-simulator-main.js');
    const saved = process.env.JUKI_APP_BUILD;
    try {
      process.env.JUKI_APP_BUILD = build;
      await expect(spawnApp('cs-simulator', { env: {}, readyLine: /never/ })).rejects.toThrow(
        `JUKI_APP_BUILD: ${entry} is missing (npm run build)`,
      );
      mkdirSync(dirname(entry), { recursive: true });
      writeFileSync(
        entry,
        "console.log(JSON.stringify({ file: __filename, execArgv: process.execArgv })); console.log('built ready'); setInterval(() => undefined, 1000);\n",
      );
      const output: string[] = [];
      const p = await spawnApp('cs-simulator', { env: {}, output, readyLine: /built ready/, log: () => undefined });
      started.push(p);
      const ran = JSON.parse(output[0]!) as { file: string; execArgv: string[] };
      expect(ran.file).toBe(entry);
      expect(ran.execArgv).not.toContain('tsx'); // compiled: no TypeScript loader
    } finally {
      if (saved === undefined) delete process.env.JUKI_APP_BUILD;
      else process.env.JUKI_APP_BUILD = saved;
    }
  });
});
