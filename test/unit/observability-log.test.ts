import { describe, expect, it } from 'vitest';
import { logger, tapLogs } from '../../src/observability/log';
import { withMod11CheckDigit } from '../../src/domain/check-digits';

/** The JSON lines one call writes. */
function linesOf(fn: () => void): Array<Record<string, unknown>> {
  const lines: string[] = [];
  const untap = tapLogs((l) => lines.push(l));
  try {
    fn();
  } finally {
    untap();
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('JSON logs refuse personal data (README "Operations: Logs")', () => {
  const log = logger('test');
  const individualNumber = withMod11CheckDigit('12345678901');

  it('redacts the known personal fields wherever they sit', () => {
    const [line] = linesOf(() =>
      log.info(
        {
          caseId: 'MI-20261207-0a1b2c3d4e5f',
          familyName: '山田',
          person: { givenNameKana: 'タロウ', birthDate: '1980-01-02', address: '東京都さくら市1-2-3' },
          headers: { authorization: 'Bearer secret-token-0123456789' },
        },
        'intake',
      ),
    );
    const text = JSON.stringify(line);
    expect(line).toMatchObject({ component: 'test', caseId: 'MI-20261207-0a1b2c3d4e5f', familyName: '[redacted]' });
    for (const v of ['山田', 'タロウ', '1980-01-02', '東京都', 'secret-token']) expect(text).not.toContain(v);
  });

  it('refuses personal-looking values in any other field and in the message', () => {
    const [line] = linesOf(() =>
      log.warn(
        { who: '佐藤　花子', number: individualNumber, code: '12345678901', born: '1975-03-04', note: 'ok' },
        `lookup of ${individualNumber}`,
      ),
    );
    expect(line).toMatchObject({
      who: '[refused]',
      number: '[refused]',
      code: '[refused]',
      born: '[refused]',
      note: 'ok',
      msg: '[refused]',
    });
  });

  it('keeps case IDs whose random tail is all digits, and timestamps', () => {
    const [line] = linesOf(() => log.info({ caseId: 'MP-20261207-616545810647', at: '2026-12-07T01:02:03.000Z' }, 'x'));
    expect(line).toMatchObject({ caseId: 'MP-20261207-616545810647', at: '2026-12-07T01:02:03.000Z' });
  });

  it('logs an error as its class and code, never the values its message quotes', () => {
    const err = Object.assign(new Error(`Duplicate entry '山田-1980-01-02' for key 'uq_person'`), {
      name: 'UniqueConstraintViolationException',
      code: 'ER_DUP_ENTRY',
    });
    const [line] = linesOf(() => log.error({ err }, 'failed'));
    expect(line!.err).toBe('UniqueConstraintViolationException [ER_DUP_ENTRY]: constraint uq_person');
  });
});
