import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, checkLayers, layerOf } from '../../scripts/check-layers';

const root = resolve(__dirname, '..', '..');

// architecture.md "Layout": imports run app → workflows → activities → infrastructure → domain; `npm run lint` runs this
describe('layer check (npm run lint)', () => {
  it('places every file by folder, and inside a procedure folder by file name', () => {
    expect(layerOf('src/domain/dates.ts')).toBe('domain');
    expect(layerOf('src/procedures/move-in/rules.ts')).toBe('domain');
    expect(layerOf('src/procedures/move-in/schema.ts')).toBe('domain');
    expect(layerOf('src/db/orm.ts')).toBe('infrastructure');
    expect(layerOf('src/observability/log.ts')).toBe('infrastructure');
    expect(layerOf('templates/resident-record-copy.ts')).toBe('infrastructure');
    expect(layerOf('src/procedures/move-in/commit.ts')).toBe('activities');
    expect(layerOf('src/activities/projection.ts')).toBe('activities');
    expect(layerOf('src/procedures/move-out/workflow-tail.ts')).toBe('workflows');
    expect(layerOf('src/workflows/case-workflow.ts')).toBe('workflows');
    expect(layerOf('src/procedures/move-in/panel.ts')).toBe('app');
    expect(layerOf('src/procedures/index.ts')).toBe('app');
    expect(layerOf('src/api/app.ts')).toBe('app');
  });

  it('refuses an upward import, type-only ones too, and allows a downward one', () => {
    const upward = checkFile(root, 'src/procedures/move-in/rules.ts', "import type { X } from '../../api/auth';\n");
    expect(upward).toEqual([
      {
        file: 'src/procedures/move-in/rules.ts',
        imports: 'src/api/auth.ts',
        message: expect.stringMatching(/^domain may not import app/),
      },
    ]);
    expect(checkFile(root, 'src/activities/projection.ts', "import { f } from '../workflows/status';\n")).toHaveLength(
      1,
    );
    expect(checkFile(root, 'src/db/seed/staff.ts', "export { hashPassword } from '../../api/auth';\n")).toHaveLength(1);
    expect(checkFile(root, 'src/procedures/move-in/workflow.ts', "import type { A } from './commit';\n")).toEqual([]);
    expect(
      checkFile(root, 'src/api/app.ts', "import { x } from '../domain/dates';\nimport express from 'express';\n"),
    ).toEqual([]);
  });

  it('the repository has no upward import', () => {
    expect(checkLayers(root)).toEqual([]);
  });

  it('a tree with an upward import fails the check (what npm run lint then reports)', () => {
    const tree = mkdtempSync(join(tmpdir(), 'layers-'));
    const write = (p: string, text: string) => {
      mkdirSync(dirname(join(tree, p)), { recursive: true });
      writeFileSync(join(tree, p), text);
    };
    write('src/domain/rule.ts', "import { helper } from '../api/helper';\nexport const rule = helper;\n");
    write('src/api/helper.ts', 'export const helper = 1;\n');
    write('templates/doc.ts', "import { rule } from '../src/domain/rule';\nexport const doc = rule;\n");
    write('src/stray.ts', 'export {};\n');
    expect(
      checkLayers(tree)
        .map((v) => `${v.file} → ${v.imports}`)
        .sort(),
    ).toEqual(['src/domain/rule.ts → src/api/helper.ts', 'src/stray.ts → ']);
  });
});
