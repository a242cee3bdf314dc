import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { LogLevel, LogMetadata } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { levelFilteredLogger, temporalSeverityOf } from '../../src/worker/telemetry';

const ROOT = join(__dirname, '..', '..');

/** The messages the child (test/support/temporal-runtime-log-child.ts) logged through the Runtime at `level`. */
function runtimeLines(level: string): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/temporal-runtime-log-child.ts', level], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { msg?: string }).msg ?? '')
    .filter((m) => m.startsWith('runtime line'));
}

describe("the worker's Temporal Runtime logger drops what LOG_LEVEL does not write (README Throughput)", () => {
  it('passes the calls at or above the level to the inner logger, flush and close through', () => {
    const got: Array<[LogLevel, string, LogMetadata | undefined]> = [];
    let flushed = 0;
    let closed = 0;
    const inner = {
      log: (level: LogLevel, message: string, meta?: LogMetadata) => void got.push([level, message, meta]),
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      flush: () => void flushed++,
      close: () => void closed++,
    };
    const log = levelFilteredLogger(inner, temporalSeverityOf('info'));
    log.trace('t', { a: 1 });
    log.debug('d');
    log.log('DEBUG', 'd2');
    log.info('i', { caseId: 'x' });
    log.warn('w');
    log.log('ERROR', 'e');
    log.flush();
    log.close();
    expect(got).toEqual([
      ['INFO', 'i', { caseId: 'x' }],
      ['WARN', 'w', undefined],
      ['ERROR', 'e', undefined],
    ]);
    expect([flushed, closed]).toEqual([1, 1]);
  });

  it('maps every pino level; silent drops everything', () => {
    expect(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => temporalSeverityOf(l as never)),
    ).toEqual([0, 1, 2, 3, 4, 4, 5]);
    const got: string[] = [];
    const log = levelFilteredLogger({ ...console, log: (_l: LogLevel, m: string) => void got.push(m) }, 5);
    log.error('e');
    expect(got).toEqual([]);
  });

  it("the Runtime's logger (the one Worker.create takes) forwards only the installed level and up", () => {
    // pino itself writes every level in the child: what is missing was dropped by the Runtime's logger
    expect(runtimeLines('warn')).toEqual(['runtime line warn', 'runtime line error']);
    expect(runtimeLines('trace')).toEqual([
      'runtime line trace',
      'runtime line debug',
      'runtime line info',
      'runtime line warn',
      'runtime line error',
    ]);
  });
});
