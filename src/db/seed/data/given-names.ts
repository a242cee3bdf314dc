/**
 * Japanese given names with readings, by sex and by the generation in which they were popular (demo data).
 * Eras by birth year: before 1956, 1956–1985, 1986–2005, 2006 and later.
 */
import { parsePairs, type NamePair } from './name-pairs';

export type NameEra = 'early-showa' | 'late-showa' | 'heisei' | 'reiwa';
export const NAME_ERAS: readonly NameEra[] = ['early-showa', 'late-showa', 'heisei', 'reiwa'];

export const nameEraOfYear = (birthYear: number): NameEra =>
  birthYear < 1956 ? 'early-showa' : birthYear < 1986 ? 'late-showa' : birthYear < 2006 ? 'heisei' : 'reiwa';

export const MALE_GIVEN_NAMES: Readonly<Record<NameEra, readonly NamePair[]>> = {
  'early-showa': parsePairs(`
    清:キヨシ 茂:シゲル 勇:イサム 博:ヒロシ 実:ミノル 進:ススム 正:タダシ 武:タケシ 勝:マサル
    昭:アキラ 和夫:カズオ 正男:マサオ 一郎:イチロウ 三郎:サブロウ 秀夫:ヒデオ 義雄:ヨシオ 幸雄:ユキオ 敏夫:トシオ`),
  'late-showa': parsePairs(`
    誠:マコト 浩:ヒロシ 修:オサム 隆:タカシ 健一:ケンイチ 哲也:テツヤ 直樹:ナオキ 剛:ツヨシ
    大輔:ダイスケ 達也:タツヤ 和也:カズヤ 秀樹:ヒデキ 学:マナブ 聡:サトシ 拓也:タクヤ 淳:ジュン`),
  heisei: parsePairs(`
    翔太:ショウタ 拓海:タクミ 大樹:ダイキ 健太:ケンタ 翔:ショウ 亮:リョウ 大翔:ヒロト 優斗:ユウト
    涼:リョウ 颯太:ソウタ 海斗:カイト 陸:リク 駿:シュン 直人:ナオト 翼:ツバサ 蓮:レン`),
  reiwa: parsePairs(`
    陽翔:ハルト 湊:ミナト 蒼:アオイ 樹:イツキ 悠真:ユウマ 朝陽:アサヒ 律:リツ 大和:ヤマト
    陽向:ヒナタ 結翔:ユイト 颯:ハヤテ 新:アラタ 蒼空:ソラ 奏太:ソウタ 悠人:ユウト 碧:アオ`),
};

export const FEMALE_GIVEN_NAMES: Readonly<Record<NameEra, readonly NamePair[]>> = {
  'early-showa': parsePairs(`
    和子:カズコ 幸子:サチコ 節子:セツコ 洋子:ヨウコ 恵子:ケイコ 京子:キョウコ 文子:フミコ 美智子:ミチコ
    久子:ヒサコ 昭子:アキコ 静子:シズコ 悦子:エツコ 弘子:ヒロコ 良子:ヨシコ 照子:テルコ 千代子:チヨコ`),
  'late-showa': parsePairs(`
    由美子:ユミコ 直美:ナオミ 裕子:ユウコ 真由美:マユミ 久美子:クミコ 智子:トモコ 明美:アケミ 恵美:エミ
    陽子:ヨウコ 純子:ジュンコ 理恵:リエ 香織:カオリ 美穂:ミホ 愛:アイ 麻衣:マイ 恵:メグミ`),
  heisei: parsePairs(`
    彩:アヤ 美咲:ミサキ 愛美:マナミ 沙織:サオリ 舞:マイ 七海:ナナミ 遥:ハルカ 優花:ユウカ
    美優:ミユ 萌:モエ 真央:マオ 彩花:アヤカ 千尋:チヒロ 菜々子:ナナコ 結衣:ユイ 明日香:アスカ`),
  reiwa: parsePairs(`
    陽葵:ヒマリ 凛:リン 結愛:ユア 芽依:メイ 紬:ツムギ 澪:ミオ 咲良:サクラ 莉子:リコ
    結菜:ユイナ 杏:アン 心春:コハル 花:ハナ 美月:ミツキ 葵:アオイ 柚葉:ユズハ 陽菜:ヒナ`),
};
