/**
 * Redaction of the logs, proven on every procedure (README "Operations: Logs"; issue 16 item 3): this file runs the
 * integration suites of 転入, 転出 and 特例転入 (two towns), オンライン転出, 出生, 転居, 世帯変更 and 死亡, and card
 * issuance — their own fixtures and steps, imported below — with every log level on and everything the process
 * writes captured (the JSON log of the API, worker, simulators, the Temporal SDK's logger, stdout, stderr and the
 * console). Every test system those suites start is scanned before it closes for its residents' names, kana, birth
 * dates, addresses, 個人番号 and 住民票コード; after the last suite the captured output must contain none of them, nor
 * the fixtures' persons, nor any valid 個人番号 or 住民票コード.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { isResidentRecordCode } from '../../src/domain/check-digits';
import { Resident } from '../../src/db/entities';
import { rootLogger } from '../../src/observability/log';
import { piiOf } from '../support/harness';
import {
  fixturePersonalData,
  personalDataIn,
  registryPersonalData,
  type PersonalValue,
} from '../support/personal-data-scan';

// the procedures' own suites (their describe blocks register here; the capture above is on before any of them runs)
import './move-in.integration.test';
import './two-town-move.integration.test';
import './online-move-out.integration.test';
import './birth.integration.test';
import './move-within.integration.test';
import './household-death.integration.test';
import './card-issuance.integration.test';

const captured = vi.hoisted(() => ({ known: [] as PersonalValue[], systems: 0 }));

// every test system the imported suites start: its residents are read (decrypted) before the system closes
vi.mock('../support/system-harness', async (importOriginal) => {
  const real = await importOriginal<typeof import('../support/system-harness')>();
  const startTestSystem: typeof real.startTestSystem = async (...args) => {
    const sys = await real.startTestSystem(...args);
    captured.systems += 1;
    return {
      ...sys,
      async close() {
        try {
          captured.known.push(...(await residentsOf(sys)));
        } finally {
          await sys.close();
        }
      },
    };
  };
  return { ...real, startTestSystem };
});

async function residentsOf(sys: {
  orm: import('@mikro-orm/core').MikroORM;
  config: import('../../src/config').AppConfig;
}): Promise<PersonalValue[]> {
  const people = await registryPersonalData(sys.orm, piiOf(sys.config));
  const rows = await sys.orm.em.fork().find(Resident, {});
  const more = rows.flatMap((r) =>
    [
      ['address', r.address],
      ['previous address', r.previousAddress],
      ['destination address', r.plannedDestinationAddress],
      ['住民票コード', r.residentRecordCode],
      ['本籍', r.registeredDomicile],
    ]
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length >= 4)
      .map(([what, value]) => ({ what: `registry resident: ${what}`, value })),
  );
  return [...people, ...more];
}

const output: string[] = [];
const restore: Array<() => void> = [];

beforeAll(() => {
  rootLogger.level = 'trace'; // every line a process would write at any level
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown) => {
      output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return true;
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  for (const name of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[name];
    console[name] = (...args: unknown[]) => void output.push(args.map((a) => String(a)).join(' '));
    restore.push(() => (console[name] = original));
  }
});

afterAll(() => {
  for (const r of restore) r();
  rootLogger.level = process.env.TEST_LOG_LEVEL ?? 'error';
});

it('no personal data in anything the processes logged while every procedure ran', () => {
  const lines = output.join('').split('\n');
  expect(captured.systems).toBeGreaterThanOrEqual(7);
  // the capture saw the JSON log: access lines of the API, with request IDs and route patterns
  expect(lines.some((l) => l.includes('"component":"access"') && l.includes('"route":"/api/cases/:caseId"'))).toBe(
    true,
  );
  const findings = personalDataIn(lines, [...fixturePersonalData(), ...captured.known]);
  // request IDs are random UUIDs, whose last group is 11 digits and a letter now and then (a run of CI met one with
  // a valid check digit): they are taken out before looking for 住民票コード
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  const codes = lines.flatMap((l) =>
    [...l.replace(uuid, '(uuid)').matchAll(/(?<!\d|[A-Z]{2}-\d{8}-)\d{11}(?!\d)/g)]
      .filter((m) => isResidentRecordCode(m[0]))
      .map(() => l),
  );
  expect(findings.map((f) => `${f.what}: ${f.context}`)).toEqual([]);
  expect(codes.map((l) => l.slice(0, 160).replace(/\d{11}/g, '＊'))).toEqual([]);
});
