import { randomInt } from 'node:crypto';
import { withMod11CheckDigit, withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { addDays, jstDate } from '../../src/domain/dates';
import { DEFAULT_MOVE_RULES } from '../../src/domain/move-deadlines';
import type { MoveInFacts } from '../../src/procedures/move-in/rules';
import type { MoveInApplication, MoveInMover } from '../../src/procedures/move-in/schema';

const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

export const randomIndividualNumber = () => withMod11CheckDigit(digits(11));
export const randomResidentRecordCode = () => withMod11CheckDigit(digits(10));
export const ORIGIN_TOWN = withMunicipalityCheckDigit('14150'); // 相模原市

export const today = () => jstDate(new Date());

/** A fixture mover always has a 住民票コード (only an arrival from abroad may lack one). */
export type FixtureMover = MoveInMover & { residentRecordCode: string };
export type FixtureApplication = Omit<MoveInApplication, 'movers'> & { movers: FixtureMover[] };

export function mover(overrides: Partial<MoveInMover> = {}): FixtureMover {
  return {
    familyName: '山田',
    givenName: '太郎',
    familyNameKana: 'ヤマダ',
    givenNameKana: 'タロウ',
    birthDate: '1985-06-15',
    sex: '1',
    relationshipToHead: '世帯主',
    residentRecordCode: randomResidentRecordCode(),
    individualNumber: randomIndividualNumber(),
    registeredDomicile: '神奈川県相模原市中央区中央二丁目11番',
    familyRegisterHead: '山田　太郎',
    ...overrides,
  } as FixtureMover;
}

/** A valid ordinary 転入届: a couple moving from 相模原市 into a new household, with a 住民票の写し requested. */
export function moveInApplication(overrides: Partial<MoveInApplication> = {}): FixtureApplication {
  return {
    movers: [
      mover(),
      mover({
        givenName: '花子',
        givenNameKana: 'ハナコ',
        birthDate: '1987-02-03',
        sex: '2',
        relationshipToHead: '妻',
      }),
    ],
    address: {
      address: '東京都さくら市桜ケ丘二丁目3番14号',
      addressSupplement: 'さくらハイツ203号室',
      postalCode: '206-0012',
    },
    moveInDate: addDays(today(), -3),
    previousAddress: '神奈川県相模原市中央区中央二丁目11番1号',
    previousMunicipalityCode: ORIGIN_TOWN,
    household: { mode: 'new' },
    notifier: { kind: 'self' },
    identityDocument: { type: 'driversLicence' },
    moveOutCertificate: { issuingMunicipalityCode: ORIGIN_TOWN },
    certificateRequest: { includeHouseholdHead: true },
    ...overrides,
  } as FixtureApplication;
}

/** What the 転入 rules read before deciding, for a plain case: today, a new household, nobody in the registry. */
export const moveInFacts = (): MoveInFacts => ({
  today: today(),
  municipalityCode: '139998',
  residentCodeCheckMode: 'warn',
  householdMemberMayRequestIndividualNumber: true,
  deadlines: DEFAULT_MOVE_RULES,
  householdExists: true,
  matches: [],
});

export const CLERK = {
  userId: 'clerk1',
  displayName: '窓口　花子',
  roles: ['clerk' as const],
  terminalId: 'T-HONCHO-01',
};
export const APPROVER = { userId: 'approver1', roles: ['approver'], terminalId: 'T-HONCHO-02' };

/** A foreign resident (中長期在留者) moving in from another town: 在留 items, no 本籍. */
export function foreignMover(overrides: Partial<MoveInMover> = {}): MoveInMover {
  return {
    ...mover({
      familyName: 'SMITH',
      givenName: 'JOHN',
      familyNameKana: 'スミス',
      givenNameKana: 'ジョン',
      birthDate: '1990-01-15',
      registeredDomicile: undefined,
      familyRegisterHead: undefined,
    }),
    foreignResidentCategory: '中長期在留者',
    nationalityRegion: 'アメリカ合衆国',
    statusOfResidence: '技術・人文知識・国際業務',
    periodOfStay: '3年',
    periodOfStayExpiry: addDays(today(), 3 * 365),
    residenceCardNumber: 'AB12345678CD',
    alphabetName: 'SMITH JOHN',
    ...overrides,
  };
}
