/**
 * Certificate renderer (domain.md §5): turns display-ready certificate input into PDF bytes with pdfmake 0.3.
 *
 * pdfmake 0.3's Node entry (`require('pdfmake')`) exports one shared instance (setFonts, setUrlAccessPolicy,
 * setLocalAccessPolicy, createPdf(doc).getBuffer()). This module builds its own instance from that instance's class so
 * that fonts and access policies set here cannot be changed by, or leak into, other users of the shared singleton.
 *
 * - Fonts are the IPAex fonts shipped in templates/fonts (IPA Font License v1.0, copy beside them), never the host's.
 *   They are read once per process and served from pdfmake's in-memory virtual file system, so no render touches disk.
 * - All URL access and all local file access are denied: a document definition cannot fetch or read anything.
 * - Parsed fonts are shared between documents (see shareParsedFonts): parsing the 7 MB font tables again for every
 *   document cost about two thirds of the render time. The shared font also keeps its glyphs' layout and subset bytes
 *   (certificate-font-cache.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { cacheFontWork, type FontkitFont } from './certificate-font-cache';
import { CERTIFICATE_FONTS } from '../../templates/certificate-parts';
import {
  exOfficioRecordNoticeDoc,
  householdHeadChangeNoticeDoc,
  type ExOfficioRecordNoticeInput,
  type HouseholdHeadChangeNoticeInput,
} from '../../templates/ex-officio-notice';
import { cardIssuanceNoticeDoc, type CardIssuanceNoticeInput } from '../../templates/card-issuance-notice';
import { moveOutCertificateDoc, type MoveOutCertificateInput } from '../../templates/move-out-certificate';
import { residentCodeNoticeDoc, type ResidentCodeNoticeInput } from '../../templates/resident-code-notice';
import { residentRecordCopyDoc, type ResidentRecordCopyInput } from '../../templates/resident-record-copy';

/** The part of pdfmake 0.3's server API used here (its typings lag behind the 0.3 API). */
interface PdfMakeServer {
  virtualfs: { existsSync(name: string): boolean; writeFileSync(name: string, data: Buffer): void };
  setFonts(fonts: Record<string, { normal: string; bold: string; italics: string; bolditalics: string }>): void;
  setUrlAccessPolicy(callback: (url: string) => boolean): void;
  setLocalAccessPolicy(callback: (path: string) => boolean): void;
  createPdf(doc: TDocumentDefinitions, options?: { fontLayoutCache?: boolean }): { getBuffer(): Promise<Buffer> };
}

export interface CertificateRenderer {
  renderResidentRecordCopy(input: ResidentRecordCopyInput): Promise<Buffer>;
  /** 転出証明書 or 転出証明書に準ずる証明書 (domain.md §4.3, §5.2). */
  renderMoveOutCertificate(input: MoveOutCertificateInput): Promise<Buffer>;
  /** 世帯主変更通知書 (domain.md §3.2, §5.2). */
  renderHouseholdHeadChangeNotice(input: HouseholdHeadChangeNoticeInput): Promise<Buffer>;
  /** 職権記載等通知書 (domain.md §4.3 step 1, §5.2). */
  renderExOfficioRecordNotice(input: ExOfficioRecordNoticeInput): Promise<Buffer>;
  /** 住民票コード通知票 (domain spec §4.7 step 3.3, §5.2). */
  renderResidentCodeNotice(input: ResidentCodeNoticeInput): Promise<Buffer>;
  /** 個人番号カード交付通知書 (domain spec §4.8 step 2), or its reminder. */
  renderCardIssuanceNotice(input: CardIssuanceNoticeInput): Promise<Buffer>;
}

const FONT_FILES = { [CERTIFICATE_FONTS.mincho]: 'ipaexm.ttf', [CERTIFICATE_FONTS.gothic]: 'ipaexg.ttf' } as const;
/** Key prefix in pdfmake's process-wide virtual file system. */
const VFS_PREFIX = 'juki-cases/templates/fonts/';

/** templates/fonts, found from this module's location (works from src/ under tsx and from a compiled dist/ tree). */
export function certificateFontDir(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'templates', 'fonts');
    if (fs.existsSync(path.join(candidate, 'ipaexm.ttf'))) return candidate;
  }
  throw new Error(`templates/fonts/ipaexm.ttf not found above ${__dirname}`);
}

/** pdfkit's EmbeddedFont as pdfmake's PDFDocument sees it: one per document and font, over a fontkit font. */
interface EmbeddedFont {
  font: FontkitFont & { postscriptName: string };
}
type EmbeddedFontClass = new (doc: PdfKitDocument, font: EmbeddedFont['font'], id: string) => EmbeddedFont;

/** The internals of pdfmake's PDFDocument (a pdfkit document) that shareParsedFonts relies on. */
interface PdfKitDocument {
  fonts: Record<string, Record<string, unknown> | undefined>;
  fontCache: Record<string, Record<string, EmbeddedFont> | undefined>;
  _fontFamilies: Record<string, EmbeddedFont | undefined>;
  _fontCount: number;
  getFontType(bold: boolean, italics: boolean): string;
  provideFont(familyName: string, bold: boolean, italics: boolean): EmbeddedFont;
}

const SHARED_MARK = Symbol.for('juki-cases.certificate-renderer.shared-fonts');

/**
 * Shares the parsed (fontkit) font between documents. Unpatched, pdfkit parses the font file anew for every document
 * (fontkit.create), and decodes its cmap, GSUB/GPOS and name tables again on first use. Here the first document parses
 * as usual; later documents get a fresh EmbeddedFont (its glyph subset, widths and ToUnicode map stay per document) over
 * the same fontkit font, exactly as pdfkit's own font() builds one, minus fontkit.create. Rendering is synchronous from
 * layout to embedding, so documents never interleave inside fontkit. Only fonts served from this module's virtual-fs
 * keys are affected; other pdfmake users in the process keep the stock behaviour. If pdfmake's internals ever differ
 * from what is expected here, nothing is patched and rendering just stays slower.
 */
function shareParsedFonts(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped pdfmake internal, loaded in CommonJS
  const mod = require('pdfmake/js/PDFDocument') as { default?: { prototype: PdfKitDocument } };
  const proto = mod.default?.prototype;
  if (!proto || typeof proto.provideFont !== 'function' || typeof proto.getFontType !== 'function') return;
  if (Object.prototype.hasOwnProperty.call(proto, SHARED_MARK)) return;
  const original = proto.provideFont;
  const parsed = new Map<string, { font: EmbeddedFont['font']; Class: EmbeddedFontClass }>();
  proto.provideFont = function provideFont(this: PdfKitDocument, familyName: string, bold: boolean, italics: boolean) {
    const type = this.getFontType(bold, italics);
    const src = this.fonts[familyName]?.[type];
    if (this.fontCache[familyName]?.[type] || typeof src !== 'string' || !src.startsWith(VFS_PREFIX)) {
      return original.call(this, familyName, bold, italics);
    }
    const known = parsed.get(src);
    if (!known) {
      const first = original.call(this, familyName, bold, italics);
      if (typeof first.font?.postscriptName === 'string') {
        cacheFontWork(first.font);
        parsed.set(src, { font: first.font, Class: first.constructor as EmbeddedFontClass });
      }
      return first;
    }
    const name = known.font.postscriptName;
    let font = this._fontFamilies[name];
    if (!font) {
      font = new known.Class(this, known.font, `F${++this._fontCount}`);
      this._fontFamilies[name] = font; // pdfkit embeds every registered family when the document ends
    }
    (this.fontCache[familyName] ??= {})[type] = font;
    return font;
  };
  Object.defineProperty(proto, SHARED_MARK, { value: true });
}

let shared: PdfMakeServer | undefined;

function pdfMake(): PdfMakeServer {
  if (shared) return shared;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the 0.3 typings do not describe the instance
  const singleton = require('pdfmake') as PdfMakeServer;
  const Ctor = singleton.constructor as new () => PdfMakeServer;
  const pm = new Ctor();
  const dir = certificateFontDir();
  const fonts: Record<string, { normal: string; bold: string; italics: string; bolditalics: string }> = {};
  for (const [family, file] of Object.entries(FONT_FILES)) {
    const key = VFS_PREFIX + file;
    if (!pm.virtualfs.existsSync(key)) pm.virtualfs.writeFileSync(key, fs.readFileSync(path.join(dir, file)));
    // IPAex has no bold or italic faces: every style maps to the one face.
    fonts[family] = { normal: key, bold: key, italics: key, bolditalics: key };
  }
  pm.setFonts(fonts);
  pm.setUrlAccessPolicy(() => false);
  pm.setLocalAccessPolicy(() => false);
  shareParsedFonts();
  shared = pm;
  return pm;
}

export function createCertificateRenderer(): CertificateRenderer {
  const pm = pdfMake();
  return {
    renderResidentRecordCopy: (input) => pm.createPdf(residentRecordCopyDoc(input)).getBuffer(),
    renderMoveOutCertificate: async (input) => pm.createPdf(moveOutCertificateDoc(input)).getBuffer(),
    renderHouseholdHeadChangeNotice: async (input) => pm.createPdf(householdHeadChangeNoticeDoc(input)).getBuffer(),
    renderExOfficioRecordNotice: async (input) => pm.createPdf(exOfficioRecordNoticeDoc(input)).getBuffer(),
    renderResidentCodeNotice: async (input) => pm.createPdf(residentCodeNoticeDoc(input)).getBuffer(),
    renderCardIssuanceNotice: async (input) => pm.createPdf(cardIssuanceNoticeDoc(input)).getBuffer(),
  };
}
