/** The scanner behind the "no personal data in histories, logs and payloads" tests: what it must and must not flag. */
import { describe, expect, it } from 'vitest';
import { personalDataIn } from '../support/personal-data-scan';
import { randomIndividualNumber } from '../support/fixtures';

describe('personalDataIn', () => {
  const n = randomIndividualNumber();
  it('flags a 12-digit number with a valid 個人番号 check digit', () => {
    expect(personalDataIn([`{"individualNumber":"${n}"}`], [])).toHaveLength(1);
    expect(personalDataIn([`個人番号 ${n} を表示`], [])).toHaveLength(1);
  });
  it('does not flag the digits of an ID: a case ID tail, or a presented card ID (PRE + 宛名番号 + counter)', () => {
    expect(personalDataIn([`{"caseId":"MP-20261207-${n}"}`], [])).toEqual([]);
    expect(personalDataIn([`{"cancelled":["PRE${n}"]}`], [])).toEqual([]);
  });
});
