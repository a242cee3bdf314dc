/**
 * `npm run lint` part 2: imports run one way — app (api, worker) → workflows → activities → infrastructure (db,
 * partners, templates, config) → domain (architecture.md "Layout"). Inside src/procedures/<name>/ a file's layer is
 * given by its name: definition.ts, schema.ts, rules.ts are domain; workflow*.ts are workflow code; activities.ts and
 * commit.ts are activities; everything else (intake, form, page, panel, routes, index …) is the app layer. Type-only
 * imports count too: a contract two layers share belongs in the lower one.
 *
 *   npx tsx scripts/check-layers.ts            # checks src/ and templates/, exit 1 on a violation
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const LAYERS = ['domain', 'infrastructure', 'activities', 'workflows', 'app'] as const;
export type Layer = (typeof LAYERS)[number];

const PROCEDURE_FILE = /^src\/procedures\/[^/]+\/([^/]+)\.ts$/;

/** The layer of a source file (path relative to the repository root, with forward slashes); undefined: unchecked. */
export function layerOf(file: string): Layer | undefined {
  const p = file.replace(/\\/g, '/');
  const proc = PROCEDURE_FILE.exec(p)?.[1];
  if (proc !== undefined) {
    if (['definition', 'schema', 'rules'].includes(proc)) return 'domain';
    if (proc.startsWith('workflow')) return 'workflows';
    if (['activities', 'commit'].includes(proc)) return 'activities';
    return 'app';
  }
  if (p.startsWith('src/domain/')) return 'domain';
  if (/^src\/(db|partners|temporal|observability)\//.test(p) || p.startsWith('templates/') || p === 'src/config.ts')
    return 'infrastructure';
  if (p.startsWith('src/activities/')) return 'activities';
  if (p.startsWith('src/workflows/')) return 'workflows';
  if (/^src\/(api|worker|procedures)\//.test(p) || p === 'src/system.ts') return 'app';
  return undefined;
}

export interface Violation {
  file: string;
  imports: string;
  message: string;
}

const rank = (l: Layer) => LAYERS.indexOf(l);

/** Resolves a relative import of `file` to a repository path (.ts, or index.ts of a folder); undefined: a package. */
function resolveImport(root: string, file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(root, dirname(file), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return relative(root, candidate).replace(/\\/g, '/');
    } catch {
      // not this one
    }
  }
  return relative(root, base).replace(/\\/g, '/');
}

/** Every import of a file that runs upward (or that leaves the checked tree from a layer). */
export function checkFile(root: string, file: string, text: string): Violation[] {
  const from = layerOf(file);
  if (!from) return [];
  const out: Violation[] = [];
  for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
    const target = resolveImport(root, file, ref.fileName);
    if (!target) continue;
    const to = layerOf(target);
    if (!to) {
      if (!target.startsWith('src/') && !target.startsWith('templates/'))
        out.push({ file, imports: target, message: `${from} code imports from outside src/ and templates/` });
      continue;
    }
    if (rank(to) > rank(from))
      out.push({
        file,
        imports: target,
        message: `${from} may not import ${to} (imports run app → workflows → activities → infrastructure → domain)`,
      });
  }
  return out;
}

function* sourceFiles(root: string, dir: string): Generator<string> {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!['migrations', 'static', 'fonts'].includes(entry.name)) yield* sourceFiles(root, p);
    } else if (entry.name.endsWith('.ts')) yield p;
  }
}

/** All violations under src/ and templates/ of the repository at `root`; files no layer covers are reported too. */
export function checkLayers(root: string): Violation[] {
  const out: Violation[] = [];
  for (const dir of ['src', 'templates']) {
    for (const file of sourceFiles(root, dir)) {
      if (!layerOf(file)) {
        out.push({
          file,
          imports: '',
          message: 'this file belongs to no layer: place it under one (scripts/check-layers.ts)',
        });
        continue;
      }
      out.push(...checkFile(root, file, readFileSync(join(root, file), 'utf8')));
    }
  }
  return out;
}

if (require.main === module) {
  const violations = checkLayers(resolve(__dirname, '..'));
  for (const v of violations) console.error(`${v.file}: ${v.message}${v.imports ? ` (${v.imports})` : ''}`);
  if (violations.length) {
    console.error(`layer check: ${violations.length} import(s) run the wrong way`);
    process.exit(1);
  }
  console.log('layer check: every import runs app → workflows → activities → infrastructure → domain');
}
