import type { ProcedureTable } from '../../procedures/table';
import { ageOf, dueIn, isoInstant, jstDateTime } from './format';
import { html, type SafeHtml } from './html';
import { attentionLabel, flagText } from './labels';

/** Small building blocks shared by the screens. */

/**
 * Labels and badges of procedures and statuses, from the procedure table (each procedure's definition names its
 * own statuses): one per web router, reached through the page context (`webOf(res).labels`).
 */
export function caseLabels(procedures: ProcedureTable) {
  const statusText = (s: string): string => procedures.statusLabel(s);
  const procedureText = (p: string): string => procedures.procedureLabel(p);
  const statusTone = (procedure: string | undefined, s: string, attention: boolean): string => {
    if (attention) return 'alert';
    const spec = procedures.statusSpec(procedure, s);
    if (!spec) return 'run';
    return spec.tone ?? (spec.group === 'alert' ? 'warn' : spec.group);
  };
  return {
    statusText,
    procedureText,
    /** The status as a badge (its tone from the status's group: wait, run, done, closed, or a warning). */
    statusBadge: (s: string, attention = false, procedure?: string): SafeHtml =>
      html`<span class="badge badge-${statusTone(procedure, s, attention)}">${statusText(s)}</span>`,
    procedureOptions: (selected: string | undefined): SafeHtml =>
      html`<option value="">すべての手続</option>${procedures.cases.map((m) => html`<option value="${m.definition.code}"${m.definition.code === selected ? html` selected` : ''}>${m.definition.label}</option>`)}`,
    /** Whether a procedure code is one of the table's (query parameters are checked against it). */
    isProcedure: (p: string): boolean => procedures.caseModule(p) !== undefined,
  };
}

export type CaseLabels = ReturnType<typeof caseLabels>;

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
