/**
 * Caches on a parsed (fontkit) certificate font that is shared between documents (see shareParsedFonts in
 * certificate-renderer.ts). Both keep the PDF bytes exactly as pdfkit/fontkit would write them, and both hold only what
 * comes from the font itself (glyph objects, glyph outline bytes), never text of a document: no name or address of one
 * resident can reach another's certificate through them. Both are bounded by the font (its mapped code points, its
 * glyphs).
 *
 * - Layout without shaping: fontkit's layout runs the OpenType shaper (script detection, feature plan, GSUB and GPOS
 *   passes) for every word of every document. For the IPAex fonts that work changes nothing for CJK, kana, Latin and
 *   common text: their GSUB default features (ccmp, liga) only hold ligatures (e.g. か + U+3099 → が, ° + C → ℃), and
 *   their GPOS has no default feature (only palt, halt and their vertical forms). A run whose characters are all
 *   "plain" — Han, Hiragana, Katakana, Latin or Common script, no mark, format or control character, no default
 *   ignorable, no fraction slash, and not a non-first component of one of those ligatures — is laid out as fontkit would
 *   lay it out: one glyph per code point from the cmap, advancing by its width. Any other run goes to fontkit unchanged.
 * - Subset glyph bytes: pdfkit builds a new TrueType subset per document, and fontkit's subsetter decodes every included
 *   glyph's outline (all points) only to learn whether it is composite. The raw glyf bytes, the components and the
 *   metrics of a glyph are kept after its first use, so later subsets copy them.
 */

/** The part of a fontkit glyph used here. */
interface Glyph {
  id: number;
  codePoints: number[];
  advanceWidth: number;
  _decode(): { numberOfContours: number; components?: Array<{ glyphID: number; pos: number }> } | null;
  _getMetrics(): { leftBearing: number };
}

interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}
interface Run {
  glyphs: Glyph[];
  positions: Position[];
  readonly advanceWidth: number;
}

interface Lookup {
  lookupType: number;
  subTables: Array<{ ligatureSets?: List<List<{ components: number[] }>> }>;
}
/** An array, or restructure's LazyArray as fontkit decodes lookup tables. */
type List<T> = T[] | { toArray(): T[] };
const items = <T>(list: List<T>): T[] => (Array.isArray(list) ? list : list.toArray());
interface LayoutTable {
  featureList: Array<{ tag: string; feature: { lookupListIndexes: number[] } }>;
  lookupList: { get(i: number): Lookup };
}

/** The part of a fontkit TrueType font used here. */
export interface FontkitFont {
  layout(text: string, features?: unknown, ...rest: unknown[]): Run;
  glyphForCodePoint(cp: number): Glyph;
  getGlyph(gid: number): Glyph;
  _cmapProcessor: { lookup(cp: number): number };
  /** fontkit's glyph objects by id, created on first use. */
  _glyphs: Record<number, Glyph | undefined>;
  createSubset(): Subset;
  GSUB?: LayoutTable;
  GPOS?: LayoutTable;
  GDEF?: { glyphClassDef?: { classRangeRecord?: Array<{ start: number; end: number; class: number }> } };
  directory: { tables: Record<string, unknown> };
  loca: { offsets: number[] };
  _getTableStream(tag: string): { pos: number; readBuffer(n: number): Uint8Array };
  _variationProcessor?: unknown;
  morx?: unknown;
  kern?: unknown;
}

interface Subset {
  font: FontkitFont;
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: Array<{ advance: number; bearing: number }> };
  offset: number;
  includeGlyph(gid: number): number;
  _addGlyph(gid: number): number;
}

/**
 * The OpenType features fontkit's default shaper (used for Han, kana, Latin and common text) applies without being
 * asked: variation, directional, common and horizontal features. Its fractional features (frac, numr, dnom) apply only
 * around a fraction slash U+2044, which is never plain.
 */
const DEFAULT_FEATURES = new Set('rvrn ltra ltrm ccmp locl rlig mark mkmk calt clig liga rclt curs kern'.split(' '));
const LIGATURE_SUBSTITUTION = 4;
/** Characters whose layout needs no shaping, as far as the script and Unicode properties tell. */
const PLAIN_CHAR = /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Latin}\p{sc=Common}]$/u;
const SPECIAL_CHAR = /^[\p{M}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\u2044]$/u;

/**
 * The glyph ids that, present in a run, could let a default feature change it; undefined if the font has default
 * features that are not plain ligatures (or GPOS default features, a kern or morx table): then nothing is fast.
 */
function shapingGlyphs(font: FontkitFont): Set<number> | undefined {
  if (font.morx || font.kern || font._variationProcessor) return undefined;
  if (font.GPOS?.featureList.some((f) => DEFAULT_FEATURES.has(f.tag))) return undefined;
  const glyphs = new Set<number>();
  for (const f of font.GSUB?.featureList ?? []) {
    if (!DEFAULT_FEATURES.has(f.tag)) continue;
    for (const i of f.feature.lookupListIndexes) {
      const lookup = font.GSUB!.lookupList.get(i);
      if (lookup.lookupType !== LIGATURE_SUBSTITUTION) return undefined;
      for (const sub of lookup.subTables) {
        if (!sub.ligatureSets) return undefined;
        for (const set of items(sub.ligatureSets)) {
          for (const lig of items(set)) {
            // a ligature replaces its first glyph only together with the following components
            if (lig.components.length === 0) return undefined;
            for (const c of lig.components) glyphs.add(c);
          }
        }
      }
    }
  }
  // marks (GDEF class 3) lose their advance in fontkit's positioning
  const classes = font.GDEF?.glyphClassDef;
  if (classes && !classes.classRangeRecord) return undefined; // a class format not read here
  for (const r of classes?.classRangeRecord ?? []) {
    if (r.class === 3) for (let g = r.start; g <= r.end; g++) glyphs.add(g);
  }
  return glyphs;
}

const MARK = Symbol.for('juki-cases.certificate-font-cache');

/** Installs both caches on one shared font (once); a font they do not fit is left as it is. */
export function cacheFontWork(font: FontkitFont): void {
  const target = font as FontkitFont & { [MARK]?: true };
  if (target[MARK]) return;
  target[MARK] = true;
  cacheLayout(font);
  cacheSubsetGlyphs(font);
}

function cacheLayout(font: FontkitFont): void {
  const shaping = shapingGlyphs(font);
  if (!shaping) return;
  const shaped = font.layout.bind(font);
  // code point → its glyph, for plain code points only; at most one entry per code point the font maps
  const plain = new Map<number, Glyph>();
  /** Whether a run with `cp` can skip the shaper; creates no glyph (fontkit records the code points a glyph is first
   * created with, and a shaped run must find none created here). */
  const isPlain = (cp: number): boolean => {
    if (plain.has(cp)) return true;
    const ch = String.fromCodePoint(cp);
    if (!PLAIN_CHAR.test(ch) || SPECIAL_CHAR.test(ch)) return false;
    const gid = font._cmapProcessor.lookup(cp);
    if (!gid || shaping.has(gid)) return false;
    // fontkit hides a glyph first met as a default ignorable (U+2212 shares its glyph with U+00AD)
    const first = font._glyphs[gid]?.codePoints[0];
    return first === undefined || !SPECIAL_CHAR.test(String.fromCodePoint(first));
  };
  font.layout = (text: string, features?: unknown, ...rest: unknown[]): Run => {
    if (features !== undefined || rest.length > 0 || typeof text !== 'string') return shaped(text, features, ...rest);
    const cps: number[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (!isPlain(cp)) return shaped(text);
      cps.push(cp);
    }
    const glyphs = cps.map((cp) => {
      let glyph = plain.get(cp);
      if (!glyph) plain.set(cp, (glyph = font.glyphForCodePoint(cp))); // as fontkit's glyphsForString, in its order
      return glyph;
    });
    // fontkit's GlyphPosition fields in its order (pdfkit scales each of them), and GlyphRun's advanceWidth getter
    const positions = glyphs.map((g) => ({ xAdvance: g.advanceWidth, yAdvance: 0, xOffset: 0, yOffset: 0 }));
    return {
      glyphs,
      positions,
      get advanceWidth() {
        let width = 0;
        for (const p of this.positions) width += p.xAdvance;
        return width;
      },
    };
  };
}

interface GlyphBytes {
  bytes: Uint8Array;
  components: Array<{ glyphID: number; pos: number }> | undefined;
  advance: number;
  bearing: number;
}

function cacheSubsetGlyphs(font: FontkitFont): void {
  if (!font.directory.tables.glyf || font._variationProcessor) return;
  const create = font.createSubset.bind(font);
  const known = new Map<number, GlyphBytes>(); // at most one entry per glyph of the font
  const glyphBytes = (gid: number): GlyphBytes => {
    let g = known.get(gid);
    if (g) return g;
    // as fontkit's TTFSubset._addGlyph does
    const glyph = font.getGlyph(gid);
    const glyf = glyph._decode();
    const start = font.loca.offsets[gid]!;
    const stream = font._getTableStream('glyf');
    stream.pos += start;
    const bytes = stream.readBuffer(font.loca.offsets[gid + 1]! - start); // a view of the font's own bytes
    const components = glyf && glyf.numberOfContours < 0 ? glyf.components : undefined;
    g = { bytes, components, advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing };
    known.set(gid, g);
    return g;
  };
  font.createSubset = () => {
    const subset = create();
    subset._addGlyph = function addGlyph(this: Subset, gid: number): number {
      const g = glyphBytes(gid);
      let buffer = g.bytes;
      if (g.components) {
        buffer = Uint8Array.from(buffer); // the component ids are this subset's own
        const view = new DataView(buffer.buffer);
        for (const c of g.components) view.setUint16(c.pos, this.includeGlyph(c.glyphID));
      }
      this.glyf.push(buffer);
      this.loca.offsets.push(this.offset);
      this.hmtx.metrics.push({ advance: g.advance, bearing: g.bearing });
      this.offset += buffer.length;
      return this.glyf.length - 1;
    };
    return subset;
  };
}
