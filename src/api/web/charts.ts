import { html, type SafeHtml } from './html';

/**
 * Server-side SVG charts (no client script, CSP-safe: classes instead of inline styles). Scaling is pure and
 * unit-tested; labels go through the escaping `html` template.
 */
export interface Scale {
  max: number;
  step: number;
  ticks: number[];
}

/** A "nice" axis (steps of 1, 2 or 5 × 10ⁿ) from 0 to at least `maxValue`. */
export function niceScale(maxValue: number, targetTicks = 5): Scale {
  if (!(maxValue > 0) || !Number.isFinite(maxValue)) return { max: 1, step: 1, ticks: [0, 1] };
  const rough = maxValue / targetTicks;
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough)!;
  const max = Math.ceil(maxValue / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { max, step, ticks };
}

/** Position of a value on an axis of `length` pixels (clamped). */
export const scaleTo = (value: number, scale: Scale, length: number): number =>
  Math.max(0, Math.min(length, (value / scale.max) * length));

/** p-th percentile (0–100) by the nearest-rank method; undefined for no data. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

const r1 = (n: number) => Math.round(n * 10) / 10;

/** The width of a chart label at 13px (.chart text): a full-width character 13px, any other 7.5px (a safe estimate). */
export const labelWidth = (label: string): number =>
  Math.ceil([...label].reduce((w, c) => w + (/[\u0000-\u00ff\uff61-\uff9f]/.test(c) ? 7.5 : 13), 0));

export interface Bar {
  label: string;
  value: number;
  cls?: string;
  note?: string;
  valueText?: string;
}

/** Horizontal bars with an axis; `format` renders values and ticks. */
export function barChart(o: {
  title: string;
  bars: Bar[];
  format?: (v: number) => string;
  max?: number;
  width?: number;
  labelWidth?: number;
}): SafeHtml {
  const fmt = o.format ?? ((v: number) => String(v));
  const width = o.width ?? 460;
  const left = o.labelWidth ?? Math.max(90, ...o.bars.map((b) => labelWidth(b.label) + 10));
  const plot = width - left - 90;
  const rowH = 24;
  const height = o.bars.length * rowH + 30;
  const scale = niceScale(o.max ?? Math.max(0, ...o.bars.map((b) => b.value)), 4);
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${o.title}"><title>${o.title}</title>
    ${scale.ticks.map(
      (
        t,
      ) => html`<line class="gridline" x1="${r1(left + scaleTo(t, scale, plot))}" y1="4" x2="${r1(left + scaleTo(t, scale, plot))}" y2="${height - 22}"></line>
      <text x="${r1(left + scaleTo(t, scale, plot))}" y="${height - 8}" text-anchor="middle">${fmt(t)}</text>`,
    )}
    ${o.bars.map(
      (b, i) => html`<text x="${left - 6}" y="${i * rowH + 20}" text-anchor="end">${b.label}</text>
      <rect class="${b.cls ?? 'c0'}" x="${left}" y="${i * rowH + 8}" width="${r1(Math.max(b.value > 0 ? 1 : 0, scaleTo(b.value, scale, plot)))}" height="${rowH - 8}"></rect>
      <text class="val" x="${r1(left + scaleTo(b.value, scale, plot) + 4)}" y="${i * rowH + 20}">${b.valueText ?? fmt(b.value)}${b.note ? ` ${b.note}` : ''}</text>`,
    )}
    <line class="axis" x1="${left}" y1="4" x2="${left}" y2="${height - 22}"></line></svg>`;
}

export interface StackRow {
  label: string;
  segments: Record<string, number>;
}
export interface StackKey {
  key: string;
  label: string;
  cls: string;
}

/** Horizontal stacked bars (e.g. cases per procedure by status group) with a legend. */
export function stackedBarChart(o: { title: string; rows: StackRow[]; keys: StackKey[]; width?: number }): SafeHtml {
  const width = o.width ?? 460;
  const left = Math.max(90, ...o.rows.map((r) => labelWidth(r.label) + 10)); // labels are never clipped
  const plot = width - left - 50;
  const rowH = 26;
  const height = Math.max(1, o.rows.length) * rowH + 30;
  const totals = o.rows.map((r) => o.keys.reduce((s, k) => s + (r.segments[k.key] ?? 0), 0));
  const scale = niceScale(Math.max(0, ...totals), 4);
  return html`<ul class="legend">${o.keys.map((k) => html`<li><i class="${k.cls}"></i>${k.label}</li>`)}</ul>
  <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${o.title}"><title>${o.title}</title>
    ${scale.ticks.map(
      (
        t,
      ) => html`<line class="gridline" x1="${r1(left + scaleTo(t, scale, plot))}" y1="4" x2="${r1(left + scaleTo(t, scale, plot))}" y2="${height - 22}"></line>
      <text x="${r1(left + scaleTo(t, scale, plot))}" y="${height - 8}" text-anchor="middle">${t}</text>`,
    )}
    ${o.rows.map((r, i) => {
      let x = left;
      return html`<text x="${left - 6}" y="${i * rowH + 21}" text-anchor="end">${r.label}</text>
        ${o.keys.map((k) => {
          const v = r.segments[k.key] ?? 0;
          const w = scaleTo(v, scale, plot);
          const seg =
            v > 0
              ? html`<rect class="${k.cls}" x="${r1(x)}" y="${i * rowH + 8}" width="${r1(w)}" height="${rowH - 8}"><title>${r.label} ${k.label}: ${v}件</title></rect>`
              : '';
          x += w;
          return seg;
        })}<text class="val" x="${r1(x + 4)}" y="${i * rowH + 21}">${totals[i] ?? 0}</text>`;
    })}
    <line class="axis" x1="${left}" y1="4" x2="${left}" y2="${height - 22}"></line></svg>`;
}

export interface Series {
  label: string;
  cls: 'p50' | 'p95';
  values: Array<number | null>;
}

/** Lines over days (e.g. median and p95 durations); gaps where a day has no data. */
export function lineChart(o: {
  title: string;
  labels: string[];
  series: Series[];
  format: (v: number) => string;
  width?: number;
}): SafeHtml {
  const width = o.width ?? 460;
  const height = 230;
  const left = 70;
  const bottom = 30;
  const plotW = width - left - 20;
  const plotH = height - bottom - 14;
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const scale = niceScale(Math.max(0, ...all), 4);
  const x = (i: number) => r1(left + (o.labels.length <= 1 ? plotW / 2 : (i / (o.labels.length - 1)) * plotW));
  const y = (v: number) => r1(14 + plotH - scaleTo(v, scale, plotH));
  const path = (vals: Array<number | null>) =>
    vals.map((v, i) => (v === null ? '' : `${i === 0 || vals[i - 1] === null ? 'M' : 'L'}${x(i)},${y(v)}`)).join(' ');
  return html`<ul class="legend">${o.series.map((s) => html`<li><i class="${s.cls === 'p95' ? 'c3' : 'c0'}"></i>${s.label}</li>`)}</ul>
  <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${o.title}"><title>${o.title}</title>
    ${scale.ticks.map((t) => html`<line class="gridline" x1="${left}" y1="${y(t)}" x2="${width - 20}" y2="${y(t)}"></line><text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${o.format(t)}</text>`)}
    ${o.labels.map((l, i) => html`<text x="${x(i)}" y="${height - 10}" text-anchor="middle">${l}</text>`)}
    ${o.series.map((s) => html`<path class="${s.cls}" d="${path(s.values)}"></path>${s.values.map((v, i) => (v === null ? '' : html`<circle class="${s.cls === 'p95' ? 'dot95' : 'dot50'}" cx="${x(i)}" cy="${y(v)}" r="3"><title>${o.labels[i]} ${s.label}: ${o.format(v)}</title></circle>`))}`)}
    <line class="axis" x1="${left}" y1="${14 + plotH}" x2="${width - 20}" y2="${14 + plotH}"></line></svg>`;
}
