import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { safeErrorText } from '../../src/domain/error-text';

// issue 13 item 7: error texts name the class, code and constraint, never the values of a row
describe('safeErrorText', () => {
  const dbError = (name: string, message: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(message), { name, ...extra });

  it('keeps the class, code and constraint of a MariaDB duplicate entry, not the quoted values', () => {
    const e = dbError(
      'UniqueConstraintViolationException',
      "Duplicate entry '山田-太郎-1985-06-15' for key 'uq_person'",
      {
        code: 'ER_DUP_ENTRY',
        sqlState: '23000',
      },
    );
    expect(safeErrorText(e)).toBe('UniqueConstraintViolationException [ER_DUP_ENTRY 23000]: constraint uq_person');
  });

  it("keeps SQLite's column list", () => {
    const e = dbError('UniqueConstraintViolationException', 'UNIQUE constraint failed: resident.family_name', {
      code: 'SQLITE_CONSTRAINT_UNIQUE',
    });
    expect(safeErrorText(e)).toBe(
      'UniqueConstraintViolationException [SQLITE_CONSTRAINT_UNIQUE]: constraint resident.family_name',
    );
  });

  it('masks quoted parts and digit runs in other messages, keeps the failure type', () => {
    const e = ApplicationFailure.create({ type: 'CS_UNAVAILABLE', message: "CS 503 for '123456789018' on 1985-06-15" });
    expect(safeErrorText(e)).toBe('ApplicationFailure [CS_UNAVAILABLE]: CS 503 for … on #');
    expect(safeErrorText('山田')).toBe('Error');
  });
});
