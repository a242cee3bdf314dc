/**
 * Looks for personal data in the readable text of a Temporal history (architecture principle 1: workflows carry IDs
 * and non-personal facts only). Run by the recording harnesses against the residents of the test's own registry
 * (names, birth dates, 個人番号 decrypted) and by the replay test against the fixtures and the demo-town vocabulary.
 */
import type { MikroORM } from '@mikro-orm/core';
import { isIndividualNumber } from '../../src/domain/check-digits';
import { addDays, jstDate } from '../../src/domain/dates';
import { Resident } from '../../src/db/entities';
import type { PiiCrypto } from '../../src/db/pii-crypto';
import { NATIONALITIES } from '../../src/db/seed/data/foreign-names';
import { FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES } from '../../src/db/seed/data/given-names';
import { SURNAMES } from '../../src/db/seed/data/surnames';
import { certificateInfoFrom, TOWN_B } from './move-fixtures';
import { moveInApplication, mover } from './fixtures';

/** A value that must not appear, and what it is (the message names `what`, never the value). */
export interface PersonalValue {
  what: string;
  value: string;
  /** Match only a whole JSON string (default for one-character values such as the surname 林). */
  exact?: boolean;
}

export interface PersonalDataFinding {
  what: string;
  /** The start of the text it was found in, with the value itself masked. */
  context: string;
}

const mask = (text: string, value: string) => text.split(value).join('＊'.repeat(Math.min(value.length, 4)));

/**
 * Personal data in `texts`: any 12-digit number that is a valid 個人番号 (check digit) and not the tail of a case or
 * application ID (`XX-yyyymmdd-…`) or of a letter-prefixed ID (`PRE…`), and any of `known`.
 * Values marked `exact` (and one-character ones) are matched only as whole JSON strings.
 */
export function personalDataIn(texts: readonly string[], known: readonly PersonalValue[]): PersonalDataFinding[] {
  const findings: PersonalDataFinding[] = [];
  const seen = new Set<string>();
  const add = (what: string, text: string, value: string) => {
    const key = `${what}\u0000${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ what, context: mask(text, value).slice(0, 160) });
  };
  for (const text of texts) {
    // not the random tail of an ID such as `MP-20261207-616545810647` (hex that came out all digits), nor the digits
    // of an ID with a letter prefix such as the presented card's `PRE` + 宛名番号 + counter
    for (const m of text.matchAll(/(?<!\d|[A-Z]|[A-Z]{2}-\d{8}-)\d{12}(?!\d)/g))
      if (isIndividualNumber(m[0])) add('a 個人番号 (valid check digit)', text, m[0]);
    for (const k of known) {
      if (!k.value) continue;
      const hit = k.exact || k.value.length < 2 ? text.includes(JSON.stringify(k.value)) : text.includes(k.value);
      if (hit) add(k.what, text, k.value);
    }
  }
  return findings;
}

/** Two-character kana (リン, マイ) are parts of common words (プリンタ, マイナポータル): whole strings only. */
const kana = (what: string, value: string): PersonalValue => ({ what, value, exact: value.length < 3 });

const personValues = (
  source: string,
  p: { familyName: string; givenName: string; familyNameKana?: string; givenNameKana?: string; birthDate?: string },
): PersonalValue[] => [
  { what: `${source}: name`, value: `${p.familyName}　${p.givenName}` },
  { what: `${source}: name`, value: `${p.familyName} ${p.givenName}` },
  { what: `${source}: name`, value: `${p.familyName}${p.givenName}` },
  { what: `${source}: family name`, value: p.familyName },
  ...(p.familyNameKana && p.givenNameKana
    ? [kana(`${source}: name (kana)`, `${p.familyNameKana}　${p.givenNameKana}`)]
    : []),
  ...(p.birthDate ? [{ what: `${source}: birth date`, value: p.birthDate }] : []),
];

/**
 * What the test fixtures put into applications and messages (names, birth dates), and the demo town's surnames,
 * in kanji and kana, and foreign family names: none of it may appear in a recorded history.
 */
export function fixturePersonalData(): PersonalValue[] {
  const cert = certificateInfoFrom(TOWN_B, '2000-01-01').certificate;
  const [family, given] = cert.name.split('　') as [string, string];
  const [familyKana, givenKana] = cert.nameKana.split('　') as [string, string];
  const values: PersonalValue[] = [
    ...[mover(), ...moveInApplication().movers].flatMap((m) => personValues('fixture mover', m)),
    ...personValues('fixture 転出証明書情報', {
      familyName: family,
      givenName: given,
      familyNameKana: familyKana,
      givenNameKana: givenKana,
      birthDate: cert.birthDate,
    }),
  ];
  for (const s of SURNAMES) {
    values.push({ what: 'demo-town surname', value: s.kanji });
    values.push(kana('demo-town surname (kana)', s.kana));
  }
  for (const names of [...Object.values(MALE_GIVEN_NAMES), ...Object.values(FEMALE_GIVEN_NAMES)])
    for (const n of names) values.push(kana('demo-town given name (kana)', n.kana));
  for (const profile of Object.values(NATIONALITIES))
    for (const f of profile.families) {
      // the alphabet forms are short (LE, TRAN) and would match words of error messages: whole strings only
      values.push({ what: 'demo-town foreign family name', value: f.alphabet, exact: true });
      values.push(kana('demo-town foreign family name', f.kana));
    }
  return values;
}

/**
 * The residents of a test registry: names, birth dates (but those of the last year, which may coincide with the
 * dates a case legitimately carries) and the 個人番号, decrypted.
 */
export async function registryPersonalData(orm: MikroORM, pii: PiiCrypto): Promise<PersonalValue[]> {
  const recent = addDays(jstDate(new Date()), -366);
  const residents = await orm.em.fork().find(Resident, {});
  return residents.flatMap((r) => [
    ...personValues('registry resident', {
      familyName: r.familyName,
      givenName: r.givenName,
      familyNameKana: r.familyNameKana,
      givenNameKana: r.givenNameKana,
      birthDate: /^\d{4}-\d{2}-\d{2}$/.test(r.birthDate) && r.birthDate < recent ? r.birthDate : undefined,
    }),
    ...(r.individualNumberEnc
      ? [{ what: 'registry resident: 個人番号', value: pii.decrypt(r.individualNumberEnc) }]
      : []),
  ]);
}
