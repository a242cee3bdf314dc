import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { householdChangeBody } from '../../src/procedures/household-change/form';
import {
  ADDRESS_CHANGE_MESSAGE,
  evaluateHouseholdChange,
  type HouseholdChangeFacts,
  type HouseholdFacts,
} from '../../src/procedures/household-change/rules';
import {
  HouseholdChangeApplicationSchema,
  type HouseholdChangeApplication,
} from '../../src/procedures/household-change/schema';

const validate = compileSchema<HouseholdChangeApplication>(HouseholdChangeApplicationSchema);
const TODAY = '2026-12-07';
const ADDRESS = '東京都さくら市桜町一丁目2番3号';

const household = (number: string, members: Array<[string, string, string?]>, over: Partial<HouseholdFacts> = {}) => ({
  householdNumber: number,
  active: true,
  address: ADDRESS,
  members: members.map(([addresseeNumber, relationshipToHead, status]) => ({
    addresseeNumber,
    relationshipToHead,
    status: status ?? 'RESIDENT',
  })),
  ...over,
});
// 世帯主 A, 妻 B, 子 C; and another household at the same address: 世帯主 X
const A = household('1000001', [
  ['0000011', '世帯主'],
  ['0000012', '妻'],
  ['0000013', '子'],
  ['0000014', '子', 'REMOVED'],
]);
const X = household('1000002', [['0000021', '世帯主']]);
const facts = (over: Partial<HouseholdChangeFacts> = {}): HouseholdChangeFacts => ({
  today: TODAY,
  householdMemberMayRequestIndividualNumber: true,
  household: A,
  target: X,
  inOpenCase: new Set(),
  ...over,
});
const app = (over: Partial<HouseholdChangeApplication> = {}): HouseholdChangeApplication => ({
  kind: 'headChange',
  householdNumber: '1000001',
  persons: [
    { addresseeNumber: '0000011', relationshipToHead: '夫' },
    { addresseeNumber: '0000012', relationshipToHead: '世帯主' },
    { addresseeNumber: '0000013', relationshipToHead: '子' },
  ],
  changeDate: '2026-12-05',
  notifier: { kind: 'self' },
  identityDocument: { type: 'myNumberCard' },
  ...over,
});
const rulesOf = (a: HouseholdChangeApplication, f = facts()) =>
  evaluateHouseholdChange(a, f).errors.map((e) => `${e.field} ${e.rule}`);

describe('世帯変更 intake rules (standard spec 4.1.4; domain spec §3.2)', () => {
  it('世帯主変更: everyone re-stated relative to the new 世帯主 is accepted; the new head is stored', () => {
    const r = evaluateHouseholdChange(app(), facts());
    expect(r.errors).toEqual([]);
    expect(r.stored).toMatchObject({ notificationDate: TODAY, newHeadAddresseeNumber: '0000012' });
    expect(r.subjects).toEqual(['0000011', '0000012', '0000013']);
  });

  it('世帯主変更: a member left out, two heads, the same head, or a forbidden 続柄 are refused', () => {
    expect(rulesOf(app({ persons: app().persons.slice(0, 2) }))).toEqual(['/persons allMembers']);
    const two = app().persons.map((p) => ({
      ...p,
      relationshipToHead: p.addresseeNumber === '0000013' ? '世帯主' : p.relationshipToHead,
    }));
    expect(rulesOf(app({ persons: two }))).toEqual(['/persons oneHead']);
    const same = app().persons.map((p, i) => ({ ...p, relationshipToHead: ['世帯主', '妻', '子'][i]! }));
    expect(rulesOf(app({ persons: same }))).toEqual(['/persons newHead']);
    for (const bad of ['孫', '祖父', '甥', '姪', '準世帯主']) {
      const persons = app().persons.map((p, i) => (i === 2 ? { ...p, relationshipToHead: bad } : p));
      expect(rulesOf(app({ persons }))).toEqual(['/persons/2/relationshipToHead relationshipVocabulary']);
    }
    expect(
      rulesOf(app({ persons: app().persons.map((p, i) => (i === 2 ? { ...p, relationshipToHead: '子の子' } : p)) })),
    ).toEqual([]);
  });

  it('refuses a 除票, a person of another household, a person with an open case, a future 異動日', () => {
    const removed = [...app().persons, { addresseeNumber: '0000014', relationshipToHead: '子' }];
    expect(rulesOf(app({ persons: removed }))).toEqual(['/persons/3/addresseeNumber notRemoved']);
    const stranger = [...app().persons, { addresseeNumber: '0000099', relationshipToHead: '同居人' }];
    expect(rulesOf(app({ persons: stranger }))).toEqual(['/persons/3/addresseeNumber householdMember']);
    expect(rulesOf(app(), facts({ inOpenCase: new Set(['0000013']) }))).toEqual([
      '/persons/2/addresseeNumber openCase',
    ]);
    expect(rulesOf(app({ changeDate: '2026-12-08' }))).toEqual(['/changeDate notFuture']);
    expect(rulesOf(app(), facts({ household: undefined }))).toContain('/householdNumber householdExists');
    expect(rulesOf(app(), facts({ household: { ...A, active: false } }))).toEqual(['/householdNumber householdActive']);
  });

  it('世帯分離: some members leave with one 世帯主 of their own; the 世帯主 stays; not everyone', () => {
    const sep = (persons: HouseholdChangeApplication['persons']) => app({ kind: 'separation', persons });
    const ok = evaluateHouseholdChange(sep([{ addresseeNumber: '0000013', relationshipToHead: '世帯主' }]), facts());
    expect(ok.errors).toEqual([]);
    expect(ok.stored.newHeadAddresseeNumber).toBe('0000013');
    expect(rulesOf(sep([{ addresseeNumber: '0000013', relationshipToHead: '子' }]))).toEqual(['/persons oneHead']);
    expect(rulesOf(sep([{ addresseeNumber: '0000011', relationshipToHead: '世帯主' }]))).toEqual([
      '/persons headStays',
    ]);
    expect(rulesOf(sep(app().persons))).toContain('/persons someRemain');
    expect(rulesOf(sep([{ addresseeNumber: '0000013', relationshipToHead: '世帯主' }]), facts())).toEqual([]);
    expect(
      rulesOf(
        app({
          kind: 'separation',
          targetHouseholdNumber: '1000002',
          persons: [{ addresseeNumber: '0000013', relationshipToHead: '世帯主' }],
        }),
      ),
    ).toEqual(['/targetHouseholdNumber notApplicable']);
  });

  it('世帯合併 / 世帯構成変更: into a household at the same address, 続柄 relative to its 世帯主 (never a second 世帯主)', () => {
    const merge = app({
      kind: 'merge',
      targetHouseholdNumber: '1000002',
      persons: [
        { addresseeNumber: '0000011', relationshipToHead: '子' },
        { addresseeNumber: '0000012', relationshipToHead: '子の妻' },
        { addresseeNumber: '0000013', relationshipToHead: '子の子' },
      ],
    });
    const r = evaluateHouseholdChange(merge, facts());
    expect(r.errors).toEqual([]);
    expect(r.stored.newHeadAddresseeNumber).toBe('0000021');
    expect(rulesOf({ ...merge, persons: merge.persons.slice(0, 2) })).toEqual(['/persons allMembers']);
    expect(rulesOf({ ...merge, targetHouseholdNumber: undefined })).toEqual(['/targetHouseholdNumber required']);
    expect(rulesOf({ ...merge, targetHouseholdNumber: '1000001' })).toEqual(['/targetHouseholdNumber otherHousehold']);
    // another address: that is a 転居, refused with the §4.9 message
    const elsewhere = evaluateHouseholdChange(
      merge,
      facts({ target: { ...X, address: '東京都さくら市本町二丁目1番1号' } }),
    );
    expect(elsewhere.errors).toEqual([
      { field: '/targetHouseholdNumber', rule: 'sameAddress', message: ADDRESS_CHANGE_MESSAGE },
    ]);
    const comp = app({
      kind: 'composition',
      targetHouseholdNumber: '1000002',
      persons: [{ addresseeNumber: '0000013', relationshipToHead: '同居人' }],
    });
    expect(rulesOf(comp)).toEqual([]);
    expect(rulesOf({ ...comp, persons: [{ addresseeNumber: '0000013', relationshipToHead: '世帯主' }] })).toEqual([
      '/persons oneHead',
    ]);
    expect(rulesOf({ ...comp, persons: merge.persons })).toEqual(['/persons someRemain']);
  });

  it('the schema names the field and rule of bad input; a proxy needs a 委任状', () => {
    const bad = (v: unknown) => {
      const r = validate(v);
      return r.ok ? [] : r.errors.map((x) => `${x.field} ${x.rule}`);
    };
    expect(bad(app())).toEqual([]);
    expect(bad({ ...app(), kind: 'move' })).toEqual(['/kind enum']);
    expect(bad({ ...app(), persons: [] })).toEqual(['/persons minItems']);
    expect(bad({ ...app(), householdNumber: '12' })).toEqual(['/householdNumber pattern']);
    expect(rulesOf(app({ notifier: { kind: 'proxy' } }))).toEqual(['/notifier/powerOfAttorney required']);
  });

  it('the form: rows with a 続柄 become the persons; the 西暦 / 和暦 異動日 is parsed', () => {
    const body = householdChangeBody({
      kind: 'headChange',
      householdNumber: '1000001',
      'p0.addresseeNumber': '0000011',
      'p0.relationshipToHead': '夫',
      'p1.addresseeNumber': '0000012',
      'p1.relationshipToHead': '世帯主',
      'p2.addresseeNumber': '0000013',
      'p2.relationshipToHead': '',
      changeDate: 'R8.12.5',
      notifierKind: 'self',
      identityDocument: 'myNumberCard',
    });
    expect(body).toMatchObject({
      kind: 'headChange',
      persons: [
        { addresseeNumber: '0000011', relationshipToHead: '夫' },
        { addresseeNumber: '0000012', relationshipToHead: '世帯主' },
      ],
      changeDate: '2026-12-05',
    });
    expect(body).not.toHaveProperty('targetHouseholdNumber');
  });
});
