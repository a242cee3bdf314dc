import { randomUUID } from 'node:crypto';
import { CaseStatus } from '../../../domain/case-status';
import { can } from '../../../domain/roles';
import type { CaseView } from '../../case-service';
import { ACTION_SPECS, allowedActionsOf, type ActionSpec } from '../case-actions-ui';
import { html, type SafeHtml } from '../html';
import { formGuards, type Notice } from '../layout';
import type { WebContext } from '../web-context';

const groupTitle: Record<ActionSpec['group'], string> = {
  decide: '審査・決裁',
  assign: '担当',
  supervise: '監督者の操作',
};

function actionForm(
  c: CaseView,
  ctx: WebContext,
  name: string,
  spec: ActionSpec,
  notice: Notice | undefined,
  staffIds: string[],
): SafeHtml {
  const id = `action-${name}`;
  const errors = notice?.formId === id ? (notice.fieldErrors ?? {}) : {};
  const btnClass = spec.danger ? 'btn-danger' : spec.primary ? 'btn-primary' : '';
  const fields = html`
    ${
      spec.target
        ? html`<div class="field${errors.to ? ' has-error' : ''}"><label for="${id}-to">${spec.label}：割当先の職員ID</label>
      <input id="${id}-to" name="to" list="staff-ids" required autocomplete="off"${errors.to ? html` aria-invalid="true" aria-describedby="${id}-to-e"` : ''}>
      ${errors.to ? html`<p class="field-error" id="${id}-to-e">${errors.to}</p>` : ''}</div>`
        : ''
    }
    ${
      spec.reason !== 'none'
        ? html`<div class="field${errors.reason ? ' has-error' : ''}"><label for="${id}-reason">${spec.label}の理由${spec.reason === 'required' ? html`<span class="req">（必須）</span>` : '（任意）'}</label>
      <textarea id="${id}-reason" name="reason" rows="2" maxlength="500"${spec.reason === 'required' ? html` required` : ''}${errors.reason ? html` aria-invalid="true" aria-describedby="${id}-reason-e"` : ''}></textarea>
      ${errors.reason ? html`<p class="field-error" id="${id}-reason-e">${errors.reason}</p>` : ''}</div>`
        : ''
    }`;
  return html`<form method="post" action="/cases/${encodeURIComponent(c.caseId)}/do/${name}" id="${id}" class="action-form"${spec.confirm ? html` data-confirm="${spec.confirm}"` : ''}>
    ${formGuards(ctx, randomUUID())}${fields}<button type="submit" class="${btnClass}" data-action="${name}">${spec.label}</button>${spec.help ? html`<p class="help">${spec.help}</p>` : ''}</form>
    ${spec.target ? html`<datalist id="staff-ids">${staffIds.map((s) => html`<option value="${s}">`)}</datalist>` : ''}`;
}

/** Why an expected action is missing, in plain words (four-eyes, someone else's case). */
function explanations(c: CaseView, ctx: WebContext, allowed: string[]): SafeHtml[] {
  const out: SafeHtml[] = [];
  if (
    c.status === CaseStatus.AWAITING_APPROVAL &&
    can.approve(ctx.staff.roles) &&
    (c.makerId || c.enteredBy) === ctx.staff.userId
  ) {
    out.push(
      html`<p class="notice notice-info">この案件はあなたが入力（審査）したため決裁できません（四つの目の原則：入力者と決裁者は別の職員）。</p>`,
    );
  }
  if (c.assignedTo && c.assignedTo !== ctx.staff.userId && !allowed.length)
    out.push(html`<p class="help">この案件は ${c.assignedTo} が担当しています。</p>`);
  return out;
}

export function actionsPanel(
  c: CaseView,
  ctx: WebContext,
  notice: Notice | undefined,
  staffIds: string[],
  withheld: Array<{ action: string; reason: string }> = [],
): SafeHtml {
  const held = withheld.filter((w) => allowedActionsOf(c).includes(w.action));
  const allowed = allowedActionsOf(c).filter((a) => !held.some((w) => w.action === a));
  const groups = (['decide', 'assign', 'supervise'] as const)
    .map((g) => [g, allowed.filter((a) => ACTION_SPECS[a]!.group === g)] as const)
    .filter(([, a]) => a.length);
  return html`<section class="panel actions" aria-labelledby="h-act"><h2 id="h-act">操作</h2>
    ${explanations(c, ctx, allowed)}
    ${held.map((w) => html`<p class="notice notice-info">${w.reason}</p>`)}
    ${
      groups.length
        ? groups.map(
            ([g, names]) => html`<fieldset class="action-group"><legend>${groupTitle[g]}</legend>
      ${names.map((n) => actionForm(c, ctx, n, ACTION_SPECS[n]!, notice, staffIds))}</fieldset>`,
          )
        : html`<p class="muted">あなたが今この案件で行える操作はありません。</p>`
    }
  </section>`;
}
