import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';
import { moveWithinBody, moveWithinFormValues, rowValues } from '../../src/procedures/move-within/form';
import {
  evaluateMoveWithin,
  nonAddressChanges,
  type MoveWithinFacts,
  type MoveWithinRecord,
} from '../../src/procedures/move-within/rules';
import {
  MoveWithinApplicationSchema,
  MoveWithinFlag,
  type MoveWithinApplication,
} from '../../src/procedures/move-within/schema';

const validate = compileSchema<MoveWithinApplication>(MoveWithinApplicationSchema);
const TODAY = '2026-12-07';
const OLD = { address: '東京都さくら市本町一丁目2番3号', addressSupplement: 'さくら荘101号' };

const person = (a: string, given: string, rel: string, over: Partial<MoveWithinRecord> = {}): MoveWithinRecord => ({
  addresseeNumber: a,
  familyName: '桜井',
  givenName: given,
  birthDate: '1980-04-01',
  sex: '1',
  status: 'RESIDENT',
  householdNumber: '1000017',
  relationshipToHead: rel,
  ...OLD,
  ...over,
});
// a household of three: 世帯主, 妻, 子
const HEAD = person('0000011', '一郎', '世帯主');
const WIFE = person('0000022', '花子', '妻', { sex: '2' });
const CHILD = person('0000033', '太郎', '子', { birthDate: '2005-05-05' });
const HOUSEHOLD = [HEAD, WIFE, CHILD];

const mover = (r: MoveWithinRecord, over: Partial<MoveWithinApplication['movers'][number]> = {}) => ({
  addresseeNumber: r.addresseeNumber,
  familyName: r.familyName,
  givenName: r.givenName,
  birthDate: r.birthDate,
  sex: r.sex as '1' | '2',
  ...over,
});
const application = (over: Partial<MoveWithinApplication> = {}): MoveWithinApplication => ({
  movers: HOUSEHOLD.map((r) => mover(r)),
  newAddress: { address: '東京都さくら市桜ケ丘二丁目3番14号', addressSupplement: 'さくらハイツ203号室' },
  moveDate: '2026-12-01',
  household: { mode: 'whole' },
  notifier: { kind: 'self' },
  identityDocument: { type: 'driversLicence' },
  ...over,
});
const facts = (over: Partial<MoveWithinFacts> = {}, app = application()): MoveWithinFacts => ({
  today: TODAY,
  deadlines: { ...DEFAULT_MOVE_RULES },
  householdMemberMayRequestIndividualNumber: true,
  records: app.movers.map((m) => HOUSEHOLD.find((r) => r.addresseeNumber === m.addresseeNumber)),
  householdMembers: HOUSEHOLD,
  inOpenCase: new Set(),
  ...over,
});
const rulesOf = (app: MoveWithinApplication, f = facts({}, app)) =>
  evaluateMoveWithin(app, f).errors.map((e) => `${e.field} ${e.rule}`);

// 2 of 3 move (妻 and 子) and form a new household with 妻 as 世帯主
const partial = (over: Partial<MoveWithinApplication> = {}) =>
  application({
    movers: [mover(WIFE), mover(CHILD, { relationshipToHead: '子' })],
    household: { mode: 'new', newHeadAddresseeNumber: WIFE.addresseeNumber },
    ...over,
  });

describe('転居 intake rules (domain spec §4.9)', () => {
  it('accepts a whole household moving within 14 days: no finding, the movers are the subjects', () => {
    const r = evaluateMoveWithin(application(), facts());
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual([]);
    expect(r.subjects).toEqual(['0000011', '0000022', '0000033']);
    expect(r.stored).toMatchObject({ notificationDate: TODAY, householdNumber: '1000017', late: false });
  });

  it('a 転居届 after 転居日 + 14 days is a 届出期間経過 finding for the approver, not a refusal (14 from the config)', () => {
    const day14 = application({ moveDate: '2026-11-23' });
    expect(evaluateMoveWithin(day14, facts()).flags).toEqual([]);
    const day15 = application({ moveDate: '2026-11-22' });
    const late = evaluateMoveWithin(day15, facts());
    expect(late.errors).toEqual([]);
    expect(late.flags).toEqual([MoveWithinFlag.LATE_MOVE_WITHIN_FILING]);
    expect(late.stored.late).toBe(true);
    expect(
      evaluateMoveWithin(day15, facts({ deadlines: { ...DEFAULT_MOVE_RULES, moveWithinFilingDays: 20 } })).flags,
    ).toEqual([]);
  });

  it('refuses a 転居日 in the future or after the 届出日, and a 届出日 in the future', () => {
    expect(rulesOf(application({ moveDate: '2026-12-08' }))).toContain('/moveDate notFuture');
    expect(rulesOf(application({ moveDate: '2026-12-05', notificationDate: '2026-12-04' }))).toEqual([
      '/moveDate notAfterNotification',
    ]);
    expect(rulesOf(application({ notificationDate: '2026-12-08' }))).toContain('/notificationDate notFuture');
  });

  it('the new address must differ; another building on the same 地番 (a different 方書) is a 転居 (standard spec 4.1.2)', () => {
    expect(rulesOf(application({ newAddress: { ...OLD } }))).toContain('/newAddress/address differentAddress');
    // spaces do not make it different
    expect(
      rulesOf(
        application({
          newAddress: { address: '東京都さくら市本町一丁目2番3号 ', addressSupplement: 'さくら荘 101号' },
        }),
      ),
    ).toContain('/newAddress/address differentAddress');
    expect(
      rulesOf(application({ newAddress: { address: OLD.address, addressSupplement: 'さくら荘別館205号' } })),
    ).toEqual([]);
    expect(rulesOf(application({ newAddress: { address: OLD.address } }))).toEqual([]);
  });

  it('refuses a 除票 person, a 転出予定者, a person with a pending case, unknown persons and a wrong 4情報', () => {
    const app = application();
    const removed = facts({ records: [HEAD, { ...WIFE, status: 'REMOVED' }, CHILD] });
    expect(evaluateMoveWithin(app, removed).errors).toContainEqual(
      expect.objectContaining({
        field: '/movers/1',
        rule: 'currentResident',
        message: '除票の方は転居届の対象になりません',
      }),
    );
    expect(rulesOf(app, facts({ records: [HEAD, WIFE, { ...CHILD, status: 'PENDING_MOVE_OUT' }] }))).toContain(
      '/movers/2 pendingMoveOut',
    );
    const pending = evaluateMoveWithin(app, facts({ inOpenCase: new Set([WIFE.addresseeNumber]) }));
    expect(pending.errors.map((e) => `${e.field} ${e.rule}`)).toEqual(['/movers/1 openCase']);
    expect(pending.errors[0]!.message).toContain('処理中');
    expect(rulesOf(app, facts({ records: [HEAD, undefined, CHILD] }))).toContain('/movers/1 currentResident');
    expect(rulesOf(application({ movers: [mover(HEAD, { givenName: '一朗' }), mover(WIFE), mover(CHILD)] }))).toContain(
      '/movers/0 fourInfoMatch',
    );
  });

  it('a whole-household 転居 needs every member; some members move as a new household or into another one', () => {
    expect(rulesOf(application({ movers: [mover(HEAD), mover(WIFE)] }))).toContain('/household/mode wholeHousehold');
    expect(rulesOf(partial())).toEqual([]);
    const r = evaluateMoveWithin(partial(), facts({}, partial()));
    expect(r.flags).toEqual([]);
    expect(r.stored.headChange).toBeUndefined();
    // the new household's 世帯主 must be a mover, the others need a 続柄 from the vocabulary
    expect(rulesOf(partial({ household: { mode: 'new', newHeadAddresseeNumber: HEAD.addresseeNumber } }))).toContain(
      '/household/newHeadAddresseeNumber mover',
    );
    expect(rulesOf(partial({ household: { mode: 'new' } }))).toContain('/household/newHeadAddresseeNumber required');
    expect(rulesOf(partial({ movers: [mover(WIFE), mover(CHILD)] }))).toEqual([
      '/movers/1/relationshipToHead required',
    ]);
    expect(rulesOf(partial({ movers: [mover(WIFE), mover(CHILD, { relationshipToHead: '孫' })] }))).toEqual([
      '/movers/1/relationshipToHead relationshipVocabulary',
    ]);
  });

  it('joining a household: it must exist, be current, be another one and live at the new address', () => {
    const join = (householdNumber: string) =>
      application({
        movers: [mover(CHILD, { relationshipToHead: '同居人' })],
        household: { mode: 'join', householdNumber },
      });
    const at = { active: true, address: '東京都さくら市桜ケ丘二丁目3番14号', addressSupplement: 'さくらハイツ203号室' };
    expect(rulesOf(join('2000014'), facts({ targetHousehold: at }, join('2000014')))).toEqual([]);
    expect(rulesOf(join('2000014'), facts({}, join('2000014')))).toEqual([
      '/household/householdNumber householdExists',
    ]);
    expect(rulesOf(join('2000014'), facts({ targetHousehold: { ...at, active: false } }, join('2000014')))).toEqual([
      '/household/householdNumber householdActive',
    ]);
    expect(
      rulesOf(join('2000014'), facts({ targetHousehold: { ...at, addressSupplement: '別棟' } }, join('2000014'))),
    ).toEqual(['/household/householdNumber householdAtNewAddress']);
    expect(rulesOf(join('1000017'), facts({ targetHousehold: at }, join('1000017')))).toEqual([
      '/household/householdNumber otherHousehold',
    ]);
  });

  it('the 世帯主 leaving two or more members: refused (世帯主変更 first) unless the form names the new 世帯主', () => {
    const headAndChild = (over: Partial<MoveWithinApplication> = {}) =>
      application({
        movers: [mover(HEAD)],
        household: { mode: 'new', newHeadAddresseeNumber: HEAD.addresseeNumber },
        ...over,
      });
    const refused = evaluateMoveWithin(headAndChild(), facts({}, headAndChild()));
    expect(refused.errors.map((e) => `${e.field} ${e.rule}`)).toEqual(['/remainingHouseholdHead headChangeRequired']);
    expect(refused.errors[0]!.message).toContain('先に世帯主変更が必要です');
    const named = headAndChild({
      remainingHouseholdHead: {
        newHeadAddresseeNumber: WIFE.addresseeNumber,
        relationships: [{ addresseeNumber: CHILD.addresseeNumber, relationshipToHead: '子' }],
      },
    });
    const ok = evaluateMoveWithin(named, facts({}, named));
    expect(ok.errors).toEqual([]);
    expect(ok.flags).toEqual([MoveWithinFlag.HEAD_CHANGE_ON_FILING]);
    expect(ok.stored.headChange).toEqual({
      previousHeadAddresseeNumber: HEAD.addresseeNumber,
      newHeadAddresseeNumber: WIFE.addresseeNumber,
      relationships: [
        { addresseeNumber: WIFE.addresseeNumber, relationshipToHead: '世帯主' },
        { addresseeNumber: CHILD.addresseeNumber, relationshipToHead: '子' },
      ],
    });
    expect(ok.stored.headChangeExOfficio).toBe(false);
    // a choice naming a mover is refused
    const wrong = headAndChild({
      remainingHouseholdHead: { newHeadAddresseeNumber: HEAD.addresseeNumber, relationships: [] },
    });
    expect(rulesOf(wrong)).toContain('/remainingHouseholdHead/newHeadAddresseeNumber remainingMember');
  });

  it('one member staying becomes 世帯主 ex officio (世帯主変更通知書); no choice needed', () => {
    const app = application({
      movers: [mover(HEAD), mover(WIFE, { relationshipToHead: '妻' })],
      household: { mode: 'new', newHeadAddresseeNumber: HEAD.addresseeNumber },
    });
    const r = evaluateMoveWithin(app, facts({}, app));
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual([MoveWithinFlag.HEAD_CHANGE_EX_OFFICIO]);
    expect(r.stored).toMatchObject({
      headChangeExOfficio: true,
      headChange: { newHeadAddresseeNumber: CHILD.addresseeNumber },
    });
  });

  it('a proxy needs the 委任状; a proxy may not take a copy with the 個人番号', () => {
    expect(rulesOf(application({ notifier: { kind: 'proxy' } }))).toEqual(['/notifier/powerOfAttorney required']);
    expect(
      rulesOf(
        application({
          notifier: { kind: 'proxy', powerOfAttorney: true },
          certificateRequest: { includeIndividualNumber: true },
        }),
      ),
    ).toEqual(['/certificateRequest/includeIndividualNumber notForProxy']);
  });

  it('the 本人確認情報 of a 転居 may change the address only (domain spec §3.4, pre-validated)', () => {
    const before = {
      residentRecordCode: '24727059608',
      name: '桜井　一郎',
      birthDate: '19800401',
      sex: '1',
      address: 'A',
    };
    expect(nonAddressChanges(before, { ...before, address: 'B' })).toEqual([]);
    expect(nonAddressChanges(before, { ...before, address: 'B', name: '桜井　一朗' })).toEqual(['name']);
  });
});

describe('転居届 schema and form', () => {
  it('bad input names the field and the rule', () => {
    const bad = { ...application(), household: { mode: 'somewhere' }, moveDate: '2026-13-01', newAddress: {} };
    const v = validate(bad);
    expect(v.ok).toBe(false);
    const errs = v.ok ? [] : v.errors.map((e) => `${e.field} ${e.rule}`);
    expect(errs).toEqual(
      expect.arrayContaining(['/household/mode enum', '/moveDate format', '/newAddress/address required']),
    );
    expect(validate(application()).ok).toBe(true);
  });

  it('maps the ticked rows, the card, the new household and the remaining household head to the body', () => {
    const row = (i: number, r: MoveWithinRecord) => ({
      [`p${i}.addresseeNumber`]: r.addresseeNumber,
      [`p${i}.familyName`]: r.familyName,
      [`p${i}.givenName`]: r.givenName,
      [`p${i}.birthDate`]: r.birthDate,
      [`p${i}.sex`]: r.sex,
    });
    const { body, rowOfMover } = moveWithinBody({
      ...row(0, HEAD),
      ...row(1, WIFE),
      ...row(2, CHILD),
      'p1.selected': '1',
      'p1.card': '1',
      'p2.selected': '1',
      'p2.relationship': '子',
      householdMode: 'new',
      newHead: WIFE.addresseeNumber,
      address: '東京都さくら市桜ケ丘二丁目3番14号',
      addressSupplement: 'さくらハイツ203号室',
      postalCode: '２０６－００１２',
      moveDate: '令和8年12月1日',
      notifierKind: 'self',
      identityDocument: 'driversLicence',
      certWanted: '1',
    });
    expect(rowOfMover).toEqual([1, 2]);
    expect(body).toMatchObject({
      movers: [
        { addresseeNumber: WIFE.addresseeNumber, cardPresented: true },
        { addresseeNumber: CHILD.addresseeNumber, relationshipToHead: '子' },
      ],
      newAddress: { postalCode: '206-0012' },
      moveDate: '2026-12-01',
      household: { mode: 'new', newHeadAddresseeNumber: WIFE.addresseeNumber },
      certificateRequest: {},
    });
    expect(body.movers[0]).not.toHaveProperty('relationshipToHead');
    expect(validate(body).ok).toBe(true);
  });

  it('a stored 転居届 goes back into the form for 訂正して再提出 (the inverse of the body builder)', () => {
    const app = partial({
      movers: [mover(WIFE, { cardPresented: true }), mover(CHILD, { relationshipToHead: '子' })],
      notificationDate: '2026-12-02',
      certificateRequest: { includeHouseholdHead: true },
    });
    const stored = evaluateMoveWithin(app, facts({}, app)).stored;
    const values = moveWithinFormValues(stored);
    expect(values.from).toBe(WIFE.addresseeNumber);
    // the form draws the household from the registry: the values land on the rows of those persons
    const rows = rowValues(
      values,
      HOUSEHOLD.map((r) => r.addresseeNumber),
    );
    const hidden = Object.fromEntries(
      HOUSEHOLD.flatMap((r, i) => [
        [`p${i}.addresseeNumber`, r.addresseeNumber],
        [`p${i}.familyName`, r.familyName],
        [`p${i}.givenName`, r.givenName],
        [`p${i}.birthDate`, r.birthDate],
        [`p${i}.sex`, r.sex],
      ]),
    );
    expect(rows).toMatchObject({ 'p1.selected': '1', 'p1.card': '1', 'p2.selected': '1', 'p2.relationship': '子' });
    expect(moveWithinBody({ ...hidden, ...rows }).body).toEqual(app);
  });
});
