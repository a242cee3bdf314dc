import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { deathBody, deathFormValues } from '../../src/procedures/death/form';
import { deathChangeDate, evaluateDeath, type DeathFacts } from '../../src/procedures/death/rules';
import { DeathApplicationSchema, DeathFlag, type DeathApplication } from '../../src/procedures/death/schema';
import { householdChangeBody, householdChangeFormValues } from '../../src/procedures/household-change/form';
import { evaluateHouseholdChange } from '../../src/procedures/household-change/rules';

const validate = compileSchema<DeathApplication>(DeathApplicationSchema);
const TODAY = '2026-12-07';
const app = (over: Partial<DeathApplication> = {}): DeathApplication => ({
  addresseeNumber: '0000011',
  deathDate: '2026-12-03',
  deathTime: '04:10',
  deathPlace: '東京都さくら市本町一丁目1番 さくら市立病院',
  familyRegisterNotice: { receivedDate: '2026-12-05', notifierName: '桜井　さくら', notifierCapacity: '同居の親族' },
  ...over,
});
const head = {
  addresseeNumber: '0000011',
  status: 'RESIDENT',
  householdNumber: '1000001',
  relationshipToHead: '世帯主',
};
const facts = (members: string[], over: Partial<DeathFacts> = {}): DeathFacts => ({
  today: TODAY,
  record: head,
  householdMembers: ['0000011', ...members].map((a) => ({ addresseeNumber: a, status: 'RESIDENT' })),
  openCases: [],
  ...over,
});
const rulesOf = (a: DeathApplication, f: DeathFacts) => evaluateDeath(a, f).errors.map((e) => `${e.field} ${e.rule}`);

describe('死亡 intake rules (standard spec 4.2.2; domain spec §3.1, §3.2)', () => {
  it('a member who is not the 世帯主, or a 世帯主 living alone: a plain 除票, no 世帯主変更', () => {
    const alone = evaluateDeath(app(), facts([]));
    expect(alone.errors).toEqual([]);
    expect(alone.stored).toMatchObject({ notificationDate: '2026-12-05', householdNumber: '1000001', openCases: [] });
    expect(alone.stored.headChange).toBeUndefined();
    const wife = evaluateDeath(app(), facts(['0000012'], { record: { ...head, relationshipToHead: '妻' } }));
    expect(wife.errors).toEqual([]);
    expect(wife.stored.headChange).toBeUndefined();
  });

  it('the 世帯主 dies and one member remains: that member becomes 世帯主 ex officio (finding, notice)', () => {
    const r = evaluateDeath(app(), facts(['0000012']));
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual([DeathFlag.HEAD_CHANGE_EX_OFFICIO]);
    expect(r.stored).toMatchObject({
      headChangeExOfficio: true,
      headChange: {
        previousHeadAddresseeNumber: '0000011',
        newHeadAddresseeNumber: '0000012',
        relationships: [{ addresseeNumber: '0000012', relationshipToHead: '世帯主' }],
      },
    });
  });

  it('the 世帯主 dies and two remain: the new 世帯主 and each 続柄 are required, from the vocabulary', () => {
    expect(rulesOf(app(), facts(['0000012', '0000013']))).toEqual(['/householdHeadChange required']);
    const choice = {
      newHeadAddresseeNumber: '0000012',
      relationships: [{ addresseeNumber: '0000013', relationshipToHead: '子' }],
    };
    const r = evaluateDeath(app({ householdHeadChange: choice }), facts(['0000012', '0000013']));
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual([]);
    expect(r.stored).toMatchObject({ headChangeExOfficio: false, headChange: { newHeadAddresseeNumber: '0000012' } });
    const grandchild = { ...choice, relationships: [{ addresseeNumber: '0000013', relationshipToHead: '孫' }] };
    expect(rulesOf(app({ householdHeadChange: grandchild }), facts(['0000012', '0000013']))).toEqual([
      '/householdHeadChange/relationships/0/relationshipToHead relationshipVocabulary',
    ]);
    expect(rulesOf(app({ householdHeadChange: choice }), facts([]))).toEqual(['/householdHeadChange notApplicable']);
  });

  it('refuses a 除票, an unknown person, a future death or 届出, a 届出 before the death', () => {
    expect(rulesOf(app(), facts([], { record: { ...head, status: 'REMOVED' } }))).toEqual([
      '/addresseeNumber notRemoved',
    ]);
    expect(rulesOf(app(), facts([], { record: undefined }))).toEqual(['/addresseeNumber currentResident']);
    expect(rulesOf(app({ deathDate: '2026-12-08' }), facts([]))).toContain('/deathDate notFuture');
    const received = (d: string) => app({ familyRegisterNotice: { receivedDate: d, notifierName: '桜井　さくら' } });
    expect(rulesOf(received('2026-12-08'), facts([]))).toEqual(['/familyRegisterNotice/receivedDate notFuture']);
    expect(rulesOf(received('2026-12-01'), facts([]))).toEqual(['/familyRegisterNotice/receivedDate notBeforeDeath']);
  });

  it('other open cases of the deceased are a finding, not a refusal', () => {
    const r = evaluateDeath(app(), facts([], { openCases: ['MO-20261201-abcd1234'] }));
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual([DeathFlag.OPEN_CASE_OF_DECEASED]);
    expect(r.stored.openCases).toEqual(['MO-20261201-abcd1234']);
  });

  it('a date of death with unknown parts is the registry date type; the CS gets its earliest day, or the 届出 date', () => {
    expect(validate(app({ deathDate: '2026-12-00' })).ok).toBe(true);
    expect(validate(app({ deathDate: '0000-00-00' })).ok).toBe(true);
    const bad = validate(app({ deathDate: '2026-13-01', deathTime: '25:00' }));
    expect(bad.ok ? [] : bad.errors.map((e) => `${e.field} ${e.rule}`)).toEqual([
      '/deathDate format',
      '/deathTime pattern',
    ]);
    expect(deathChangeDate('2026-12-03', '2026-12-05')).toBe('2026-12-03');
    expect(deathChangeDate('2026-12-00', '2026-12-05')).toBe('2026-12-01');
    expect(deathChangeDate('0000-00-00', '2026-12-05')).toBe('2026-12-05');
    expect(evaluateDeath(app({ deathDate: '2026-12-00', deathTime: undefined }), facts([])).errors).toEqual([]);
  });

  it('the forms: 死亡 and 世帯変更 round-trip through the correction pre-fill (formValues ∘ body)', () => {
    const stored = evaluateDeath(
      app({
        householdHeadChange: {
          newHeadAddresseeNumber: '0000012',
          relationships: [{ addresseeNumber: '0000013', relationshipToHead: '子' }],
        },
      }),
      facts(['0000012', '0000013']),
    ).stored;
    expect(deathBody(deathFormValues(stored))).toEqual(
      app({
        householdHeadChange: {
          newHeadAddresseeNumber: '0000012',
          relationships: [{ addresseeNumber: '0000013', relationshipToHead: '子' }],
        },
      }),
    );
    const hc = {
      kind: 'composition' as const,
      householdNumber: '1000001',
      targetHouseholdNumber: '1000002',
      persons: [{ addresseeNumber: '0000013', relationshipToHead: '同居人' }],
      changeDate: '2026-12-05',
      notificationDate: '2026-12-06',
      notifier: { kind: 'proxy' as const, powerOfAttorney: true },
      identityDocument: { type: 'driversLicence' as const },
      certificateRequest: { includeHouseholdHead: true },
    };
    const storedHc = evaluateHouseholdChange(hc, {
      today: TODAY,
      householdMemberMayRequestIndividualNumber: true,
      inOpenCase: new Set(),
    }).stored;
    expect(householdChangeBody(householdChangeFormValues(storedHc))).toEqual(hc);
  });
});
