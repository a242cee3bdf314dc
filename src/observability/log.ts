import pino, { type Logger } from 'pino';
import { safeErrorText } from '../domain/error-text';

/**
 * Structured JSON logs (pino, one line per event on stdout) for the API, the worker, the simulators and the scripts
 * that run the system (README "Operations: Logs"). Personal data never reaches a line, two ways:
 *
 * 1. `redact`: the fields that hold personal data wherever they appear (氏名, カナ, 生年月日, 性別, 住所, 個人番号,
 *    住民票コード, credentials) are replaced by `[redacted]` (pino redact paths, up to three levels deep).
 * 2. `refusePersonalData` (pino's log formatter, on every line): a string value that looks like personal data is
 *    replaced by `[refused]` — any 11- or 12-digit run (住民票コード, 個人番号; not the tail of a case ID), a bare date
 *    (a birth date), and, outside the fields below that only ever hold identifiers, any Japanese text (a name or an
 *    address). Errors are logged as their class and code (`safeErrorText`), never their message's values.
 */

const PERSONAL_FIELDS = [
  'familyName',
  'givenName',
  'familyNameKana',
  'givenNameKana',
  'name',
  'nameKana',
  'birthDate',
  'sex',
  'gender',
  'address',
  'addressLine',
  'domicile',
  'individualNumber',
  'residentRecordCode',
  'residentCode',
  'password',
  'token',
  'authorization',
  'cookie',
];

export const REDACT_PATHS = [
  ...PERSONAL_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** Fields that carry identifiers and fixed vocabulary only (and the message): Japanese text there is ours. */
const TEXT_FIELDS = new Set(['msg', 'component', 'route', 'reason', 'procedure', 'status', 'step', 'err']);

const DIGITS = /(?<![A-Z]{2}-\d{8}-[0-9a-f]{0,12})(?<![0-9a-f])\d{11,12}(?![0-9a-f])/;
const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
const JAPANESE = /[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]/;
const MAX_DEPTH = 4;

/** The value as it may be logged: personal-looking strings refused, errors reduced to class and code. */
export function refusePersonalData(value: unknown, key = '', depth = 0): unknown {
  if (typeof value === 'string') {
    if (DIGITS.test(value) || BARE_DATE.test(value)) return '[refused]';
    if (!TEXT_FIELDS.has(key) && JAPANESE.test(value)) return '[refused]';
    return value;
  }
  if (value instanceof Error) return safeErrorText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[depth]';
  if (Array.isArray(value)) return value.map((v) => refusePersonalData(v, key, depth + 1));
  if (value instanceof Date) return value.toISOString();
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, refusePersonalData(v, k, depth + 1)]));
}

/** Test seam: every line written is also handed to the taps (the redaction test reads all of them). */
const taps = new Set<(line: string) => void>();
export function tapLogs(fn: (line: string) => void): () => void {
  taps.add(fn);
  return () => taps.delete(fn);
}

const destination = {
  write(line: string) {
    process.stdout.write(line);
    for (const t of taps) t(line);
  },
};

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const level = (): LogLevelName => {
  const l = process.env.LOG_LEVEL?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(l ?? '') ? (l as LogLevelName) : 'info';
};

/** The process's root logger; `component` names the process or part (api, worker, cs-sim, temporal, …). */
export const rootLogger: Logger = pino(
  {
    level: level(),
    base: { pid: process.pid },
    messageKey: 'msg',
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => refusePersonalData(obj) as Record<string, unknown>,
    },
    serializers: { err: (e: unknown) => (typeof e === 'string' ? e : safeErrorText(e)) },
    hooks: {
      // the message itself passes the same refusal (a message built from a value would otherwise slip through)
      logMethod(args, method) {
        const i = typeof args[0] === 'string' ? 0 : 1;
        if (typeof args[i] === 'string') args[i] = refusePersonalData(args[i], 'msg') as string;
        return method.apply(this, args);
      },
    },
  },
  destination,
);

export const logger = (component: string, bindings: Record<string, unknown> = {}): Logger =>
  rootLogger.child({ component, ...bindings });
