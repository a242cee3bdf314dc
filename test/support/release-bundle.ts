import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const ROOT = join(__dirname, '..', '..');

/**
 * The workflow bundle of an earlier release, built from its own sources: `git archive <commit> src` into a temporary
 * directory (with this checkout's node_modules linked in) and bundled the way that release's worker bundled them —
 * its shared workflows (src/workflows/index), every procedure's `workflow` file, its actor-check interceptor and its
 * failure converter. Cached in the OS temp directory by commit. Returns the path of the bundle's code.
 */
export async function releaseWorkflowBundle(commit: string): Promise<string> {
  const sha = execFileSync('git', ['-C', ROOT, 'rev-parse', '--verify', `${commit}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const dir = join(tmpdir(), `juki-release-${sha.slice(0, 12)}`);
  const file = join(dir, 'workflow-bundle.js');
  if (existsSync(file)) return file;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('bash', ['-c', `git -C "${ROOT}" archive "${sha}" src | tar -x -C "${dir}"`]);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const procedures = join(dir, 'src', 'procedures');
  const files = [
    join(dir, 'src', 'workflows', 'index'),
    ...readdirSync(procedures, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(procedures, e.name, 'workflow.ts')))
      .map((e) => join(procedures, e.name, 'workflow')),
  ];
  const entry = join(dir, 'workflow-entry.js');
  writeFileSync(
    entry,
    `module.exports = Object.assign({}, ${files.map((f) => `require(${JSON.stringify(f)})`).join(', ')});\n`,
  );
  const { code } = await bundleWorkflowCode({
    workflowsPath: entry,
    workflowInterceptorModules: [join(dir, 'src', 'workflows', 'actor-check')],
    failureConverterPath: join(dir, 'src', 'temporal', 'failure-converter.cjs'),
  });
  writeFileSync(`${file}.tmp`, code);
  renameSync(`${file}.tmp`, file);
  return file;
}
