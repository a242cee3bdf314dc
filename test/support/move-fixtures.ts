import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { withMunicipalityCheckDigit } from '../../src/domain/check-digits';
import { Household, Resident } from '../../src/db/entities';
import type { MoveOutCertificateInfo, MoveOutCertificateWithdrawal } from '../../src/partners/cs-move-messages';
import type { MoveInNotice } from '../../src/partners/cs-gateway';
import { randomIndividualNumber, randomResidentRecordCode } from './fixtures';

export const TOWN_B = withMunicipalityCheckDigit('14150'); // the other town in tests

/** A whole household of the demo town, as 転出 movers (宛名番号 + 4情報 as on the form). */
export async function householdMovers(orm: MikroORM, skip = 0) {
  const em = orm.em.fork();
  const households = await em.find(
    Household,
    { active: true },
    { orderBy: { householdNumber: 'asc' }, limit: 1, offset: skip },
  );
  const members = await em.find(
    Resident,
    { householdNumber: households[0]!.householdNumber },
    { orderBy: { addresseeNumber: 'asc' } },
  );
  return moversOf(members);
}

/** Residents as the 転出届's movers (宛名番号 + 4情報 as on the form). */
export const moversOf = (
  residents: Array<Pick<Resident, 'addresseeNumber' | 'familyName' | 'givenName' | 'birthDate' | 'sex'>>,
) =>
  residents.map((r) => ({
    addresseeNumber: r.addresseeNumber,
    familyName: r.familyName,
    givenName: r.givenName,
    birthDate: r.birthDate,
    sex: r.sex,
  }));

type Movers = ReturnType<typeof moversOf>;

/** A 転出届 by the special path (the card presented, the 転出証明書情報 sent through the CS), to town B by default. */
export const specialMoveOut = (
  movers: Movers,
  plannedMoveOutDate: string,
  destination = { address: '神奈川県相模原市中央区中央二丁目1番1号', municipalityCode: TOWN_B },
) => ({
  movers,
  destination,
  plannedMoveOutDate,
  path: 'special' as const,
  cardHolderPresent: true,
  notifier: { kind: 'self' as const },
  identityDocument: { type: 'myNumberCard' as const },
});

/** A 転出届 by the paper path (a 転出証明書 is issued) to town B, the mover at the counter with a driving licence. */
export const paperMoveOut = (movers: Movers, plannedMoveOutDate: string) => ({
  movers,
  destination: { address: '神奈川県相模原市中央区中央一丁目1番1号', municipalityCode: TOWN_B },
  plannedMoveOutDate,
  path: 'paper' as const,
  cardHolderPresent: false,
  notifier: { kind: 'self' as const },
  identityDocument: { type: 'driversLicence' as const },
});

/** A 転出届 by the paper path (a 転出証明書 is issued) to 大阪市北区, a town without a route. */
export const paperMoveOutToOsaka = (movers: Movers, plannedMoveOutDate: string) => ({
  movers,
  destination: { address: '大阪府大阪市北区梅田一丁目1番1号', municipalityCode: withMunicipalityCheckDigit('27127') },
  plannedMoveOutDate,
  path: 'paper' as const,
  notifier: { kind: 'self' as const },
  identityDocument: { type: 'driversLicence' as const },
});

/** The 特例転入届 at the destination for residents of the origin town, as the origin's registry holds them. */
export const specialMoveInOf = (
  residents: Array<
    Pick<Resident, 'residentRecordCode' | 'familyName' | 'givenName' | 'birthDate' | 'sex' | 'relationshipToHead'>
  >,
  originMunicipalityCode: string,
  address: { address: string; addressSupplement?: string },
  moveInDate: string,
) => ({
  persons: residents.map((r) => ({
    residentRecordCode: r.residentRecordCode,
    familyName: r.familyName,
    givenName: r.givenName,
    birthDate: r.birthDate,
    sex: r.sex,
    relationshipToHead: r.relationshipToHead,
    cardPresented: true, // each presents their own card (継続利用 for everybody)
  })),
  originMunicipalityCode,
  address,
  moveInDate,
  household: { mode: 'new' as const },
  notifier: { kind: 'self' as const },
});

/** A 転入通知 from town B for one of our residents. */
export const moveInNoticeFrom = (
  to: string,
  r: { residentRecordCode: string; familyName: string; givenName: string; birthDate: string; sex: '1' | '2' },
  moveInDate: string,
): MoveInNotice => ({
  fromMunicipalityCode: TOWN_B,
  toMunicipalityCode: to,
  idempotencyKey: `B-notice-${randomUUID()}`,
  notice: {
    residentRecordCode: r.residentRecordCode,
    name: `${r.familyName}　${r.givenName}`,
    birthDate: r.birthDate,
    sex: r.sex,
    newAddress: '神奈川県相模原市中央区中央一丁目1番1号',
    moveInDate,
    previousAddress: '東京都さくら市本町一丁目1番1号',
    notificationDate: moveInDate,
  },
});

/** 転出証明書情報 from town B for a person moving to us. */
export const certificateInfoFrom = (
  to: string,
  plannedMoveOutDate: string,
  person = { residentRecordCode: randomResidentRecordCode(), individualNumber: randomIndividualNumber() },
): MoveOutCertificateInfo => ({
  fromMunicipalityCode: TOWN_B,
  toMunicipalityCode: to,
  idempotencyKey: `B-cert-${randomUUID()}`,
  certificate: {
    residentRecordCode: person.residentRecordCode,
    individualNumber: person.individualNumber,
    name: '川口　健太',
    nameKana: 'カワグチ　ケンタ',
    birthDate: '1990-05-05',
    sex: '1',
    relationshipToHead: '世帯主',
    householdHeadName: '川口　健太',
    originAddress: '神奈川県相模原市南区相模大野三丁目2番1号',
    plannedDestinationAddress: '東京都さくら市',
    plannedMoveOutDate,
    registeredDomicile: '神奈川県相模原市南区相模大野三丁目2番地',
    familyRegisterHead: '川口　健太',
    moverGroupId: 'B-case-1',
  },
});

/** The 転出証明書情報の取消 of that certificate, by default for its own mover group (its 転出 was cancelled). */
export const withdrawalOf = (
  m: MoveOutCertificateInfo,
  moverGroupId = m.certificate.moverGroupId,
): MoveOutCertificateWithdrawal => ({
  fromMunicipalityCode: m.fromMunicipalityCode,
  toMunicipalityCode: m.toMunicipalityCode,
  idempotencyKey: `withdrawal-${randomUUID()}`,
  withdrawal: {
    residentRecordCode: m.certificate.residentRecordCode,
    moverGroupId,
    plannedMoveOutDate: m.certificate.plannedMoveOutDate,
  },
});

/** The 特例転入 form for that person (what the clerk reads off the card). */
export const specialMoveInFor = (cert: MoveOutCertificateInfo, moveInDate: string) => ({
  persons: [
    {
      residentRecordCode: cert.certificate.residentRecordCode,
      familyName: '川口',
      givenName: '健太',
      birthDate: cert.certificate.birthDate,
      sex: cert.certificate.sex,
      relationshipToHead: '世帯主',
      cardPresented: true,
    },
  ],
  originMunicipalityCode: cert.fromMunicipalityCode,
  address: { address: '東京都さくら市緑町一丁目5番2号' },
  moveInDate,
  household: { mode: 'new' as const },
  notifier: { kind: 'self' as const },
});
