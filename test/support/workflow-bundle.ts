import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../../src/worker/create-worker';

const ROOT = join(__dirname, '..', '..');

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

/**
 * The worker's workflow bundle, built once per test run: the code of the procedure table's workflows (the same entry
 * the worker bundles), cached in the OS temp directory under a hash of every source file, so the projects of one run
 * (and the next run, when nothing changed) share it. Returns the path of the bundle's code.
 */
export async function workflowBundleOnce(): Promise<string> {
  const h = createHash('sha256');
  for (const f of [...files(join(ROOT, 'src'))].sort())
    h.update(f)
      .update(String(statSync(f).mtimeMs))
      .update(readFileSync(f));
  h.update(readFileSync(join(ROOT, 'package-lock.json')));
  const dir = join(tmpdir(), 'juki-workflow-bundles');
  const file = join(dir, `${h.digest('hex').slice(0, 20)}.js`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const { code } = await bundleWorkflowCode(workflowBundleOptions());
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file); // atomic: a project bundling at the same time reads either nothing or the whole file
  return file;
}
