/**
 * RECORD_HISTORIES=<dir> makes the test harnesses save the history of every workflow they ran before they close
 * (`npm run replay:record`, scripts/replay-record.sh). The recordings are decoded (plain payloads, reviewable) and
 * checked for personal data against the test's own registry; scripts/replay/curate-histories.ts then copies a fixed,
 * named selection into test/replay/histories/, which test/replay/replay.test.ts replays against the current code.
 *
 * One file per execution: <dir>/<harness>/<test file>/<workflow ID>.<run ID suffix>.json = { meta, history }.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, WorkflowClientInterceptor } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { expect } from 'vitest';
import { attributesOf, decodeHistoryPayloads, readableTexts, type JsonHistory } from './history-json';
import { personalDataIn, type PersonalValue } from './personal-data-scan';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** The directory to record into, when recording. */
export const recordingDir = (): string | undefined => process.env.RECORD_HISTORIES || undefined;

export interface RecordingMeta {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** RUNNING, COMPLETED, … when recorded. */
  status: string;
  taskQueue: string;
  startTime?: string;
  closeTime?: string;
  /** workflow (time-skipping harness) or system (dev-server harness: integration, e2e). */
  harness: string;
  testFile: string;
  /** The test that started it (known when the harness's client started it). */
  testName?: string;
  /** The payloads were encrypted by the client's codec and are stored decoded. */
  decoded: boolean;
  recordedAt: string;
}

export interface RecordedHistory {
  meta: RecordingMeta;
  history: JsonHistory;
}

interface Execution {
  workflowId: string;
  runId?: string;
  testName?: string;
}

const currentTestName = (): string | undefined => {
  try {
    return expect.getState().currentTestName;
  } catch {
    return undefined;
  }
};
const currentTestFile = (): string => {
  try {
    const p = expect.getState().testPath;
    return p ? path.relative(REPO_ROOT, p) : 'unknown';
  } catch {
    return 'unknown';
  }
};
const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

export class HistoryRecorder {
  private readonly started: Execution[] = [];

  constructor(private readonly harness: 'workflow' | 'system') {}

  /** The workflows the client started, in order. */
  executions(): readonly Execution[] {
    return this.started;
  }

  /**
   * For a client whose server cannot list executions (the time-skipping test server): remembers every workflow the
   * client starts. Child workflows are found in their parents' histories.
   */
  readonly clientInterceptor: WorkflowClientInterceptor = {
    startWithDetails: async (input, next) => {
      const out = await next(input);
      this.started.push({ workflowId: input.options.workflowId, runId: out.runId, testName: currentTestName() });
      return out;
    },
    signalWithStart: async (input, next) => {
      const runId = await next(input);
      this.started.push({ workflowId: input.options.workflowId, runId, testName: currentTestName() });
      return runId;
    },
  };

  /**
   * Saves the histories of `executions` (default: those the client interceptor saw) and of their children, decoded
   * with `codecs`. Throws when a history holds any of `personalData` (or a valid 個人番号): recording must not
   * produce a file that could not be committed.
   */
  async save(opts: {
    client: Client;
    executions?: Execution[];
    codecs?: readonly PayloadCodec[];
    personalData?: readonly PersonalValue[];
  }): Promise<number> {
    const dir = recordingDir();
    if (!dir) return 0;
    const testFile = currentTestFile();
    const outDir = path.join(dir, this.harness, slug(testFile.replace(/\.test\.ts$/, '')));
    mkdirSync(outDir, { recursive: true });
    const queue = [...(opts.executions ?? this.started)];
    const done = new Set<string>();
    const leaks: string[] = [];
    let saved = 0;
    for (let e = queue.shift(); e; e = queue.shift()) {
      const handle = opts.client.workflow.getHandle(e.workflowId, e.runId);
      const desc = await handle.describe();
      if (done.has(desc.runId)) continue;
      done.add(desc.runId);
      const raw = JSON.parse(historyToJSON(await handle.fetchHistory())) as JsonHistory;
      const history = await decodeHistoryPayloads(raw, opts.codecs ?? []);
      for (const ev of history.events) {
        const child = attributesOf(ev).workflowExecution as { workflowId: string; runId: string } | undefined;
        if (ev.eventType === 'EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED' && child)
          queue.push({ workflowId: child.workflowId, runId: child.runId, testName: e.testName });
      }
      for (const f of personalDataIn(readableTexts(history), opts.personalData ?? []))
        leaks.push(`${e.workflowId}: ${f.what} in ${f.context}`);
      const meta: RecordingMeta = {
        workflowId: desc.workflowId,
        runId: desc.runId,
        workflowType: desc.type,
        status: desc.status.name,
        taskQueue: desc.taskQueue,
        startTime: desc.startTime?.toISOString(),
        closeTime: desc.closeTime?.toISOString(),
        harness: this.harness,
        testFile,
        testName: e.testName,
        decoded: (opts.codecs ?? []).length > 0,
        recordedAt: new Date().toISOString(),
      };
      const file = path.join(outDir, `${slug(desc.workflowId)}.${desc.runId.slice(-12)}.json`);
      writeFileSync(file, JSON.stringify({ meta, history } satisfies RecordedHistory, null, 2) + '\n');
      saved += 1;
    }
    if (leaks.length)
      throw new Error(`personal data in recorded Temporal histories (${testFile}):\n  ${leaks.join('\n  ')}`);
    return saved;
  }
}
