/**
 * 住民票の写し (domain.md §5): renders real PDFs and reads them back with poppler (pdftotext, pdfinfo, pdffonts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_OPTIONS, NO_OPTIONS, certificateInput, samplePerson } from '../support/certificate-fixtures';
import { createCertificateRenderer } from '../../src/activities/certificate-renderer';
import { compact, pages, run, text } from '../support/pdf-text';
import { evaluateCounterCopy } from '../../src/procedures/resident-record-copy/rules';
import type { ResidentRecordCopyRequest } from '../../src/procedures/resident-record-copy/schema';
import {
  ATTESTATION_TEXT,
  pagedIssueNumber,
  REMOVED_RECORD_ATTESTATION_TEXT,
  residentRecordCopyDoc,
  type ResidentRecordCopyInput,
  type ResidentRecordCopyPerson,
} from '../../templates/resident-record-copy';

const head: ResidentRecordCopyPerson = samplePerson;
const foreignResident: ResidentRecordCopyPerson = {
  name: 'SMITH JOHN',
  nameKana: 'スミス　ジョン',
  birthDate: '1990-01-15',
  seireki: true,
  sex: '男',
  relationshipToHead: '同居人',
  becameResidentDate: '2024-07-01',
  becameResidentReason: '国外から転入',
  addressEstablishedDate: '2024-07-01',
  notificationDate: '2024-07-05',
  previousAddress: 'アメリカ合衆国',
  residentRecordCode: '87654321098',
  individualNumber: '234567890123',
  foreignResident: {
    nationalityRegion: 'アメリカ合衆国',
    category: '中長期在留者',
    statusOfResidence: '技術・人文知識・国際業務',
    periodOfStay: '3年',
    periodOfStayExpiry: '2027-06-30',
    residenceCardNumber: 'AB12345678CD',
  },
};
/** A 特別永住者 with a 通称 (no 在留資格 or 在留期間). */
const specialPermanentResident: ResidentRecordCopyPerson = {
  ...foreignResident,
  name: 'KIM MINJUN',
  nameKana: 'キム　ミンジュン',
  foreignResident: {
    nationalityRegion: '韓国',
    category: '特別永住者',
    residenceCardNumber: 'XY87654321ZW',
    alias: '金田　民俊',
  },
};
const member = (i: number): ResidentRecordCopyPerson => ({
  ...head,
  name: `桜田　子${'一二三四五六七八九'[i] ?? i}`,
  nameKana: 'サクラダ',
  relationshipToHead: '子',
  birthDate: `20${10 + i}-04-0${1 + (i % 9)}`,
});

const input = (over: Partial<ResidentRecordCopyInput> = {}): ResidentRecordCopyInput =>
  certificateInput({ persons: [head, foreignResident], ...over });

let dir = '';
const renderer = createCertificateRenderer();

async function render(name: string, certificate: ResidentRecordCopyInput): Promise<string> {
  const file = path.join(dir, `${name}.pdf`);
  fs.writeFileSync(file, await renderer.renderResidentRecordCopy(certificate));
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resident-record-copy-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('住民票の写し: default items', () => {
  let file = '';
  let all = '';
  beforeAll(async () => {
    file = await render('default', input());
    all = text(file);
  });

  it('is one A4 page with the names, the address with its 方書, the 認証文 and the 発行番号', () => {
    expect(pages(file)).toBe(1);
    expect(run('pdfinfo', [file])).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
    for (const s of [
      '住民票の写し',
      head.name,
      head.nameKana,
      foreignResident.name,
      '東京都さくら市桜町一丁目2番3号',
      'さくらハイツ101号室',
    ]) {
      expect(all).toContain(compact(s));
    }
    expect(all).toContain(ATTESTATION_TEXT);
    expect(all).toContain(compact('20261123 さくら市 本庁1 プリンタ001 000123 1/1'));
    expect(all).toContain('令和8年11月23日'); // issue date in 和暦
    expect(all).toContain('東京都さくら市長');
    expect(all).toContain('桜井');
  });

  it('prints dates in 和暦, a foreign resident’s birth date in 西暦, and the residence dates', () => {
    expect(all).toContain('昭和50年6月12日');
    expect(all).toContain('1990年1月15日');
    expect(all).toContain('平成22年4月1日転入');
    expect(all).toContain('平成30年9月20日届出');
    expect(all).toContain(compact(head.previousAddress ?? ''));
  });

  it('prints a foreign resident’s 在留 items, and every date of theirs in 西暦', () => {
    for (const s of ['国籍・地域', 'アメリカ合衆国', '中長期在留者', '技術・人文知識・国際業務', '3年', 'AB12345678CD'])
      expect(all).toContain(compact(s));
    expect(all).toContain('2027年6月30日'); // 在留期間の満了の日
    expect(all).toContain('2024年7月1日国外から転入'); // 住民となった年月日
    expect(all).toContain('2024年7月5日届出');
    expect(all).not.toContain('令和6年7月');
    expect(all.match(/在留資格/g)).toHaveLength(1); // only the foreign resident has the rows
  });

  it('prints a 特別永住者’s 区分, 証明書番号 and 通称', async () => {
    const all = text(await render('special-permanent', input({ persons: [specialPermanentResident] })));
    for (const s of ['韓国', '特別永住者', 'XY87654321ZW', '通称', '金田　民俊']) expect(all).toContain(compact(s));
    expect(all).not.toContain('まで'); // no 在留期間, no 満了の日
  });

  it('leaves out every item that was not requested: no row, no label, no value', () => {
    for (const s of [
      '個人番号',
      head.individualNumber,
      foreignResident.individualNumber,
      '住民票コード',
      head.residentRecordCode,
    ]) {
      expect(all).not.toContain(s);
    }
    for (const s of ['本籍', '筆頭者', compact(head.registeredDomicile ?? ''), '世帯主', '続柄', '公用']) {
      expect(all).not.toContain(s);
    }
  });
});

describe('住民票の写し: requested items', () => {
  it('prints 世帯主・続柄, 本籍・筆頭者, 住民票コード and 個人番号 when requested', async () => {
    const all = text(await render('all', input({ options: { ...ALL_OPTIONS, official: true } })));
    for (const s of [
      '世帯主',
      '続柄',
      '同居人',
      '本籍',
      '筆頭者',
      compact(head.registeredDomicile ?? ''),
      '住民票コード',
      '個人番号',
    ]) {
      expect(all).toContain(s);
    }
    for (const p of [head, foreignResident]) {
      expect(all).toContain(p.residentRecordCode);
      expect(all).toContain(p.individualNumber);
    }
    expect(all).toContain('公用');
  });

  it('prints the 個人番号 without the 住民票コード when only the number is requested', async () => {
    const all = text(await render('number-only', input({ options: { ...NO_OPTIONS, includeIndividualNumber: true } })));
    expect(all).toContain('個人番号');
    expect(all).toContain(head.individualNumber);
    expect(all).not.toContain('住民票コード');
    expect(all).not.toContain(head.residentRecordCode);
    expect(all).not.toContain('本籍');
  });

  it('keeps a household of 4 with every item on one page', async () => {
    const file = await render(
      'four',
      input({ options: ALL_OPTIONS, persons: [head, member(1), member(2), member(3)] }),
    );
    expect(pages(file)).toBe(1);
  });

  it('never splits a foreign resident’s block (its 在留 rows stay with the person)', async () => {
    const file = await render(
      'four-foreign',
      input({ options: ALL_OPTIONS, persons: [head, member(1), member(2), foreignResident] }),
    );
    const first = text(file, 1);
    for (const s of [foreignResident.name, '国籍・地域', 'AB12345678CD', '2027年6月30日まで'])
      expect(first).toContain(compact(s));
  });
});

describe('住民票の写し: 8 persons', () => {
  let file = '';
  beforeAll(async () => {
    file = await render(
      'eight',
      input({ options: ALL_OPTIONS, persons: [head, ...Array.from({ length: 7 }, (_, i) => member(i))] }),
    );
  });

  it('flows onto a second page, with n/total in each footer and the 認証文 on the last page only', () => {
    expect(pages(file)).toBe(2);
    const [first, second] = [text(file, 1), text(file, 2)];
    expect(first).toContain(compact('20261123 さくら市 本庁1 プリンタ001 000123 1/2'));
    expect(second).toContain(compact('20261123 さくら市 本庁1 プリンタ001 000123 2/2'));
    expect(first).not.toContain('1/1');
    expect(first).not.toContain(ATTESTATION_TEXT);
    expect(first).not.toContain('東京都さくら市長');
    expect(second).toContain(ATTESTATION_TEXT);
    expect(second).toContain('東京都さくら市長');
    expect(first + second).toContain(compact(member(6).name));
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

describe('certificate renderer', () => {
  it('renders interleaved documents exactly as one at a time (parsed fonts are shared between documents)', async () => {
    // The creation date, and the file ID derived from it, differ between any two renders.
    const withoutDate = (pdf: Buffer) =>
      pdf
        .toString('latin1')
        .replace(/\(D:\d{14}Z\)/g, '')
        .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '');
    const inputs = [input(), input({ options: ALL_OPTIONS, persons: [foreignResident, member(3), head] })];
    const sequential: string[] = [];
    for (const certificate of inputs)
      sequential.push(withoutDate(await renderer.renderResidentRecordCopy(certificate)));
    const concurrent = await Promise.all(
      [...inputs, ...inputs, ...inputs].map((c) => renderer.renderResidentRecordCopy(c)),
    );
    concurrent.forEach((pdf, i) => expect(withoutDate(pdf)).toBe(sequential[i % inputs.length]));
  });
});

describe('residentRecordCopyDoc', () => {
  it('is an A4 portrait definition whose footer numbers the pages', () => {
    const doc = residentRecordCopyDoc(input());
    expect(doc.pageSize).toBe('A4');
    expect(doc.pageOrientation).toBe('portrait');
    expect(typeof doc.footer).toBe('function');
  });

  it('replaces a trailing n/m of the 発行番号 by the page and total, or appends it', () => {
    expect(pagedIssueNumber('20261123 さくら市 本庁1 プリンタ001 000123 1/1', 2, 3)).toBe(
      '20261123 さくら市 本庁1 プリンタ001 000123 2/3',
    );
    expect(pagedIssueNumber('20261123 さくら市 本庁1 プリンタ001 000123', 1, 1)).toBe(
      '20261123 さくら市 本庁1 プリンタ001 000123 1/1',
    );
  });
});

describe('除票の写し (domain spec §5.2: 個人票)', () => {
  const deceased: ResidentRecordCopyPerson = {
    ...head,
    individualNumber: '123456789018',
    removal: { reason: '死亡', date: '2026-11-20' },
  };
  const removedInput = (p: ResidentRecordCopyPerson, over: Partial<ResidentRecordCopyInput> = {}) =>
    certificateInput({ persons: [p], removedRecord: true, ...over });

  it('is titled 除票の写し and prints 消除事由, 事由の生じた年月日 and its own 認証文, no 個人番号 unless requested', async () => {
    const all = text(await render('removed-death', removedInput(deceased)));
    expect(all).toContain('除票の写し');
    expect(all).not.toContain('住民票の写し');
    expect(all).toContain(compact('消除事由死亡'));
    expect(all).toContain('令和8年11月20日');
    expect(all).toContain(REMOVED_RECORD_ATTESTATION_TEXT);
    expect(all).not.toContain(ATTESTATION_TEXT);
    expect(all).not.toContain('転出先');
    expect(all).not.toContain('個人番号');
    expect(all).not.toContain('123456789018');
    expect(all).toContain(compact(head.name));
  });

  it('prints the 転出先 of a 転出 and the 個人番号 when requested', async () => {
    const movedOut = {
      ...deceased,
      removal: { reason: '国内転出', date: '2026-10-01', destination: '大阪府大阪市北区梅田一丁目1番1号' },
    };
    const all = text(await render('removed-move-out', removedInput(movedOut, { options: ALL_OPTIONS })));
    expect(all).toContain(compact('消除事由国内転出'));
    expect(all).toContain(compact('転出先大阪府大阪市北区梅田一丁目1番1号'));
    expect(all).toContain('123456789018');
  });
});

describe('除票の写し: request rules (evaluateCounterCopy)', () => {
  const req = (over: Partial<ResidentRecordCopyRequest> = {}): ResidentRecordCopyRequest => ({
    kind: 'removedRecord',
    addresseeNumbers: ['1000001'],
    options: {},
    requester: { relation: 'householdMember' },
    identityDocument: { type: 'driversLicence' },
    ...over,
  });
  const facts = (...persons: Array<{ status: string; householdNumber: string; removalReason?: string }>) => ({
    persons,
    householdMemberMayRequestIndividualNumber: true,
  });
  const dead = { status: 'REMOVED', householdNumber: 'H1', removalReason: '死亡' };
  const rules = (errors: Array<{ field: string; rule: string }>) => errors.map((e) => `${e.field} ${e.rule}`);

  it('accepts a 除票 person asked by a member of the former household, with the 個人番号 where the city allows it', () => {
    expect(evaluateCounterCopy(req({ options: { includeIndividualNumber: true } }), facts(dead))).toEqual([]);
  });
  it('refuses a current resident, naming the field', () => {
    const errors = evaluateCounterCopy(req(), facts({ status: 'RESIDENT', householdNumber: 'H1' }));
    expect(rules(errors)).toEqual(['/addresseeNumbers/0 notRemoved']);
    expect(errors[0]!.message).toContain('住民票の写しを請求してください');
  });
  it('is one person per certificate (個人票)', () => {
    const errors = evaluateCounterCopy(req({ addresseeNumbers: ['1000001', '1000002'] }), facts(dead, dead));
    expect(rules(errors)).toEqual(['/addresseeNumbers onePerson']);
  });
  it('refuses 本人 for a deceased person, and the 個人番号 for a 代理人 as the copy does', () => {
    expect(rules(evaluateCounterCopy(req({ requester: { relation: 'self' } }), facts(dead)))).toEqual([
      '/requester/relation deceased',
    ]);
    const proxy = req({
      requester: { relation: 'proxy', powerOfAttorney: true },
      options: { includeIndividualNumber: true },
    });
    expect(rules(evaluateCounterCopy(proxy, facts(dead)))).toEqual([
      '/options/includeIndividualNumber notForThirdParty',
    ]);
    const movedOut = { ...dead, removalReason: '国内転出' };
    expect(evaluateCounterCopy(req({ requester: { relation: 'self' } }), facts(movedOut))).toEqual([]);
  });
  it('a 住民票の写し still refuses a 除票 person and names the 除票の写し', () => {
    expect(rules(evaluateCounterCopy(req({ kind: undefined }), facts(dead)))).toEqual([
      '/addresseeNumbers/0 removedRecord',
    ]);
  });
});
