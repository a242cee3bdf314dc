import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPiiCrypto } from '../../../src/db/pii-crypto';
import { applicationChanges } from '../../../src/api/application-diff';
import { keepNumbers, restoreKeptNumbers, sealNumber, unsealNumber } from '../../../src/api/kept-numbers';
import { formValues } from '../../../src/api/web/intake/form-input';
import { moveInBody, moveInFormValues } from '../../../src/procedures/move-in/form';
import { moveOutBody, moveOutFormValues, moveOutRowsOf } from '../../../src/procedures/move-out/form';
import { specialMoveInBody, specialMoveInFormValues } from '../../../src/procedures/special-move-in/form';
import { birthBody, birthFormValues } from '../../../src/procedures/birth/form';
import { foreignMover, moveInApplication, mover, ORIGIN_TOWN, randomResidentRecordCode } from '../../support/fixtures';

const pii = createPiiCrypto(randomBytes(32), randomBytes(32));
const storedMoveIn = (app: ReturnType<typeof moveInApplication>) => ({
  ...app,
  notificationDate: '2026-12-01',
  movers: app.movers.map(({ individualNumber, ...m }) => ({
    ...m,
    ...(individualNumber ? { individualNumberEnc: pii.encrypt(individualNumber) } : {}),
  })),
});

/** What the correction page does with a hook's pointers: each becomes a token sealed for the user. */
const sealPointers = (f: Record<string, string>, stored: any, userId: string) =>
  Object.fromEntries(
    Object.entries(f).map(([k, v]) => {
      if (!k.endsWith('Kept')) return [k, v];
      const [, , i, key] = v.split('/');
      return [k, sealNumber(pii, userId, pii.decrypt(stored.movers[Number(i)][key!]))];
    }),
  );

describe('web.formValues: a stored application back into its form (訂正して再提出)', () => {
  it('転入: the form values give back exactly the application; the 個人番号 only as kept markers', () => {
    const app = moveInApplication({
      movers: [
        mover({ cardPresented: true }),
        foreignMover(),
        mover({ individualNumber: undefined, givenName: '三郎' }),
      ],
      certificateRequest: { includeHouseholdHead: true, includeResidentRecordCode: true },
    });
    const stored = storedMoveIn(app);
    const f = moveInFormValues(stored);
    expect(Object.keys(f).filter((k) => k.endsWith('individualNumber'))).toEqual([]);
    expect(f['m0.individualNumberKept']).toBe('/movers/0/individualNumberEnc');
    expect(f['m2.individualNumberKept']).toBeUndefined();
    for (const m of app.movers) if (m.individualNumber) expect(JSON.stringify(f)).not.toContain(m.individualNumber);
    // as posted back from the page: tokens restored to the numbers by the server
    const posted = restoreKeptNumbers(pii, 'clerk1', formValues(sealPointers(f, stored, 'clerk1')));
    const { body } = moveInBody(posted);
    expect(body).toEqual({ ...app, notificationDate: '2026-12-01' });
  });

  it('特例転入, 出生 and 転出: the form values give back the application', () => {
    const special = {
      persons: [
        {
          residentRecordCode: randomResidentRecordCode(),
          familyName: '山田',
          givenName: '太郎',
          birthDate: '1985-06-15',
          sex: '1',
          relationshipToHead: '世帯主',
          cardPresented: true,
        },
      ],
      originMunicipalityCode: ORIGIN_TOWN,
      address: { address: '東京都さくら市桜ケ丘二丁目3番14号', postalCode: '206-0012' },
      moveInDate: '2026-12-01',
      notificationDate: '2026-12-02',
      household: { mode: 'join', householdNumber: '0000019' },
      notifier: { kind: 'self' },
      certificateRequest: { includeHouseholdHead: true },
    };
    expect(specialMoveInBody(specialMoveInFormValues(special)).body).toEqual(special);

    const birth = {
      child: {
        familyName: '山田',
        givenName: 'ひなた',
        familyNameKana: 'ヤマダ',
        givenNameKana: 'ヒナタ',
        birthDate: '2026-12-01',
        birthTime: '14:05',
        sex: '2',
        relationshipToHead: '世帯主',
        nationalityRegion: 'ブラジル',
      },
      household: {
        mode: 'new',
        address: { address: '東京都さくら市桜ケ丘二丁目3番14号', addressSupplement: '203号室' },
      },
      notificationDate: '2026-12-03',
      notifier: { kind: 'proxy', powerOfAttorney: true },
      identityDocument: { type: 'myNumberCard' },
    };
    expect(birthBody(birthFormValues(birth))).toEqual(birth);

    const members = [
      { addresseeNumber: '0000101', familyName: '山田', givenName: '太郎', birthDate: '1985-06-15', sex: '1' },
      { addresseeNumber: '0000102', familyName: '山田', givenName: '花子', birthDate: '1987-02-03', sex: '2' },
      { addresseeNumber: '0000103', familyName: '山田', givenName: '一郎', birthDate: '2010-01-01', sex: '1' },
      { addresseeNumber: '0000104', familyName: '山田', givenName: '二郎', birthDate: '2012-01-01', sex: '1' },
    ];
    const moveOut = {
      movers: [members[0]!],
      destination: { address: '神奈川県相模原市中央区中央二丁目11番1号', municipalityCode: ORIGIN_TOWN },
      plannedMoveOutDate: '2026-12-20',
      notificationDate: '2026-12-03',
      path: 'special',
      cardHolderPresent: true,
      notifier: { kind: 'self' },
      identityDocument: { type: 'myNumberCard' },
      householdHeadChange: {
        newHeadAddresseeNumber: '0000102',
        relationships: [
          { addresseeNumber: '0000103', relationshipToHead: '子' },
          { addresseeNumber: '0000104', relationshipToHead: '子' },
        ],
      },
    };
    const stored = { ...moveOut, householdNumber: '0000019', late: false };
    const f = moveOutFormValues(stored);
    expect(f.from).toBe('0000101');
    // the page lists the household with its hidden 宛名番号 and 4情報 per row
    const rows = moveOutRowsOf(
      f,
      members.map((m) => m.addresseeNumber),
    );
    members.forEach((m, i) => {
      for (const [k, v] of Object.entries(m)) rows[`p${i}.${k}`] = v;
    });
    expect(moveOutBody(formValues(rows)).body).toEqual(moveOut);
  });
});

describe('kept 個人番号 (sealed tokens, issue 14 bug 4)', () => {
  const number = mover().individualNumber!;

  it('a token opens only for the user it was sealed for, before it expires, untampered', () => {
    const token = sealNumber(pii, 'clerk1', number);
    expect(token).not.toContain(number);
    expect(token.length).toBeLessThan(300); // the form reader keeps 300 characters of a field
    expect(unsealNumber(pii, 'clerk1', token)).toBe(number);
    expect(unsealNumber(pii, 'clerk2', token)).toBeUndefined();
    expect(unsealNumber(pii, 'clerk1', token, Date.now() + 9 * 3600_000)).toBeUndefined();
    expect(unsealNumber(pii, 'clerk1', `${token.slice(0, -2)}AA`)).toBeUndefined();
    expect(unsealNumber(createPiiCrypto(randomBytes(32), randomBytes(32)), 'clerk1', token)).toBeUndefined();
  });

  it('a correct number is kept as a token, one with an error is dropped; a typed number replaces a kept one', () => {
    const other = mover().individualNumber!;
    const { values, cleared } = keepNumbers(
      pii,
      'clerk1',
      { 'm0.individualNumber': number, 'm1.individualNumber': '123', 'm0.familyName': '山田' },
      { 'm1.individualNumber': '個人番号が正しくありません' },
    );
    expect(cleared).toBe(true);
    expect(Object.keys(values).sort()).toEqual(['m0.familyName', 'm0.individualNumberKept']);
    expect(JSON.stringify(values)).not.toContain(number);
    expect(restoreKeptNumbers(pii, 'clerk1', values)['m0.individualNumber']).toBe(number);
    expect(restoreKeptNumbers(pii, 'clerk1', { ...values, 'm0.individualNumber': other })['m0.individualNumber']).toBe(
      other,
    );
    expect(restoreKeptNumbers(pii, 'clerk2', values)['m0.individualNumber']).toBeUndefined();
  });

  it('a number typed with full-width digits, spaces or hyphens is kept as its digits', () => {
    const wide = `${number.slice(0, 4)}－${number.slice(4, 8)} ${number.slice(8)}`.replace(/\d/g, (d) =>
      String.fromCharCode(d.charCodeAt(0) + 0xfee0),
    );
    const { values, cleared } = keepNumbers(pii, 'clerk1', { 'm0.individualNumber': wide });
    expect(cleared).toBe(false);
    expect(restoreKeptNumbers(pii, 'clerk1', values)['m0.individualNumber']).toBe(number);
    // anything else is not a number to keep
    expect(keepNumbers(pii, 'clerk1', { 'm0.individualNumber': `${number}漢` }).cleared).toBe(true);
  });
});

describe('the diff of a correction', () => {
  it('changed items before → after with their labels; a 個人番号 only as 変更あり', () => {
    const before = storedMoveIn(moveInApplication());
    const after = {
      ...before,
      movers: [
        { ...before.movers[0]!, givenName: '次郎', individualNumberEnc: pii.encrypt(mover().individualNumber!) },
        { ...before.movers[1]!, individualNumberEnc: pii.encrypt(pii.decrypt(before.movers[1]!.individualNumberEnc!)) },
      ],
      address: { ...before.address, addressSupplement: undefined },
    };
    const changes = applicationChanges(before, after, (e) => pii.decrypt(e));
    expect(changes).toEqual([
      { path: 'movers[0].givenName', label: '転入者1・名', before: '太郎', after: '次郎' },
      { path: 'movers[0].individualNumber', label: '転入者1・個人番号', after: '変更あり' },
      { path: 'address.addressSupplement', label: '住所・方書', before: 'さくらハイツ203号室', after: undefined },
    ]);
  });
});
