import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs the files of the projects of a group alternately (slowest first within each project), so that with two workers
 * an e2e file runs beside a workflow file rather than beside another e2e file: the layers then wait on different
 * servers (the dev server and a browser; a time-skipping server) instead of competing for the same.
 */
export class InterleaveSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const byProject = new Map<string, TestSpecification[]>();
    for (const f of sorted) byProject.set(f.project.name, [...(byProject.get(f.project.name) ?? []), f]);
    const queues = [...byProject.values()];
    const out: TestSpecification[] = [];
    while (queues.some((q) => q.length)) for (const q of queues) if (q.length) out.push(q.shift()!);
    return out;
  }
}
