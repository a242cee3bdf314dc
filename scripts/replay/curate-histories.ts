/**
 * Curation step of `npm run replay:record`: from the histories the test harnesses recorded (RECORD_HISTORIES=<dir>,
 * test/support/history-recorder.ts), copies the fixed, named selection of scripts/replay/selection.ts into
 * test/replay/histories/<generation>/<kind>.<scenario>.json (proto-JSON, payloads decoded) and writes manifest.json.
 *
 *   tsx scripts/replay/curate-histories.ts <recorded dir> <target dir>
 *
 * Fails, writing nothing, when a selection has no recording or a chosen history holds personal data.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedHistory } from '../../test/support/history-recorder';
import {
  encodingOf,
  lastCaseStatus,
  payloadsOf,
  readableTexts,
  summarize,
  type HistorySummary,
  type Manifest,
  type ManifestEntry,
} from '../../test/support/history-json';
import { fixturePersonalData, personalDataIn } from '../../test/support/personal-data-scan';
import { SELECTION } from './selection';

const ROOT = path.resolve(__dirname, '..', '..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.json') ? [p] : [];
    });
}

function main() {
  const [recordedDir, targetArg] = process.argv.slice(2);
  if (!recordedDir || !targetArg) throw new Error('usage: curate-histories.ts <recorded dir> <target dir>');
  const target = path.resolve(targetArg);

  const recordings = filesUnder(recordedDir).map((file) => {
    const r = JSON.parse(readFileSync(file, 'utf8')) as RecordedHistory;
    return { file, ...r, summary: summarize(r.history) };
  });
  console.error(`${recordings.length} recorded histories in ${recordedDir}`);

  const chosen: Array<{ name: string; scenario: string; rec: (typeof recordings)[number] }> = [];
  const missing: string[] = [];
  for (const sel of SELECTION) {
    const ok = (s: HistorySummary) => s.kind === sel.kind && s.open === sel.open && sel.where(s);
    const byStart = (a: (typeof recordings)[number], b: (typeof recordings)[number]) =>
      String(a.meta.startTime).localeCompare(String(b.meta.startTime));
    const pick = sel.from
      .map((from) => recordings.filter((r) => r.meta.testFile.includes(from) && ok(r.summary)).sort(byStart)[0])
      .find((r) => r !== undefined);
    if (pick) chosen.push({ name: sel.name, scenario: sel.scenario, rec: pick });
    else missing.push(`${sel.name} (${sel.kind}, ${sel.open ? 'open' : 'closed'}, from ${sel.from.join(' or ')})`);
  }
  if (missing.length) throw new Error(`no recording for:\n  ${missing.join('\n  ')}`);

  const known = fixturePersonalData();
  const problems: string[] = [];
  for (const { name, rec } of chosen) {
    for (const f of personalDataIn(readableTexts(rec.history), known))
      problems.push(`${name}: ${f.what} in ${f.context}`);
    const encodings = new Set(payloadsOf(rec.history).map(encodingOf));
    for (const e of encodings)
      if (e !== 'json/plain' && e !== 'binary/null') problems.push(`${name}: a payload still encoded (${e})`);
  }
  if (problems.length) throw new Error(`refusing to write:\n  ${problems.join('\n  ')}`);

  mkdirSync(target, { recursive: true });
  for (const f of readdirSync(target)) if (f.endsWith('.json')) rmSync(path.join(target, f));
  const entries: ManifestEntry[] = [];
  let total = 0;
  for (const { name, scenario, rec } of chosen) {
    const file = `${name}.json`;
    const text = JSON.stringify(rec.history, null, 2) + '\n';
    writeFileSync(path.join(target, file), text);
    total += text.length;
    entries.push({
      file,
      kind: rec.summary.kind,
      workflowId: rec.meta.workflowId,
      open: rec.summary.open,
      status: lastCaseStatus(rec.summary) ?? rec.summary.resultStatus ?? rec.meta.status,
      scenario,
      events: rec.summary.events,
      recordedFrom: [rec.meta.testFile, rec.meta.testName].filter(Boolean).join(' › '),
      recordedAt: rec.meta.recordedAt,
    });
    console.error(
      `${file.padEnd(52)} ${rec.summary.open ? 'open  ' : 'closed'} ${String(rec.summary.events).padStart(4)} events ${String(Math.round(text.length / 1024)).padStart(4)} KB  ← ${rec.meta.testFile}`,
    );
  }
  const manifest: Manifest = {
    about:
      'Histories recorded from the test run and replayed by test/replay/replay.test.ts. Written by ' +
      'scripts/replay/curate-histories.ts (npm run replay:record); do not edit by hand. Payloads are decoded ' +
      '(json/plain): IDs and non-personal facts only.',
    histories: entries,
  };
  writeFileSync(path.join(target, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  console.error(
    `${entries.length} histories, ${Math.round(total / 1024)} KB, written to ${path.relative(ROOT, target)}`,
  );
}

main();
