/** Parses compact 'kanji:カナ kanji:カナ …' name lists used by the demo data files. */
export interface NamePair {
  kanji: string;
  kana: string;
}

export const parsePairs = (list: string): readonly NamePair[] =>
  list
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [kanji, kana] = entry.split(':');
      if (!kanji || !kana) throw new Error(`bad name entry: ${entry}`);
      return { kanji, kana };
    });
