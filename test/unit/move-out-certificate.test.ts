/**
 * 転出証明書 and 転出証明書に準ずる証明書 (domain.md §4.3, §5): renders real PDFs and reads them back with poppler
 * (pdftotext, pdfinfo, pdffonts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moveOutCertificateInput, moveOutHead, moveOutSpouse } from '../support/certificate-fixtures';
import { createCertificateRenderer } from '../../src/activities/certificate-renderer';
import { compact, pages, run, text } from '../support/pdf-text';
import {
  moveOutAttestationText,
  moveOutCertificateDoc,
  PROGRAM_ROWS,
  type MoveOutCertificateInput,
  type MoveOutCertificatePerson,
} from '../../templates/move-out-certificate';

const CERTIFICATE_ATTESTATION = '上記の者は、本市から転出することを証明する。';
const EQUIVALENT_ATTESTATION = '上記のとおり転出したことを証明する。';
const ISSUE_NUMBER = '20261123さくら市本庁1プリンタ001000124';

const child = (i: number): MoveOutCertificatePerson => ({
  ...moveOutHead,
  name: `桜田　子${'一二三四五六七八九'[i] ?? i}`,
  nameKana: 'サクラダ',
  relationshipToHead: '子',
  birthDate: `201${i}-05-0${1 + i}`,
  residentRecordCode: `1111111111${i}`,
  individualNumber: `22222222222${i}`,
  programs: { nationalHealthInsurance: '被保険者　記号 さく12 番号 345678' },
});
const foreignResident: MoveOutCertificatePerson = {
  ...moveOutHead,
  name: 'SMITH JOHN',
  nameKana: 'スミス　ジョン',
  birthDate: '1990-01-15',
  birthDateSeireki: true,
  relationshipToHead: '同居人',
  registeredDomicile: undefined,
  familyRegisterHead: undefined,
  residentRecordCode: '87654321098',
  individualNumber: '234567890123',
  programs: {},
};

let dir = '';
const renderer = createCertificateRenderer();

async function render(name: string, certificate: MoveOutCertificateInput): Promise<string> {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, await renderer.renderMoveOutCertificate(certificate));
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'move-out-certificate-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('転出証明書: a household of 2', () => {
  let file = '';
  let all = '';
  beforeAll(async () => {
    file = await render('two', moveOutCertificateInput());
    all = text(file);
  });

  it('is one A4 page titled 転出証明書 with the address and 方書, the 世帯主, the 転出先 and the dates in 和暦', () => {
    expect(pages(file)).toBe(1);
    expect(run('pdfinfo', [file])).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
    expect(all.startsWith('転出証明書')).toBe(true);
    expect(all).not.toContain('準ずる');
    for (const s of ['東京都さくら市桜町一丁目2番3号', 'さくらハイツ101号室', '世帯主桜田一郎'])
      expect(all).toContain(compact(s));
    expect(all).toContain('転出先（予定）神奈川県横浜市中区山下町10番地');
    expect(all).toContain('転出予定年月日令和8年12月5日');
    expect(all).toContain('届出年月日令和8年11月23日');
  });

  it('prints each person with name, kana, 生年月日, 性別, 続柄, 本籍・筆頭者, 住民票コード and 個人番号', () => {
    for (const p of [moveOutHead, moveOutSpouse]) {
      for (const s of [p.name, p.nameKana, `続柄${p.relationshipToHead}`]) expect(all).toContain(compact(s));
      expect(all).toContain(`住民票コード${p.residentRecordCode}個人番号${p.individualNumber}`);
    }
    expect(all).toContain('昭和50年6月12日');
    expect(all).toContain('昭和53年2月3日');
    expect(all).toContain('性別男');
    expect(all).toContain('性別女');
    expect(all).toContain(
      compact(`本籍${moveOutHead.registeredDomicile ?? ''}筆頭者${moveOutHead.familyRegisterHead ?? ''}`),
    );
    expect(all).toContain('住民となった');
    expect(all).toContain('平成22年4月1日');
    expect(all).toContain('住所を定めた');
    expect(all).toContain('平成30年9月15日');
  });

  it('prints the six 個別事項情報 rows for each person, 「―」 when empty', () => {
    const count = (s: string) => all.split(s).length - 1;
    expect(count('個別事項')).toBe(2);
    for (const [, label] of PROGRAM_ROWS) expect(count(label)).toBe(2);
    expect(all).toContain('選挙人名簿登録あり');
    expect(all).toContain(compact('国民健康保険被保険者　記号 さく12 番号 345678'));
    expect(all).toContain('後期高齢者医療―');
    expect(all).toContain('介護保険―');
    expect(all).toContain('国民年金第1号被保険者');
    expect(all).toContain(compact('児童手当受給者（支給対象児童 1人）')); // the head
    expect(all).toContain('児童手当―'); // the spouse
  });

  it('closes with 以下余白, the 認証文, the date in 和暦, the mayor, the seal and the 発行番号 1/1; no marks', () => {
    expect(all).toContain(`以下余白${CERTIFICATE_ATTESTATION}令和8年11月23日`);
    expect(all).toContain(compact('東京都さくら市長 桜井 誠'));
    for (const c of '東京都さくら市長之印') expect(all).toContain(c);
    expect(all).toContain(`${ISSUE_NUMBER}1/1`);
    expect(all).not.toContain('再交付');
    expect(all).not.toContain('特例による転出処理済');
  });

  it('embeds the IPAex fonts', () => {
    const rows = run('pdffonts', [file])
      .split('\n')
      .filter((l) => /IPAex(Mincho|Gothic)/.test(l));
    expect(rows.some((l) => l.includes('IPAexMincho'))).toBe(true);
    expect(rows.some((l) => l.includes('IPAexGothic'))).toBe(true);
    for (const row of rows) expect(row).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+\s*$/); // emb, sub, uni
  });
});

describe('転出証明書: marks', () => {
  it('prints 「再交付」 only on a re-issue', async () => {
    const all = text(await render('reissue', moveOutCertificateInput({ reissue: true })));
    expect(all.startsWith('再交付転出証明書')).toBe(true);
    expect(all).not.toContain('特例による転出処理済');
  });

  it('prints 「特例による転出処理済」 only for the special path', async () => {
    const all = text(await render('special', moveOutCertificateInput({ specialProcessed: true })));
    expect(all.startsWith('特例による転出処理済転出証明書')).toBe(true);
    expect(all).not.toContain('再交付');
  });

  it('prints both marks, on every page, above the title when they would run into it', async () => {
    const file = await render(
      'both',
      moveOutCertificateInput({
        reissue: true,
        specialProcessed: true,
        persons: [moveOutHead, moveOutSpouse, child(0), child(1)],
      }),
    );
    expect(pages(file)).toBe(2);
    for (const page of [1, 2]) expect(text(file, page).startsWith('再交付特例による転出処理済転出証明書')).toBe(true);
  });
});

describe('転出証明書に準ずる証明書 (転出届 later than 14 days, domain.md §4.3 step 1)', () => {
  let all = '';
  beforeAll(async () => {
    const late = moveOutCertificateInput({
      kind: 'equivalent',
      plannedMoveOutDate: '2026-10-01',
      plannedDestinationAddress: '北海道札幌市',
    });
    all = text(await render('equivalent', late));
  });

  it('has its own title and 認証文, and labels for a move that has happened and a 申出', () => {
    expect(all.startsWith('転出証明書に準ずる証明書')).toBe(true);
    expect(all).toContain(EQUIVALENT_ATTESTATION);
    expect(all).not.toContain(CERTIFICATE_ATTESTATION);
    expect(all).toContain('転出先北海道札幌市'); // only the municipality name is known
    expect(all).toContain('転出年月日令和8年10月1日');
    expect(all).toContain('申出年月日令和8年11月23日');
    for (const s of ['転出予定年月日', '届出年月日', '（予定）']) expect(all).not.toContain(s);
  });

  it('still prints the 住民票コード, the 個人番号 and the 個別事項情報', () => {
    expect(all).toContain(`住民票コード${moveOutHead.residentRecordCode}個人番号${moveOutHead.individualNumber}`);
    expect(all).toContain('選挙人名簿登録あり');
  });
});

describe('転出証明書: 5 persons', () => {
  let file = '';
  const persons = [moveOutHead, moveOutSpouse, child(0), foreignResident, child(1)];
  beforeAll(async () => {
    file = await render('five', moveOutCertificateInput({ persons }));
  });

  it('flows onto a second page, with n/total in each footer and the 認証文 on the last page only', () => {
    expect(pages(file)).toBe(2);
    const [first, second] = [text(file, 1), text(file, 2)];
    expect(first).toContain(`${ISSUE_NUMBER}1/2`);
    expect(second).toContain(`${ISSUE_NUMBER}2/2`);
    expect(first).not.toContain('1/1');
    for (const s of [CERTIFICATE_ATTESTATION, '以下余白', '東京都さくら市長']) {
      expect(first).not.toContain(s);
      expect(second).toContain(s);
    }
    for (const p of persons) expect(first + second).toContain(compact(p.name));
    // The last person stays with the 認証文.
    expect(second).toContain(compact(child(1).name));
    expect(second.startsWith('転出証明書')).toBe(true);
  });

  it('prints a foreign resident’s dates in 西暦, with blank 本籍・筆頭者 and 「―」 in every programme row', () => {
    const all = text(file);
    expect(all).toContain('1990年1月15日');
    expect(all).toContain('2010年4月1日'); // 住民となった年月日 (平成22年4月1日 for the others)
    expect(all).toContain('2018年9月15日'); // 住所を定めた年月日
    expect(all).toContain(
      `住民票コード${foreignResident.residentRecordCode}個人番号${foreignResident.individualNumber}`,
    );
    expect(all).toContain('本籍筆頭者'); // the row stays, both values blank
    // 「―」: head 2, spouse 3, each child 5, the foreign resident all 6.
    expect(all.split('―').length - 1).toBe(2 + 3 + 5 + 6 + 5);
  });
});

describe('moveOutCertificateDoc', () => {
  it('is an A4 portrait definition whose footer numbers the pages', () => {
    const doc = moveOutCertificateDoc(moveOutCertificateInput());
    expect(doc.pageSize).toBe('A4');
    expect(doc.pageOrientation).toBe('portrait');
    expect(doc.info?.title).toBe('転出証明書');
    expect(typeof doc.footer).toBe('function');
  });

  it('chooses the 認証文 by kind, by whether the 届出 came after the move, and by the municipality type', () => {
    const base = moveOutCertificateInput();
    expect(moveOutAttestationText(base)).toBe(CERTIFICATE_ATTESTATION);
    expect(moveOutAttestationText({ ...base, plannedMoveOutDate: '2026-11-20' })).toBe(
      '上記の者は、本市から転出したことを証明する。',
    );
    expect(moveOutAttestationText({ ...base, municipalityName: 'さくら町' })).toBe(
      '上記の者は、本町から転出することを証明する。',
    );
    expect(moveOutAttestationText({ ...base, municipalityName: '千代田区' })).toBe(
      '上記の者は、本区から転出することを証明する。',
    );
    expect(moveOutAttestationText({ ...base, kind: 'equivalent' })).toBe(EQUIVALENT_ATTESTATION);
  });

  it('refuses a certificate without persons, and 「特例による転出処理済」 on the 準ずる証明書', async () => {
    expect(() => moveOutCertificateDoc(moveOutCertificateInput({ persons: [] }))).toThrow(RangeError);
    expect(() =>
      moveOutCertificateDoc(moveOutCertificateInput({ kind: 'equivalent', specialProcessed: true })),
    ).toThrow(RangeError);
    await expect(renderer.renderMoveOutCertificate(moveOutCertificateInput({ persons: [] }))).rejects.toThrow(
      RangeError,
    );
  });
});
