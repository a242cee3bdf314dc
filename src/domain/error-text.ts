/**
 * The text of an error as the system may store, show or hand to Temporal (issue 13 item 7): the error class, its
 * code, and for a database error the constraint — never the values of the row it refused. MariaDB quotes the value
 * ("Duplicate entry '<氏名>-<生年月日>' for key …"), and driver messages quote SQL with parameters; our own errors carry
 * codes and statuses, but their messages pass the same scrubbing (quoted parts and digit runs masked) in case one
 * ever quotes a value. Pure: used by the worker's failure recorder.
 */
export function safeErrorText(err: unknown): string {
  if (!(err instanceof Error)) return 'Error';
  const e = err as Error & { code?: unknown; type?: unknown; sqlState?: unknown; errno?: unknown; status?: unknown };
  const name = identifier(e.name) ?? 'Error';
  const code = [e.type, e.code, e.sqlState, e.status]
    .map((c) => (typeof c === 'number' ? String(c) : identifier(c)))
    .filter((c): c is string => !!c && c !== name);
  const head = code.length ? `${name} [${[...new Set(code)].join(' ')}]` : name;
  if (isDatabaseError(e)) {
    const constraint = constraintOf(e.message);
    return constraint ? `${head}: constraint ${constraint}` : head;
  }
  const message = scrub(e.message);
  return (message ? `${head}: ${message}` : head).slice(0, 500);
}

const identifier = (v: unknown): string | undefined =>
  typeof v === 'string' && /^[A-Za-z0-9_.:-]{1,80}$/.test(v) ? v : undefined;

/** MikroORM's driver exceptions (UniqueConstraintViolationException, …) and raw driver errors (SQLSTATE, errno). */
const isDatabaseError = (e: { name: string; sqlState?: unknown; errno?: unknown; code?: unknown }): boolean =>
  /(Exception|SqliteError|SqlError)$/.test(e.name) ||
  e.sqlState !== undefined ||
  e.errno !== undefined ||
  (typeof e.code === 'string' && /^(ER_|SQLITE_)/.test(e.code));

/** The constraint or columns a database error names (schema identifiers, not values). */
function constraintOf(message: string): string | undefined {
  const key = /for key '([A-Za-z0-9_.]+)'/.exec(message)?.[1];
  if (key) return key;
  const cols = /constraint failed: ((?:[A-Za-z0-9_.]+)(?:, [A-Za-z0-9_.]+)*)/.exec(message)?.[1];
  return cols;
}

/** Quoted parts and runs of 4+ digits (dates, codes, numbers) masked; the message cut to one short line. */
const scrub = (m: string): string =>
  m
    .split('\n')[0]!
    .replace(/'[^']*'|"[^"]*"|`[^`]*`|「[^」]*」/g, '…')
    .replace(/\d{2,4}[-/.]\d{1,2}[-/.]\d{1,2}/g, '#')
    .replace(/\d{4,}/g, '#')
    .trim()
    .slice(0, 300);
