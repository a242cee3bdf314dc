import { describe, expect, it } from 'vitest';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';
import { evaluateMoveOut, type MoveOutFacts, type MoveOutRecord } from '../../src/procedures/move-out/rules';
import type { MoveOutApplication } from '../../src/procedures/move-out/schema';

const record = (addresseeNumber: string, relationshipToHead: string): MoveOutRecord => ({
  addresseeNumber,
  familyName: '山田',
  givenName: `名${addresseeNumber}`,
  birthDate: '1980-01-01',
  sex: '1',
  status: 'RESIDENT',
  householdNumber: 'H1',
  relationshipToHead,
  becameResidentDate: '2000-01-01',
});
const HEAD = record('0000019', '世帯主');
const WIFE = record('0000027', '妻');
const CHILD = record('0000035', '子');
const app = (movers: MoveOutRecord[], over: Partial<MoveOutApplication> = {}): MoveOutApplication => ({
  movers: movers.map(({ addresseeNumber, familyName, givenName, birthDate }) => ({
    addresseeNumber,
    familyName,
    givenName,
    birthDate,
    sex: '1',
  })),
  destination: { address: '大阪府大阪市', municipalityCode: '271276' },
  plannedMoveOutDate: '2026-12-10',
  path: 'paper',
  notifier: { kind: 'self' },
  identityDocument: { type: 'driversLicence' },
  ...over,
});
const facts = (movers: MoveOutRecord[], household: MoveOutRecord[]): MoveOutFacts => ({
  today: '2026-12-07',
  municipalityCode: '139998',
  records: movers,
  householdMembers: household,
  inOpenMoveOut: new Set(),
  deadlines: DEFAULT_MOVE_RULES,
});
const rel = (a: string, r: string) => ({ addresseeNumber: a, relationshipToHead: r });

/** 世帯主変更 when the 世帯主 moves out (domain.md §3.2; standard spec 4.0.4). */
describe('転出 rules: the 世帯主 moving out', () => {
  it('one member stays: that member becomes 世帯主 ex officio, flagged, no choice needed', () => {
    const out = evaluateMoveOut(app([HEAD]), facts([HEAD], [HEAD, WIFE]));
    expect(out.errors).toEqual([]);
    expect(out.flags).toEqual(['HEAD_CHANGE_EX_OFFICIO']);
    expect(out.stored.headChange).toEqual({
      previousHeadAddresseeNumber: HEAD.addresseeNumber,
      newHeadAddresseeNumber: WIFE.addresseeNumber,
      relationships: [rel(WIFE.addresseeNumber, '世帯主')],
    });
  });

  it('two stay: the clerk must choose a staying member and give the other a 続柄 from the vocabulary', () => {
    const f = facts([HEAD], [HEAD, WIFE, CHILD]);
    const choose = (newHead: string, rs: Array<[string, string]>) =>
      evaluateMoveOut(
        app([HEAD], {
          householdHeadChange: { newHeadAddresseeNumber: newHead, relationships: rs.map(([a, r]) => rel(a, r)) },
        }),
        f,
      );
    expect(evaluateMoveOut(app([HEAD]), f).errors).toEqual([
      expect.objectContaining({ field: '/householdHeadChange', rule: 'required' }),
    ]);
    expect(choose(HEAD.addresseeNumber, [[CHILD.addresseeNumber, '子']]).errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '/householdHeadChange/newHeadAddresseeNumber', rule: 'remainingMember' }),
      ]),
    );
    expect(choose(WIFE.addresseeNumber, [[CHILD.addresseeNumber, '世帯主']]).errors).toEqual([
      expect.objectContaining({
        field: '/householdHeadChange/relationships/0/relationshipToHead',
        rule: 'relationshipVocabulary',
      }),
    ]);
    expect(choose(WIFE.addresseeNumber, [[WIFE.addresseeNumber, '妻']]).errors.map((e) => e.rule)).toEqual([
      'remainingMember',
      'allRemainingMembers',
    ]);
    const ok = choose(CHILD.addresseeNumber, [[WIFE.addresseeNumber, '母']]);
    expect(ok.errors).toEqual([]);
    expect(ok.flags).toEqual(['HEAD_CHANGE_EX_OFFICIO']);
    expect(ok.stored.headChange?.relationships).toEqual([
      rel(CHILD.addresseeNumber, '世帯主'),
      rel(WIFE.addresseeNumber, '母'),
    ]);
  });

  it('no change when the whole household or a member other than the 世帯主 moves; a choice is then refused', () => {
    expect(evaluateMoveOut(app([HEAD, WIFE]), facts([HEAD, WIFE], [HEAD, WIFE])).stored.headChange).toBeUndefined();
    const out = evaluateMoveOut(
      app([CHILD], { householdHeadChange: { newHeadAddresseeNumber: WIFE.addresseeNumber, relationships: [] } }),
      facts([CHILD], [HEAD, WIFE, CHILD]),
    );
    expect(out.errors).toEqual([expect.objectContaining({ field: '/householdHeadChange', rule: 'notApplicable' })]);
  });

  it('the 14-day rule (domain.md §10.2): 15 days after the move is 職権 (申出), 14 days is a 届出', () => {
    const on = (notificationDate: string) =>
      evaluateMoveOut(app([HEAD, WIFE], { plannedMoveOutDate: '2025-04-01', notificationDate }), {
        ...facts([HEAD, WIFE], [HEAD, WIFE]),
        today: '2025-04-20',
      });
    expect(on('2025-04-15').stored.late).toBe(false);
    expect(on('2025-04-16').stored.late).toBe(true);
    expect(on('2025-04-16').flags).toContain('LATE_EX_OFFICIO');
  });
});
