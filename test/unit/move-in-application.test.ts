import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { MoveInApplicationSchema, type MoveInApplication } from '../../src/procedures/move-in/schema';
import { moveInApplication, mover } from '../support/fixtures';

const validate = compileSchema<MoveInApplication>(MoveInApplicationSchema);
const fieldsOf = (data: unknown) => {
  const r = validate(data);
  return r.ok ? [] : r.errors.map((e) => `${e.field} ${e.rule}`);
};

describe('MoveInApplication schema (intake boundary)', () => {
  it('accepts a complete 転入届', () => expect(fieldsOf(moveInApplication())).toEqual([]));

  it('names the field and the rule for each defect, never the value', () => {
    const bad = moveInApplication({
      movers: [mover({ individualNumber: '123456789019', familyNameKana: 'やまだ', sex: '3' as never })],
    });
    const r = validate(bad);
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.errors;
    expect(errors.map((e) => `${e.field} ${e.rule}`)).toEqual(
      expect.arrayContaining([
        '/movers/0/individualNumber format',
        '/movers/0/familyNameKana pattern',
        '/movers/0/sex enum',
      ]),
    );
    expect(JSON.stringify(errors)).not.toContain('123456789019');
    expect(JSON.stringify(errors)).not.toContain('やまだ');
  });

  it('refuses missing and unknown fields, impossible dates and an unknown household mode', () => {
    const { previousAddress: _p, ...noPrev } = moveInApplication();
    expect(fieldsOf(noPrev)).toContain('/previousAddress required');
    expect(fieldsOf({ ...moveInApplication(), note: 'x' })).toContain('/note additionalProperties');
    expect(fieldsOf(moveInApplication({ moveInDate: '2025-02-29' }))).toContain('/moveInDate format');
    expect(fieldsOf(moveInApplication({ household: { mode: 'merge' } as never }))).not.toEqual([]);
    expect(fieldsOf(moveInApplication({ household: { mode: 'join', householdNumber: '12' } }))).not.toEqual([]);
    expect(fieldsOf(moveInApplication({ movers: [] }))).toContain('/movers minItems');
    expect(fieldsOf(moveInApplication({ previousMunicipalityCode: '141501' }))).toContain(
      '/previousMunicipalityCode format',
    );
  });
});
