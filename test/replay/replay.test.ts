import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROCEDURES } from '../../src/procedures';
import { preloadedWorkflowModules, WORKFLOW_BUNDLE_OPTIONS, workflowsPath } from '../../src/worker/create-worker';
import {
  encodingOf,
  isOpen,
  payloadsOf,
  readableTexts,
  workflowTypeOf,
  type JsonHistory,
  type Manifest,
  type ManifestEntry,
} from '../support/history-json';
import { fixturePersonalData, personalDataIn } from '../support/personal-data-scan';

/**
 * Cases stay open for months, so every deploy replays old histories against new workflow code. This replays the
 * histories recorded from the test run (test/replay/histories/, `npm run replay:record`) against the workflow code
 * built from the entry the worker bundles (`workflowsPath()`), one bundle for all of them: a change that is not
 * replay-safe (not behind `patched()`) fails here with the DeterminismViolationError a worker would hit.
 */
const ROOT = path.join(__dirname, 'histories');
// one folder per generation (`<date>-<what changed next>`), each recorded from the code deployed at the time and kept:
// an open case started under any of them may still be running when the next version deploys
const generations = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const manifests = generations.map((generation) => ({
  generation,
  dir: path.join(ROOT, generation),
  manifest: JSON.parse(readFileSync(path.join(ROOT, generation, 'manifest.json'), 'utf8')) as Manifest,
}));
const recorded = manifests.flatMap(({ generation, dir, manifest }) =>
  manifest.histories.map((entry) => ({
    generation,
    name: `${generation}/${entry.file}`,
    entry,
    history: JSON.parse(readFileSync(path.join(dir, entry.file), 'utf8')) as JsonHistory,
  })),
);

describe('recorded histories replay against the current workflow code', () => {
  const results: ReplayResult[] = [];

  beforeAll(async () => {
    const histories = recorded.map(({ entry, history }) => ({
      workflowId: entry.workflowId,
      history: historyFromJSON(history),
    }));
    // one replay worker, one bundle, the histories one after the other; results come back in the same order
    for await (const r of Worker.runReplayHistories(
      {
        workflowsPath: workflowsPath(),
        // the modules the worker evaluates once, shared by all workflows of the context, as deployed
        bundlerOptions: { preloadModules: preloadedWorkflowModules() },
        replayName: 'replay-test',
        // the bundle the worker deploys: the actor check and the failure converter (validators do not run on replay)
        interceptors: { workflowModules: WORKFLOW_BUNDLE_OPTIONS.workflowInterceptorModules },
        dataConverter: { failureConverterPath: WORKFLOW_BUNDLE_OPTIONS.failureConverterPath },
      },
      histories,
    ))
      results.push(r);
  });

  it.each(recorded.map((r, i) => [r.name, r.entry, i] as const))(
    '%s replays without a nondeterminism error',
    (_file, entry: ManifestEntry, i: number) => {
      const r = results[i];
      expect(r?.workflowId, 'replayed').toBe(entry.workflowId);
      expect(r?.error ? `${r.error.name}: ${r.error.message}` : undefined).toBeUndefined();
    },
  );

  it('every workflow the worker registers has at least one recorded history', async () => {
    // the worker bundles the shared workflows and every workflow file of the procedure table
    const files = [path.join(__dirname, '../../src/workflows/index'), ...PROCEDURES.workflowFiles];
    const modules = (await Promise.all(files.map((f) => import(f)))) as Array<Record<string, unknown>>;
    const exported = [
      ...new Set(
        modules.flatMap((m) =>
          Object.entries(m)
            .filter(([name, v]) => typeof v === 'function' && name.endsWith('Workflow'))
            .map(([name]) => name),
        ),
      ),
    ];
    expect(exported.length).toBeGreaterThan(0);
    const kinds = new Set(recorded.map((r) => workflowTypeOf(r.history)));
    // a new workflow needs a recording: add a test (or a scenario) that runs it, then `npm run replay:record`
    expect(exported.filter((k) => !kinds.has(k)).sort()).toEqual([]);
    expect([...kinds].filter((k) => !exported.includes(k)).sort(), 'recorded kinds the worker no longer has').toEqual(
      [],
    );
  });

  it('the manifests list every history file with its kind and whether it was still running', () => {
    expect(generations.length, 'generations of recorded histories').toBeGreaterThan(0);
    for (const { dir, manifest } of manifests)
      expect(manifest.histories.map((e) => e.file).sort()).toEqual(
        readdirSync(dir)
          .filter((f) => f.endsWith('.json') && f !== 'manifest.json')
          .sort(),
      );
    for (const { entry, history } of recorded)
      expect({ file: entry.file, kind: workflowTypeOf(history), open: isOpen(history) }).toEqual({
        file: entry.file,
        kind: entry.kind,
        open: entry.open,
      });
    expect(recorded.filter((r) => r.entry.open).length, 'open histories: what a deploy replays').toBeGreaterThan(0);
  });

  it('the histories are stored decoded and hold IDs and non-personal facts only', () => {
    const known = fixturePersonalData();
    for (const { name, history } of recorded) {
      const encodings = [...new Set(payloadsOf(history).map(encodingOf))].sort();
      expect(
        encodings.filter((e) => e !== 'json/plain' && e !== 'binary/null'),
        name,
      ).toEqual([]);
      expect(personalDataIn(readableTexts(history), known), name).toEqual([]);
    }
  });
});
