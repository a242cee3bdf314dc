import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a poppler tool (pdftotext, pdfinfo, pdffonts) and returns its output. */
export const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });

/** Text of the whole document, or of one page, with all white space (incl. U+3000) removed. */
export const text = (file: string, page?: number): string =>
  run('pdftotext', [...(page ? ['-f', String(page), '-l', String(page)] : []), '-layout', file, '-']).replace(
    /\s+/gu,
    '',
  );

export const pages = (file: string): number => Number(/^Pages:\s+(\d+)/m.exec(run('pdfinfo', [file]))?.[1]);

export const compact = (s: string): string => s.replace(/\s+/gu, '');

/** Writes PDF bytes to a temporary file and returns its compacted text. */
export const pdfBytesText = (pdf: Buffer): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'juki-pdf-')), 'doc.pdf');
  writeFileSync(file, pdf);
  return text(file);
};
