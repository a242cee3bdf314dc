/**
 * Render speed of 住民票の写し, in ms per document (warm: 10 renders discarded, then the median and p95 of 50 in wall
 * time, and the median process CPU time, which a shared machine disturbs far less).
 * A plain script, no assertions: `npx tsx test/bench/pdf-render.bench.ts`.
 *
 * - "untuned": pdfmake's shared instance with the fonts given as file paths, as in pdfmake's README; every document
 *   reads both font files and parses them again.
 * - "in-memory": the same, with the font files read once into pdfmake's virtual file system (parsed per document).
 * - "renderer": createCertificateRenderer(): fonts in memory and the parsed fonts shared between documents, with their
 *   plain-text layout and subset glyph bytes kept (certificate-font-cache.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TDocumentDefinitions } from 'pdfmake/interfaces';
import { certificateFontDir, createCertificateRenderer } from '../../src/activities/certificate-renderer';
import { ALL_OPTIONS, NO_OPTIONS, certificateInput } from '../support/certificate-fixtures';
import {
  CERTIFICATE_FONTS,
  residentRecordCopyDoc,
  type ResidentRecordCopyInput,
  type ResidentRecordCopyPerson,
} from '../../templates/resident-record-copy';

const WARMUP = 10;
const RUNS = 50;

const person = (i: number): ResidentRecordCopyPerson => ({
  name: ['桜田　一郎', '桜田　花子', '桜田　翔太', '桜田　美咲'][i % 4] ?? '桜田　一郎',
  nameKana: ['サクラダ　イチロウ', 'サクラダ　ハナコ', 'サクラダ　ショウタ', 'サクラダ　ミサキ'][i % 4] ?? 'サクラダ',
  birthDate: `19${70 + i}-0${(i % 9) + 1}-1${i % 10}`,
  sex: i % 2 === 0 ? '男' : '女',
  relationshipToHead: i === 0 ? '世帯主' : i === 1 ? '妻' : '子',
  becameResidentDate: '2010-04-01',
  becameResidentReason: '転入',
  addressEstablishedDate: '2018-09-15',
  notificationDate: '2018-09-20',
  previousAddress: '東京都さくら市桜町二丁目5番8号',
  registeredDomicile: '東京都さくら市本町一丁目1番地',
  familyRegisterHead: '桜田　一郎',
  residentRecordCode: `1234567890${i % 10}`,
  individualNumber: `12345678901${i % 10}`,
});

const household = (persons: number, all: boolean): ResidentRecordCopyInput =>
  certificateInput({
    options: all ? ALL_OPTIONS : NO_OPTIONS,
    persons: Array.from({ length: persons }, (_, i) => person(i)),
  });

interface PdfMakeSingleton {
  virtualfs: { writeFileSync(name: string, data: Buffer): void };
  setFonts(fonts: Record<string, Record<'normal' | 'bold' | 'italics' | 'bolditalics', string>>): void;
  setUrlAccessPolicy(cb: (url: string) => boolean): void;
  setLocalAccessPolicy(cb: (p: string) => boolean): void;
  createPdf(doc: TDocumentDefinitions): { getBuffer(): Promise<Buffer> };
}

/** pdfmake's shared instance with fonts from files (`inMemory` false) or from its virtual file system. */
function singletonRenderer(inMemory: boolean): (input: ResidentRecordCopyInput) => Promise<Buffer> {
  const pdfmake = require('pdfmake') as PdfMakeSingleton; // eslint-disable-line @typescript-eslint/no-require-imports
  const dir = certificateFontDir();
  const face = (file: string) => {
    let p = path.join(dir, file);
    if (inMemory) {
      pdfmake.virtualfs.writeFileSync(`bench/${file}`, fs.readFileSync(p));
      p = `bench/${file}`;
    }
    return { normal: p, bold: p, italics: p, bolditalics: p };
  };
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((p) => path.dirname(p) === dir);
  // The shared instance is configured per call, as the two singleton variants alternate.
  const fonts = { [CERTIFICATE_FONTS.mincho]: face('ipaexm.ttf'), [CERTIFICATE_FONTS.gothic]: face('ipaexg.ttf') };
  return (input) => {
    pdfmake.setFonts(fonts);
    return pdfmake.createPdf(residentRecordCopyDoc(input)).getBuffer();
  };
}

async function measure(render: (input: ResidentRecordCopyInput) => Promise<Buffer>, input: ResidentRecordCopyInput) {
  for (let i = 0; i < WARMUP; i++) await render(input);
  const times: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    bytes = (await render(input)).length;
    const { user, system } = process.cpuUsage(used);
    times.push(performance.now() - start);
    cpu.push((user + system) / 1000);
  }
  const at = (xs: number[], q: number) =>
    [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
  return { p50: at(times, 0.5), p95: at(times, 0.95), cpu: at(cpu, 0.5), bytes };
}

async function main(): Promise<void> {
  const renderers = {
    untuned: singletonRenderer(false),
    'in-memory': singletonRenderer(true),
    renderer: createCertificateRenderer().renderResidentRecordCopy,
  };
  const cases: Array<[string, ResidentRecordCopyInput]> = [
    ['1 person, no optional items (1 page)', household(1, false)],
    ['4 persons, all items (1 page)', household(4, true)],
    ['8 persons, all items (2 pages)', household(8, true)],
  ];
  console.log(
    `住民票の写し render, ms/doc, warm (${WARMUP} discarded), ${RUNS} runs, node ${process.version}, ${os.cpus().length} cores`,
  );
  console.log('p50/p95: wall time; cpu: median process CPU time (all threads); ×: cpu against in-memory in this run');
  for (const [name, input] of cases) {
    let baseline = NaN;
    for (const [variant, render] of Object.entries(renderers)) {
      const r = await measure(render, input);
      if (variant === 'in-memory') baseline = r.cpu;
      console.log(
        `${name.padEnd(38)} ${variant.padEnd(10)} p50 ${r.p50.toFixed(1).padStart(6)}  p95 ${r.p95.toFixed(1).padStart(6)}  cpu ${r.cpu.toFixed(1).padStart(6)}  ${Number.isNaN(baseline) ? '      ' : `${(r.cpu / baseline).toFixed(2)} ×`}  ${(r.bytes / 1024).toFixed(0)} KiB`,
      );
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
