/**
 * The renderer's caches on the shared certificate fonts (src/activities/certificate-font-cache.ts): the bytes stay what
 * stock pdfmake/pdfkit/fontkit write, later documents skip the shaper and the glyph decoding, and no resident's text
 * reaches another resident's certificate. Real PDFs, read back with pdftotext.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { ALL_OPTIONS, certificateInput, samplePerson } from '../support/certificate-fixtures';
import { pdfBytesText } from '../support/pdf-text';
import { cacheFontWork, type FontkitFont } from '../../src/activities/certificate-font-cache';
import { certificateFontDir, createCertificateRenderer } from '../../src/activities/certificate-renderer';
import {
  CERTIFICATE_FONTS,
  residentRecordCopyDoc,
  type ResidentRecordCopyInput,
  type ResidentRecordCopyPerson,
} from '../../templates/resident-record-copy';

// fontkit is pdfkit's: load the very copy pdfkit uses
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(data: Buffer): FontkitFont };
const fontFile = (name: string) => fs.readFileSync(path.join(certificateFontDir(), name));
const mincho = fontkit.create(fontFile('ipaexm.ttf'));
const TTFFont = Object.getPrototypeOf(mincho) as FontkitFont;
const TTFGlyph = Object.getPrototypeOf(mincho.getGlyph(1)) as { _decode(): unknown };

// Counts the shaper runs and glyph outline decodings of every font, the renderer's included. Installed before the
// renderer parses its fonts, so its caches fall back to these wrappers.
const calls = { layout: 0, decode: 0 };
const shape = TTFFont.layout;
TTFFont.layout = function (this: FontkitFont, ...args: Parameters<FontkitFont['layout']>) {
  calls.layout++;
  return shape.apply(this, args);
};
const decode = TTFGlyph._decode;
TTFGlyph._decode = function (this: unknown) {
  calls.decode++;
  return decode.call(this);
};

const renderer = createCertificateRenderer();

/** A document's bytes without its creation date and the file ID derived from it. */
const withoutDate = (pdf: Buffer) =>
  pdf
    .toString('latin1')
    .replace(/\(D:\d{14}Z\)/g, '')
    .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '');

interface PdfMakeSingleton {
  virtualfs: { writeFileSync(name: string, data: Buffer): void };
  setFonts(fonts: Record<string, Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>>): void;
  createPdf(doc: TDocumentDefinitions): { getBuffer(): Promise<Buffer> };
}
/** Stock pdfmake (its shared instance, fonts under its own keys): every document parses the fonts anew, no caches. */
function stockRender(input: ResidentRecordCopyInput): Promise<Buffer> {
  const pdfmake = require('pdfmake') as PdfMakeSingleton; // eslint-disable-line @typescript-eslint/no-require-imports
  const face = (file: string) => {
    pdfmake.virtualfs.writeFileSync(`stock/${file}`, fontFile(file));
    const p = `stock/${file}`;
    return { normal: p, bold: p, italics: p, bolditalics: p };
  };
  pdfmake.setFonts({
    [CERTIFICATE_FONTS.mincho]: face('ipaexm.ttf'),
    [CERTIFICATE_FONTS.gothic]: face('ipaexg.ttf'),
  });
  return pdfmake.createPdf(residentRecordCopyDoc(input)).getBuffer();
}

/** The text of all ToUnicode maps of a PDF: every character whose glyph the document embeds. */
function embeddedCharacters(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  let chars = '';
  for (const m of s.matchAll(/stream\n([\s\S]*?)\nendstream/g)) {
    const body = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    if (!body.includes('begincmap')) continue;
    for (const hex of body.matchAll(/<([0-9a-f]{4}(?: [0-9a-f]{4})*)>/g)) {
      const units = hex[1]!.split(' ').map((h) => parseInt(h, 16));
      chars += String.fromCharCode(...units);
    }
  }
  return chars;
}

const other: ResidentRecordCopyPerson = {
  ...samplePerson,
  name: '鷲見　麗華',
  nameKana: 'スミ　レイカ',
  previousAddress: '岐阜県鵜沼市鷺山町9番地',
  registeredDomicile: '岐阜県鵜沼市鷺山町9番地',
  familyRegisterHead: '鷲見　麗華',
  residentRecordCode: '11223344556',
  individualNumber: '998877665544',
};
const first = certificateInput({ options: ALL_OPTIONS });
const second = certificateInput({
  options: ALL_OPTIONS,
  householdHeadName: other.name,
  address: '岐阜県鵜沼市鷺山町9番地',
  addressSupplement: '鷺山荘',
  persons: [other],
});
/** Characters of the second resident's name, kana and address that the first resident's certificate has nowhere. */
const onlySecond = ['鷲', '麗', '華', 'ス', 'ミ', 'レ', 'カ', '岐', '阜', '鵜', '沼', '鷺', '荘'];

describe('certificate renderer: caches on the shared fonts', () => {
  it('writes the bytes stock pdfmake writes with freshly parsed fonts, shaped and plain text alike', async () => {
    const shaped: ResidentRecordCopyPerson = {
      ...samplePerson,
      name: 'ＡＢＣ　ｶﾞｷﾞ', // half-width kana and full-width Latin
      // か + combining 濁点 and ° + C are ccmp/liga ligatures in IPAex; ⁄ a fraction slash; ﾞ a half-width mark
      remarks: 'か\u3099き 30°C 1⁄2 fi ﬁ ½ ① 髙﨑 𠮷野 葛\u{E0100}城',
    };
    // first: the shared font keeps the code points a glyph was first met with (fontkit), as stock does per document
    const inputs = [certificateInput({ options: ALL_OPTIONS, persons: [shaped, other, samplePerson] }), first, second];
    for (const input of inputs) {
      const [ours, stock] = await Promise.all([renderer.renderResidentRecordCopy(input), stockRender(input)]);
      expect(withoutDate(ours)).toBe(withoutDate(stock));
    }
  });

  it('lays out every plain character of both fonts exactly as fontkit’s shaper does', () => {
    for (const file of ['ipaexm.ttf', 'ipaexg.ttf']) {
      const font = fontkit.create(fontFile(file));
      cacheFontWork(font);
      expect(Object.prototype.hasOwnProperty.call(font, 'layout')).toBe(true); // the fast layout is in use
      const chars = (font as unknown as { characterSet: number[] }).characterSet.map((cp) => String.fromCodePoint(cp));
      const texts = [...chars, chars.join(''), 'か\u3099', '°C', 'fi', '1⁄2', '葛\u{E0100}', 'a\u0301', 'ｶﾞ'];
      for (const text of texts) {
        const fast = font.layout(text);
        const slow = shape.call(font, text);
        const ids = (run: typeof fast) => run.glyphs.map((g) => g.id);
        expect(ids(fast), text).toEqual(ids(slow));
        expect(
          fast.positions.map((p) => ({ ...p })),
          text,
        ).toEqual(slow.positions.map((p) => ({ ...p })));
        expect(fast.advanceWidth, text).toBe(slow.advanceWidth);
      }
    }
  });

  it('does not shape plain text or decode glyph outlines again for a later document', async () => {
    await renderer.renderResidentRecordCopy(first);
    calls.layout = 0;
    calls.decode = 0;
    const pdf = await renderer.renderResidentRecordCopy(first);
    expect(pdfBytesText(pdf)).toContain('桜田一郎');
    expect(calls).toEqual({ layout: 0, decode: 0 });
  });

  it('keeps each resident’s text in their own certificate, rendered in sequence and interleaved', async () => {
    const inSequence = [
      await renderer.renderResidentRecordCopy(first),
      await renderer.renderResidentRecordCopy(second),
      await renderer.renderResidentRecordCopy(first),
    ];
    const interleaved = await Promise.all(
      [first, second, first, second].map((input) => renderer.renderResidentRecordCopy(input)),
    );
    const expectFirst = (pdf: Buffer) => {
      const text = pdfBytesText(pdf);
      expect(text).toContain('桜田一郎');
      expect(text).toContain('サクラダイチロウ');
      expect(text).toContain('123456789018');
      expect(text).not.toContain('998877665544');
      const embedded = embeddedCharacters(pdf);
      for (const ch of onlySecond) {
        expect(text).not.toContain(ch);
        expect(embedded).not.toContain(ch); // not even a glyph of the other resident's text in the font subset
      }
    };
    const expectSecond = (pdf: Buffer) => {
      const text = pdfBytesText(pdf);
      expect(text).toContain('鷲見麗華');
      expect(text).toContain('スミレイカ');
      expect(text).toContain('岐阜県鵜沼市鷺山町9番地');
      expect(text).toContain('998877665544');
      expect(text).not.toContain('桜田');
      expect(text).not.toContain('サクラダ');
      expect(text).not.toContain('123456789018');
      const embedded = embeddedCharacters(pdf);
      for (const ch of ['サ', 'ク', 'ラ', 'ダ', 'チ', 'ロ', 'ウ']) expect(embedded).not.toContain(ch);
    };
    expectFirst(inSequence[0]!);
    expectSecond(inSequence[1]!);
    expectFirst(inSequence[2]!);
    interleaved.forEach((pdf, i) => (i % 2 === 0 ? expectFirst(pdf) : expectSecond(pdf)));
  });
});
