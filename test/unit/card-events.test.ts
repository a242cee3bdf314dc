import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { evaluateCardEventRequest } from '../../src/procedures/card-events/rules';
import { CardEventRequestSchema, type CardEventRequest } from '../../src/procedures/card-events/schema';
import { evaluateSpecialMoveIn } from '../../src/procedures/special-move-in/rules';
import { specialMoveInCardHolders, type SpecialMoveInApplication } from '../../src/procedures/special-move-in/schema';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';

const validate = compileSchema<CardEventRequest>(CardEventRequestSchema);
const fieldsOf = (body: unknown) => {
  const v = validate(body);
  return v.ok ? [] : v.errors.map((e) => `${e.field} ${e.rule}`);
};

describe('counter card event request (POST /api/cards/{cardId}/events)', () => {
  it('accepts 廃止 with a reason, 回収 / 返還, and 解除 with the identity check on a written application', () => {
    expect(fieldsOf({ kind: 'CANCELLED', reason: 'DEATH', eventDate: '2026-12-01' })).toEqual([]);
    expect(fieldsOf({ kind: 'RETURNED', eventDate: '2026-12-01' })).toEqual([]);
    expect(
      fieldsOf({
        kind: 'SUSPENSION_LIFTED',
        eventDate: '2026-12-01',
        identityCheck: { document: { type: 'passport' }, writtenApplication: true },
      }),
    ).toEqual([]);
  });

  it('names the field and the rule of every refusal', () => {
    expect(fieldsOf({ kind: 'CANCELLED', eventDate: '2026-12-01' })).toContain('/reason required');
    expect(fieldsOf({ kind: 'SUSPENSION_LIFTED', eventDate: '2026-12-01' })).toContain('/identityCheck required');
    expect(
      fieldsOf({
        kind: 'SUSPENSION_LIFTED',
        eventDate: '2026-12-01',
        identityCheck: { document: { type: 'passport' }, writtenApplication: false },
      }),
    ).toContain('/identityCheck/writtenApplication const');
    expect(fieldsOf({ kind: 'SUSPENDED', eventDate: '2026-12-01' })).toContain('/kind enum'); // J-LIS only
    expect(fieldsOf({ kind: 'COLLECTED', eventDate: '2026-12-01', pin: '1234' })).toContain(
      '/pin additionalProperties',
    );
    expect(fieldsOf({ kind: 'CANCELLED', reason: 'WHATEVER', eventDate: '2026-12-01' })).toContain('/reason enum');
    expect(fieldsOf({ kind: 'COLLECTED', eventDate: '2026-13-01' })).toContain('/eventDate format');
    const today = '2026-12-07';
    expect(evaluateCardEventRequest({ kind: 'COLLECTED', eventDate: '2026-12-08' }, { today })).toEqual([
      expect.objectContaining({ field: '/eventDate', rule: 'notFuture' }),
    ]);
    expect(evaluateCardEventRequest({ kind: 'COLLECTED', reason: 'DEATH', eventDate: today }, { today })).toEqual([
      expect.objectContaining({ field: '/reason', rule: 'reasonOnlyForCancel' }),
    ]);
  });
});

describe('特例転入: who presents their own card', () => {
  const person = (relationshipToHead: string, cardPresented?: boolean) => ({
    residentRecordCode: '24727059608',
    familyName: '川口',
    givenName: '健太',
    birthDate: '1990-05-05',
    sex: '1' as const,
    relationshipToHead,
    ...(cardPresented === undefined ? {} : { cardPresented }),
  });
  it('the intake stores the flag for every person (absent = no card of their own)', () => {
    const app: SpecialMoveInApplication = {
      persons: [person('世帯主', true), person('子')],
      originMunicipalityCode: '141500',
      address: { address: '東京都さくら市緑町一丁目5番2号' },
      moveInDate: '2026-12-05',
      household: { mode: 'new' },
      notifier: { kind: 'self' },
    };
    const { stored } = evaluateSpecialMoveIn(app, {
      today: '2026-12-07',
      municipalityCode: '139998',
      deadlines: DEFAULT_MOVE_RULES,
      householdExists: false,
      registered: [false, false],
      heldPlannedMoveOutDates: ['2026-12-04', '2026-12-04'],
    });
    expect(stored.persons.map((p) => p.cardPresented)).toEqual([true, false]);
    expect(specialMoveInCardHolders(stored)).toEqual([true, false]);
  });
  it('an application stored before the flag existed keeps its behaviour (everybody)', () => {
    expect(specialMoveInCardHolders({ persons: [person('世帯主'), person('子')] })).toEqual([true, true]);
  });
});
