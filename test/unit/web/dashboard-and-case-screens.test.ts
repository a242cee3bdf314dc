import { describe, expect, it } from 'vitest';
import { barChart, labelWidth, stackedBarChart } from '../../../src/api/web/charts';
import { caseLabels } from '../../../src/api/web/components';
import { statusGroup } from '../../../src/api/web/queries/dashboard-query';
import { PROCEDURES } from '../../../src/procedures';
import { openApiDocument } from '../../../src/api/openapi';

/** Issue 14 bug 11: the dashboard's groups and labels, and a procedure filter that offers only procedures that exist. */
describe('dashboard and filters (issue 14 bug 11)', () => {
  const group = (procedure: string, status: string) =>
    statusGroup(status, false, (s) => PROCEDURES.statusSpec(procedure, s));

  it('counts cases waiting for a date or a message apart from staff work', () => {
    expect(group('MOVE_OUT', 'AWAITING_MOVE_OUT_DATE')).toBe('later'); // 除票待ち
    expect(group('MOVE_OUT', 'AWAITING_MOVE_IN_NOTICE')).toBe('later'); // 転入通知待ち
    expect(group('ONLINE_MOVE_OUT', 'AWAITING_MOVE_OUT_DATE')).toBe('later');
    expect(group('HELD_MOVE_OUT_CERTIFICATE', 'HELD')).toBe('later'); // 保管中
    expect(group('SPECIAL_MOVE_IN', 'AWAITING_CERTIFICATE_INFO')).toBe('later');
    expect(group('MOVE_OUT', 'AWAITING_APPROVAL')).toBe('wait');
    expect(group('MOVE_IN', 'RETURNED')).toBe('wait');
    expect(group('ONLINE_MOVE_OUT', 'AWAITING_REVIEW')).toBe('wait');
  });

  it('gives every bar label room: the longest procedure label is not clipped', () => {
    const labels = PROCEDURES.cases.map((m) => m.definition.label);
    const svg = String(
      stackedBarChart({
        title: 't',
        keys: [{ key: 'wait', label: '職員の作業待ち', cls: 'c0' }],
        rows: labels.map((label) => ({ label, segments: { wait: 1 } })),
      }),
    );
    const x = Number(/<text x="([\d.]+)"[^>]*text-anchor="end">/.exec(svg)![1]);
    for (const l of labels) expect(labelWidth(l), l).toBeLessThanOrEqual(x);
    expect(labelWidth('個人番号カード交付')).toBeGreaterThan(90 - 6); // the old fixed 90px left margin clipped it
    const bars = String(barChart({ title: 't', bars: [{ label: 'CS（住基ネット）', value: 1 }] }));
    const bx = Number(/<text x="([\d.]+)"[^>]*text-anchor="end">/.exec(bars)![1]);
    expect(labelWidth('CS（住基ネット）')).toBeLessThanOrEqual(bx);
  });

  it('offers in the procedure filter exactly the procedures of the table, also in the OpenAPI document', () => {
    const options = String(caseLabels(PROCEDURES).procedureOptions(undefined));
    const offered = [...options.matchAll(/<option value="([A-Z_]+)"/g)].map((m) => m[1]);
    expect(offered).toEqual(PROCEDURES.cases.map((m) => m.definition.code));
    const list = (openApiDocument(PROCEDURES).paths as any)['/api/cases'].get.parameters;
    expect(list.find((p: any) => p.name === 'procedure').schema.enum).toEqual(offered);
  });
});
