/**
 * Real municipalities used as previous addresses (前住所) and 本籍 outside the demo town. Codes are 5-digit
 * 全国地方公共団体コード bodies (append the check digit with withMunicipalityCheckDigit); the 町名 exist but the
 * 丁目・番・号 drawn for them are synthetic.
 */
export interface OtherMunicipality {
  code: string;
  prefecture: string;
  city: string;
  towns: readonly string[];
  chome: number; // 丁目 drawn from 1..chome
}

export const OTHER_MUNICIPALITIES: readonly OtherMunicipality[] = [
  { code: '01101', prefecture: '北海道', city: '札幌市中央区', towns: ['円山西町', '旭ケ丘'], chome: 5 },
  { code: '04101', prefecture: '宮城県', city: '仙台市青葉区', towns: ['上杉', '八幡', '国見'], chome: 5 },
  { code: '08220', prefecture: '茨城県', city: 'つくば市', towns: ['竹園', '吾妻', '並木'], chome: 3 },
  { code: '09201', prefecture: '栃木県', city: '宇都宮市', towns: ['大通り', '西原', '今泉'], chome: 3 },
  { code: '11107', prefecture: '埼玉県', city: 'さいたま市浦和区', towns: ['高砂', '常盤', '岸町'], chome: 5 },
  { code: '11201', prefecture: '埼玉県', city: '川越市', towns: ['新富町', '脇田町', '菅原町'], chome: 2 },
  { code: '11202', prefecture: '埼玉県', city: '熊谷市', towns: ['筑波', '銀座', '本町'], chome: 3 },
  { code: '12101', prefecture: '千葉県', city: '千葉市中央区', towns: ['富士見', '中央', '新千葉'], chome: 3 },
  { code: '12204', prefecture: '千葉県', city: '船橋市', towns: ['本町', '湊町', '宮本'], chome: 4 },
  { code: '13104', prefecture: '東京都', city: '新宿区', towns: ['西早稲田', '百人町', '高田馬場'], chome: 3 },
  { code: '13112', prefecture: '東京都', city: '世田谷区', towns: ['三軒茶屋', '太子堂', '経堂'], chome: 4 },
  { code: '13113', prefecture: '東京都', city: '渋谷区', towns: ['代々木', '恵比寿', '笹塚'], chome: 3 },
  { code: '13115', prefecture: '東京都', city: '杉並区', towns: ['阿佐谷南', '荻窪', '高円寺北'], chome: 3 },
  { code: '13201', prefecture: '東京都', city: '八王子市', towns: ['子安町', '明神町', '東町'], chome: 4 },
  { code: '14109', prefecture: '神奈川県', city: '横浜市港北区', towns: ['日吉本町', '大倉山', '菊名'], chome: 5 },
  { code: '14152', prefecture: '神奈川県', city: '相模原市中央区', towns: ['相模原', '矢部', '淵野辺'], chome: 5 },
  { code: '20201', prefecture: '長野県', city: '長野市', towns: ['南千歳', '鶴賀', '吉田'], chome: 2 },
  { code: '22101', prefecture: '静岡県', city: '静岡市葵区', towns: ['呉服町', '安西', '駒形通'], chome: 2 },
  { code: '23101', prefecture: '愛知県', city: '名古屋市千種区', towns: ['今池', '覚王山通', '仲田'], chome: 5 },
  { code: '27127', prefecture: '大阪府', city: '大阪市北区', towns: ['天神橋', '中崎', '本庄東'], chome: 3 },
  { code: '28110', prefecture: '兵庫県', city: '神戸市中央区', towns: ['山本通', '中山手通', '二宮町'], chome: 3 },
  { code: '33101', prefecture: '岡山県', city: '岡山市北区', towns: ['表町', '奉還町', '野田屋町'], chome: 2 },
  { code: '34101', prefecture: '広島県', city: '広島市中区', towns: ['大手町', '紙屋町', '鉄砲町'], chome: 2 },
  { code: '40133', prefecture: '福岡県', city: '福岡市中央区', towns: ['大名', '薬院', '平尾'], chome: 3 },
  { code: '40203', prefecture: '福岡県', city: '久留米市', towns: ['東町', '日吉町', '篠山町'], chome: 2 },
  { code: '43101', prefecture: '熊本県', city: '熊本市中央区', towns: ['水前寺', '九品寺', '大江'], chome: 5 },
  { code: '47201', prefecture: '沖縄県', city: '那覇市', towns: ['久茂地', '泉崎', '松山'], chome: 3 },
];

/** Countries (as written in a 転入前住所 abroad) by the nationality label used in the demo data. */
export const ABROAD_ADDRESSES: Readonly<Record<string, readonly string[]>> = {
  ベトナム: ['ベトナム社会主義共和国ハノイ市', 'ベトナム社会主義共和国ホーチミン市'],
  中国: ['中華人民共和国上海市', '中華人民共和国大連市'],
  韓国: ['大韓民国ソウル特別市', '大韓民国釜山広域市'],
  フィリピン: ['フィリピン共和国マニラ市', 'フィリピン共和国セブ市'],
  ブラジル: ['ブラジル連邦共和国サンパウロ州', 'ブラジル連邦共和国パラナ州'],
};
