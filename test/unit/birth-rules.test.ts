import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';
import { evaluateBirth, isBirthRelationship, type BirthFacts } from '../../src/procedures/birth/rules';
import { BirthApplicationSchema, BirthFlag, type BirthApplication } from '../../src/procedures/birth/schema';
import { birthBody, timeOf } from '../../src/procedures/birth/form';

const validate = compileSchema<BirthApplication>(BirthApplicationSchema);
const TODAY = '2026-12-07';

const application = (over: Partial<BirthApplication> = {}): BirthApplication => ({
  child: {
    familyName: '桜井',
    givenName: 'ひなた',
    familyNameKana: 'サクライ',
    givenNameKana: 'ヒナタ',
    birthDate: '2026-12-01',
    birthTime: '14:05',
    sex: '2',
    relationshipToHead: '子',
  },
  household: { mode: 'join', householdNumber: '1000017' },
  notifier: { kind: 'self' },
  identityDocument: { type: 'myNumberCard' },
  ...over,
});
const facts = (over: Partial<BirthFacts> = {}): BirthFacts => ({
  today: TODAY,
  householdMemberMayRequestIndividualNumber: true,
  deadlines: { ...DEFAULT_MOVE_RULES },
  household: { active: true },
  poolLevel: 10,
  ...over,
});
const rulesOf = (app: BirthApplication, f = facts()) => evaluateBirth(app, f).errors.map((e) => `${e.field} ${e.rule}`);
const child = (over: Partial<BirthApplication['child']>) => ({ ...application().child, ...over });

describe('出生 intake rules (domain spec §4.7)', () => {
  it('accepts a 出生届 filed within 14 days into an existing household, with no finding', () => {
    const r = evaluateBirth(application(), facts());
    expect(r.errors).toEqual([]);
    expect(r.flags).toEqual([]);
    expect(r.notificationDate).toBe(TODAY);
  });

  it('flags a 出生届 later than birth + 14 days (a finding at 決裁, not a refusal); the 14 comes from the config', () => {
    const onDay14 = application({ child: child({ birthDate: '2026-11-23' }) });
    expect(evaluateBirth(onDay14, facts()).flags).toEqual([]);
    const day15 = application({ child: child({ birthDate: '2026-11-22' }) });
    const late = evaluateBirth(day15, facts());
    expect(late.errors).toEqual([]);
    expect(late.flags).toEqual([BirthFlag.LATE_BIRTH_FILING]);
    const longer = facts({ deadlines: { ...DEFAULT_MOVE_RULES, birthFilingDays: 20 } });
    expect(evaluateBirth(day15, longer).flags).toEqual([]);
  });

  it('refuses a birth date in the future or after the 届出日', () => {
    expect(rulesOf(application({ child: child({ birthDate: '2026-12-08' }) }))).toContain('/child/birthDate notFuture');
    expect(rulesOf(application({ child: child({ birthDate: '2026-12-05' }), notificationDate: '2026-12-04' }))).toEqual(
      ['/child/birthDate notAfterNotification'],
    );
  });

  it('refuses an unknown household and a 除票 household, naming the household number', () => {
    expect(rulesOf(application(), facts({ household: undefined }))).toEqual([
      '/household/householdNumber householdExists',
    ]);
    expect(rulesOf(application(), facts({ household: { active: false } }))).toEqual([
      '/household/householdNumber householdActive',
    ]);
  });

  it('refuses when the 住民票コード pool is empty (rule residentCodePoolEmpty)', () => {
    const r = evaluateBirth(application(), facts({ poolLevel: 0 }));
    expect(r.errors.map((e) => e.rule)).toEqual(['residentCodePoolEmpty']);
    expect(r.errors[0]!.message).toContain('住民票コードの在庫がありません');
  });

  it('refuses the 個人番号 on a copy for a proxy, and a proxy without a 委任状', () => {
    expect(
      rulesOf(application({ notifier: { kind: 'proxy' }, certificateRequest: { includeIndividualNumber: true } })),
    ).toEqual(['/notifier/powerOfAttorney required', '/certificateRequest/includeIndividualNumber notForProxy']);
  });
});

describe('続柄 of a new-born (domain spec §3.2: 子 for every child)', () => {
  it.each([
    ['子', 'join', true],
    ['子の子', 'join', true],
    ['世帯主', 'new', true],
    ['長男', 'join', false],
    ['長女', 'join', false],
    ['孫', 'join', false],
    ['妻', 'join', false],
    ['世帯主', 'join', false],
    ['子', 'new', false],
  ] as const)('%s in a %s household → %s', (value, mode, ok) => {
    expect(isBirthRelationship(value, mode)).toBe(ok);
    const app = application(
      mode === 'new'
        ? {
            child: child({ relationshipToHead: value }),
            household: { mode: 'new', address: { address: '東京都さくら市本町1番1号' } },
          }
        : { child: child({ relationshipToHead: value }) },
    );
    expect(rulesOf(app).includes('/child/relationshipToHead birthRelationship')).toBe(!ok);
  });
});

describe('BirthApplication schema and the 出生届 form', () => {
  it('accepts a complete application, and names field and rule of each defect without the value', () => {
    expect(validate(application()).ok).toBe(true);
    const r = validate(
      application({ child: child({ birthDate: '2026-02-30', familyNameKana: 'さくらい', birthTime: '25:00' }) }),
    );
    const errors = r.ok ? [] : r.errors;
    expect(errors.map((e) => `${e.field} ${e.rule}`)).toEqual(
      expect.arrayContaining(['/child/birthDate format', '/child/familyNameKana pattern', '/child/birthTime pattern']),
    );
    expect(JSON.stringify(errors)).not.toContain('さくらい');
    const noAddress = validate({ ...application(), household: { mode: 'new' } });
    expect(noAddress.ok).toBe(false);
  });

  it('maps the form (和暦 dates, hiragana kana, 午後 times, a foreign national’s child) to the API body', () => {
    const body = birthBody({
      familyName: '桜井',
      givenName: 'ひなた',
      familyNameKana: 'さくらい',
      givenNameKana: 'ひなた',
      birthDate: '令和8年12月1日',
      birthTime: '午後2時5分',
      sex: '2',
      relationshipToHead: '子',
      householdMode: 'join',
      householdNumber: '１０００００１',
      notificationDate: 'R8.12.7',
      notifierKind: 'self',
      identityDocument: 'myNumberCard',
      foreign: '1',
      nationalityRegion: 'ベトナム',
    });
    expect(body.child).toMatchObject({
      familyNameKana: 'サクライ',
      birthDate: '2026-12-01',
      birthTime: '14:05',
      nationalityRegion: 'ベトナム',
    });
    expect(body.notificationDate).toBe('2026-12-07');
    expect(validate(body).ok).toBe(true);
    expect(timeOf('0:30')).toBe('00:30');
    expect(timeOf('午前12時10分')).toBe('00:10');
  });
});
