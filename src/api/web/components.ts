import { caseStatusLabel, FINAL_STATUSES, procedureLabel, type CaseStatus } from '../../domain/case-status';
import { ageOf, dueIn, isoInstant, jstDateTime } from './format';
import { html, type SafeHtml } from './html';
import { attentionLabel, flagText } from './labels';

/** Small building blocks shared by the screens. */

export const statusText = (s: string): string => caseStatusLabel[s as CaseStatus] ?? s;
export const procedureText = (p: string): string => procedureLabel[p as keyof typeof procedureLabel] ?? p;

const statusTone = (s: string, attention: boolean): string => {
  if (attention) return 'alert';
  if (s === 'COMPLETED' || s === 'USED') return 'done';
  if (s === 'REJECTED' || s === 'CANCELLED' || s === 'PURGED' || s === 'DEADLINE_PASSED') return 'closed';
  if (s === 'RETURNED' || s === 'DELIVERY_REJECTED') return 'warn';
  if (FINAL_STATUSES.has(s as CaseStatus)) return 'closed';
  return s.startsWith('AWAITING') || s === 'HELD' ? 'wait' : 'run';
};

export const statusBadge = (s: string, attention = false): SafeHtml =>
  html`<span class="badge badge-${statusTone(s, attention)}">${statusText(s)}</span>`;

export const flagBadges = (flags: readonly string[] | undefined): SafeHtml =>
  html`${(flags ?? []).map((f) => html`<span class="badge badge-flag badge-${flagText[f]?.level ?? 'info'}" title="${flagText[f]?.explain ?? ''}">${flagText[f]?.label ?? f}</span>`)}`;

export const attentionBadge = (reason: string | null | undefined): SafeHtml | '' =>
  reason ? html`<span class="badge badge-alert">${attentionLabel[reason] ?? reason}</span>` : '';

export const timeEl = (v: Date | string | null | undefined): SafeHtml | '' =>
  v ? html`<time datetime="${isoInstant(v)}">${jstDateTime(v)}</time>` : '';

export const ageEl = (from: Date | string | null | undefined, now: Date): SafeHtml =>
  html`<span class="age">${ageOf(from, now)}</span>`;

export const dueEl = (due: Date | string | null | undefined, now: Date): SafeHtml | '' => {
  const d = dueIn(due, now);
  return d ? html`<span class="${d.overdue ? 'overdue' : 'due'}">${d.text}</span>` : '';
};

export const caseLink = (caseId: string): SafeHtml =>
  html`<a class="case-link" href="/cases/${encodeURIComponent(caseId)}">${caseId}</a>`;

export const procedureOptions = (selected: string | undefined): SafeHtml =>
  html`<option value="">すべての手続</option>${Object.entries(procedureLabel).map(([k, v]) => html`<option value="${k}"${k === selected ? html` selected` : ''}>${v}</option>`)}`;

export const staffText = (userId: string | null | undefined): string => userId ?? '—';
