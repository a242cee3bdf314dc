/**
 * Names of foreign residents by nationality (demo data). Entry format 'ALPHABET:表記[:カナ]' separated by ASCII
 * blanks; '_' in the alphabet part stands for a space. 表記 is the kanji or katakana notation kept in the name
 * fields; カナ defaults to 表記 when that is already katakana (full-width space between name parts).
 */
export interface ForeignNamePart {
  alphabet: string;
  display: string;
  kana: string;
}

export interface NationalityProfile {
  nationality: string;
  families: readonly ForeignNamePart[];
  male: readonly ForeignNamePart[];
  female: readonly ForeignNamePart[];
  /** Whether a wife usually bears the husband's family name. */
  sharedFamilyName: boolean;
}

const parts = (list: string): readonly ForeignNamePart[] =>
  list
    .trim()
    .split(/[ \n]+/)
    .map((entry) => {
      const [alphabet, display, kana] = entry.split(':');
      if (!alphabet || !display) throw new Error(`bad foreign name entry: ${entry}`);
      return { alphabet: alphabet.replace(/_/g, ' '), display, kana: kana ?? display };
    });

export const NATIONALITIES: Readonly<Record<string, NationalityProfile>> = {
  ベトナム: {
    nationality: 'ベトナム',
    families: parts('NGUYEN:グエン TRAN:チャン LE:レ PHAM:ファム HOANG:ホアン VU:ヴー DANG:ダン BUI:ブイ'),
    male: parts('VAN_AN:ヴァン　アン VAN_HUNG:ヴァン　フン DUC_MINH:ドゥック　ミン QUANG_HUY:クアン　フイ THANH_TUNG:タイン　トゥン'),
    female: parts('THI_MAI:ティ　マイ THI_LAN:ティ　ラン THI_HUONG:ティ　フオン THU_HA:トゥー　ハー NGOC_ANH:ゴック　アイン'),
    sharedFamilyName: false,
  },
  中国: {
    nationality: '中国',
    families: parts('WANG:王:ワン LI:李:リー ZHANG:張:チャン LIU:劉:リュウ CHEN:陳:チェン YANG:楊:ヤン ZHAO:趙:チャオ'),
    male: parts('WEI:偉:ウェイ QIANG:強:チアン LEI:磊:レイ HAO:浩:ハオ JUN:俊:ジュン MING:明:ミン'),
    female: parts('FANG:芳:ファン JING:静:ジン LI:麗:リー MIN:敏:ミン YAN:燕:イェン TING:婷:ティン'),
    sharedFamilyName: false,
  },
  韓国: {
    nationality: '韓国',
    families: parts('KIM:金:キム LEE:李:イ PARK:朴:パク CHOI:崔:チェ JUNG:鄭:チョン KANG:姜:カン'),
    male: parts('SUNGHO:成浩:ソンホ YOUNGCHUL:英哲:ヨンチョル MINSU:民秀:ミンス DONGHUN:東勲:ドンフン JAEHYUN:在賢:ジェヒョン'),
    female: parts('MIYOUNG:美英:ミヨン SOONJA:順子:スンジャ EUNJU:恩珠:ウンジュ JIEUN:智恩:ジウン SUYEON:秀妍:スヨン'),
    sharedFamilyName: false,
  },
  フィリピン: {
    nationality: 'フィリピン',
    families: parts('SANTOS:サントス REYES:レイエス CRUZ:クルス BAUTISTA:バウティスタ GARCIA:ガルシア MENDOZA:メンドーサ'),
    male: parts('JOSE:ホセ MARK:マーク JOHN_PAUL:ジョン　ポール RAMON:ラモン ARIEL:アリエル'),
    female: parts('MARIA_CRISTINA:マリア　クリスティーナ JOY:ジョイ ROSALIE:ロザリー MARICEL:マリセル JENNIFER:ジェニファー'),
    sharedFamilyName: true,
  },
  ブラジル: {
    nationality: 'ブラジル',
    families: parts('SILVA:シルバ OLIVEIRA:オリベイラ SOUZA:ソウザ YAMAMOTO:ヤマモト NAKAMURA:ナカムラ HIGA:ヒガ'),
    male: parts('CARLOS_EDUARDO:カルロス　エドゥアルド RAFAEL:ラファエル LUCAS:ルーカス FERNANDO:フェルナンド MARCOS:マルコス'),
    female: parts('ANA_PAULA:アナ　パウラ JULIANA:ジュリアナ FERNANDA:フェルナンダ MARIANA:マリアナ BEATRIZ:ベアトリス'),
    sharedFamilyName: true,
  },
};
