import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const ROOT = join(__dirname, '..', '..');
/** Typical seconds per test file on a 2-core machine (test/durations.json; `npm run test:durations` renews it). */
const DURATIONS = JSON.parse(readFileSync(join(ROOT, 'test', 'durations.json'), 'utf8')) as Record<string, number>;
/** Files shorter than this (seconds) are ordered by project rather than by length. */
const SHORT = 2;
/** A file not in the table yet: by its layer. */
const BY_PROJECT: Record<string, number> = {
  e2e: 15,
  security: 40,
  workflow: 10,
  integration: 4,
  replay: 3,
  unit: 0.5,
};

/**
 * Longest files first, across all projects: with two workers each takes the next longest file when it is free, which
 * keeps both busy to the end (longest-processing-time scheduling). Vitest's own order needs the duration cache of an
 * earlier run, which a fresh clone (CI) does not have; this table travels with the code.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weight = (f: TestSpecification) =>
      DURATIONS[relative(join(ROOT, 'test'), f.moduleId).replace(/\\/g, '/')] ?? BY_PROJECT[f.project.name] ?? 1;
    // the short files at the end stay together by project: a worker that changes project imports its code anew
    const key = (f: TestSpecification) => (weight(f) >= SHORT ? weight(f) : (BY_PROJECT[f.project.name] ?? 1) / 100);
    return [...files].sort((a, b) => key(b) - key(a) || a.project.name.localeCompare(b.project.name));
  }
}
