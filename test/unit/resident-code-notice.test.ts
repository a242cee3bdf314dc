/**
 * 住民票コード通知票 (domain spec §4.7 step 3.3, §5.2): rendered with the real renderer and read back with pdftotext.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateRenderer } from '../../src/activities/certificate-renderer';
import { groupedCode, type ResidentCodeNoticeInput } from '../../templates/resident-code-notice';
import { pages, run, text } from '../support/pdf-text';

export const noticeInput = (over: Partial<ResidentCodeNoticeInput> = {}): ResidentCodeNoticeInput => ({
  municipalityName: 'さくら市',
  mayorTitle: '東京都さくら市長',
  mayorName: '桜井　一郎',
  issueDate: '2026-12-07',
  issueNumber: '20261207 さくら市 本庁1 プリンタ001 000012',
  addressee: {
    name: '桜井　ひなた',
    address: '東京都さくら市桜町一丁目2番3号',
    addressSupplement: 'さくらハイツ101号室',
  },
  name: '桜井　ひなた',
  nameKana: 'サクライ　ヒナタ',
  birthDate: '2026-12-01',
  sex: '女',
  residentRecordCode: '24727059608',
  recordedDate: '2026-12-07',
  reason: '出生',
  ...over,
});

let dir = '';
const renderer = createCertificateRenderer();
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resident-code-notice-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('住民票コード通知票', () => {
  it('is one A4 page: title, the addressee, the statement of 住基法第30条の3, the code in groups, 和暦 dates, 電子公印', async () => {
    const file = path.join(dir, 'notice.pdf');
    fs.writeFileSync(file, await renderer.renderResidentCodeNotice(noticeInput()));
    expect(pages(file)).toBe(1);
    expect(run('pdfinfo', [file])).toMatch(/\(A4\)/);
    const all = text(file);
    expect(all.startsWith('住民票コード通知票')).toBe(true);
    for (const s of [
      '桜井ひなた様',
      '住民基本台帳法第30条の3第3項',
      '東京都さくら市長桜井一郎',
      '住民票コード24727059608',
      '生年月日令和8年12月1日',
      '性別女',
      '記載年月日令和8年12月7日',
      '記載の事由出生',
      'さくらハイツ101号室',
      '20261207さくら市本庁1プリンタ001000012',
    ])
      expect(all).toContain(s);
    expect(groupedCode('24727059608')).toBe('2472 7059 608');
    expect(all).toContain('個人番号通知書');
  });

  it('prints a foreign national’s birth date in 西暦 and refuses a code that is not 11 digits', async () => {
    const file = path.join(dir, 'foreign.pdf');
    fs.writeFileSync(file, await renderer.renderResidentCodeNotice(noticeInput({ birthDateSeireki: true })));
    expect(text(file)).toContain('生年月日2026年12月1日');
    await expect(renderer.renderResidentCodeNotice(noticeInput({ residentRecordCode: '123' }))).rejects.toThrow(
      /11 digits/,
    );
  });
});
