import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceScale, percentile, scaleTo, stackedBarChart } from '../../../src/api/web/charts';
import { duration, wareki, jstDateTime, dueIn } from '../../../src/api/web/format';

describe('chart scaling', () => {
  it.each([
    [0, 1, 1],
    [1, 1, 0.2],
    [4, 4, 1],
    [7, 8, 2],
    [13, 15, 5],
    [95, 100, 20],
    [0.37, 0.4, 0.1],
    [1234, 1500, 500],
  ])('niceScale(%d) → max %d, step %d', (value, max, step) => {
    const s = niceScale(value, 5);
    expect(s.max).toBeCloseTo(max);
    expect(s.step).toBeCloseTo(step);
    expect(s.ticks[0]).toBe(0);
    expect(s.ticks.at(-1)).toBeCloseTo(max);
  });
  it('maps values onto the axis and clamps', () => {
    const s = niceScale(10, 5);
    expect(scaleTo(5, s, 200)).toBe(100);
    expect(scaleTo(20, s, 200)).toBe(200);
    expect(scaleTo(-1, s, 200)).toBe(0);
  });
  it('computes percentiles by nearest rank', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(percentile([5], 95)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 95)).toBe(10);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
  });
  it('renders SVG with escaped labels and no inline styles', () => {
    const svg = barChart({ title: 'x<y', bars: [{ label: '<CS>', value: 0.5, cls: 'c3' }], max: 1 }).value;
    expect(svg).toContain('&lt;CS&gt;');
    expect(svg).not.toContain('<CS>');
    expect(svg).not.toContain('style=');
    const stacked = stackedBarChart({
      title: 't',
      keys: [{ key: 'a', label: 'A', cls: 'c0' }],
      rows: [{ label: '転入', segments: { a: 3 } }],
    }).value;
    expect(stacked).toContain('転入 A: 3件');
    const line = lineChart({
      title: 't',
      labels: ['a', 'b', 'c'],
      format: String,
      series: [{ label: 'p50', cls: 'p50', values: [1, null, 3] }],
    }).value;
    expect(line).toMatch(/d="M[\d.]+,[\d.]+ {2}M[\d.]+,[\d.]+"/);
  });
});

describe('display formats', () => {
  it('shows 和暦, or 西暦 for foreign residents, and qualified dates as recorded', () => {
    expect(wareki('2019-05-01')).toBe('令和元年5月1日');
    expect(wareki('1985-06-15')).toBe('昭和60年6月15日');
    expect(wareki('1985-06-15', { seireki: true })).toBe('1985年6月15日');
    expect(wareki('年月日不詳')).toBe('年月日不詳');
    expect(wareki(undefined)).toBe('');
  });
  it('shows instants in JST and compact durations', () => {
    expect(jstDateTime('2026-11-23T15:05:00Z')).toBe('令和8年11月24日 00:05');
    expect(duration(45_000)).toBe('45秒');
    expect(duration(3 * 3600_000 + 5 * 60_000)).toBe('3時間5分');
    expect(duration(2 * 86400_000 + 4 * 3600_000)).toBe('2日4時間');
    const now = new Date('2026-11-24T00:00:00Z');
    expect(dueIn(new Date('2026-11-24T02:00:00Z'), now)).toEqual({ text: 'あと2時間', overdue: false });
    expect(dueIn(new Date('2026-11-23T00:00:00Z'), now)).toEqual({ text: '1日超過', overdue: true });
  });
});
