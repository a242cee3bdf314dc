import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Request, RequestHandler, Response, Router } from 'express';
import {
  decideSearch,
  SearchMode,
  type ResidentSearchInput,
  type SearchCriteria,
} from '../../../domain/resident-search';
import { can, type Role } from '../../../domain/roles';
import { actorFields, audit } from '../../../db/audit-writer';
import { AuditAction, type Resident } from '../../../db/entities';
import type { PiiCrypto } from '../../../db/pii-crypto';
import { wareki } from '../format';
import { html, type SafeHtml } from '../html';
import { residentStatusLabel, sexText } from '../labels';
import { formGuards, page, type Notice } from '../layout';
import {
  blockedAddresseeNumbers,
  PROTECTED_ADDRESS_TEXT,
  searchResidents,
  SEARCH_LIMIT,
  type SearchResultRow,
} from '../queries/resident-search-query';
import { requireWebRole } from '../web-auth';
import { webOf, type WebContext } from '../web-context';
import type { ProcedureTable } from '../../../procedures/table';
import { caseLink } from '../components';
import { pendingCasesOf, type PendingCase } from '../queries/pending-cases-query';

export interface SearchDeps {
  orm: MikroORM;
  pii: PiiCrypto;
  municipalityName: string;
  procedures: ProcedureTable;
}

export const maySearch = (roles: readonly Role[]) => can.enterCase(roles) || can.approve(roles);

type Errors = Record<string, string>;
const fieldInput = (
  id: string,
  name: string,
  label: string,
  value: string | undefined,
  errors: Errors,
  extra: SafeHtml | string = '',
  type = 'text',
) => html`
  <div class="field${errors[name] ? ' has-error' : ''}"><label for="${id}">${label}</label>
  <input id="${id}" name="${name}" type="${type}" value="${value ?? ''}" autocomplete="off" ${extra}${errors[name] ? html` aria-invalid="true" aria-describedby="${id}-e"` : ''}>
  ${errors[name] ? html`<p class="field-error" id="${id}-e">${errors[name]}</p>` : ''}</div>`;

function searchForms(ctx: WebContext, mode: string | undefined, input: ResidentSearchInput, errors: Errors): SafeHtml {
  const e = (m: string) => (mode === m ? errors : {});
  const v = (m: string, k: keyof ResidentSearchInput) => (mode === m ? input[k] : undefined);
  const guard = formGuards(ctx, randomUUID());
  return html`<div class="search-forms">
  <form method="post" action="/search" class="panel" aria-labelledby="h-s4"><h2 id="h-s4">4情報で検索</h2><input type="hidden" name="mode" value="fourInfo">${guard}
    <p class="help">氏名（漢字またはカナ）に加えて、住所または生年月日を入力してください。性別だけでは検索できません。</p>
    ${fieldInput('s-name', 'name', '氏名（必須）', v('fourInfo', 'name'), e('fourInfo'), html`data-search required`)}
    ${fieldInput('s-address', 'address', '住所（一部でも可）', v('fourInfo', 'address'), e('fourInfo'))}
    ${fieldInput('s-birth', 'birthDate', '生年月日（例: 昭和60年6月15日、S60.6.15、1985-06-15）', v('fourInfo', 'birthDate'), e('fourInfo'))}
    <div class="field"><label for="s-sex">性別（任意）</label><select id="s-sex" name="sex"><option value="">指定しない</option><option value="1"${v('fourInfo', 'sex') === '1' ? html` selected` : ''}>男</option><option value="2"${v('fourInfo', 'sex') === '2' ? html` selected` : ''}>女</option></select></div>
    <button type="submit" class="btn-primary">検索</button></form>
  <form method="post" action="/search" class="panel" aria-labelledby="h-sc"><h2 id="h-sc">住民票コードで検索</h2><input type="hidden" name="mode" value="code">${guard}
    ${fieldInput('s-code', 'residentRecordCode', '住民票コード（11桁）', v('code', 'residentRecordCode'), e('code'), html`inputmode="numeric" maxlength="13"`)}
    <button type="submit">検索</button></form>
  ${
    can.seeIndividualNumber(ctx.staff.roles)
      ? html`<form method="post" action="/search" class="panel" aria-labelledby="h-sn"><h2 id="h-sn">個人番号で検索</h2><input type="hidden" name="mode" value="number">${guard}
    <p class="help">個人番号利用事務に限ります。検索は記録されます。</p>
    ${fieldInput('s-number', 'individualNumber', '個人番号（12桁）', undefined, e('number'), html`inputmode="numeric" maxlength="14"`, 'password')}
    <button type="submit">検索</button></form>`
      : ''
  }
  </div>`;
}

/** The 「処理中の案件」 flag of a person: each pending case with its procedure and a link (issue 14 bug 1). */
export const pendingCasesBadge = (ctx: WebContext, cases: readonly PendingCase[] | undefined): SafeHtml | string =>
  cases?.length
    ? html`<span class="pending-cases"><span class="badge badge-warn">処理中の案件</span> ${cases.map((c, i) => html`${i ? '、' : ''}${ctx.labels.procedureText(c.procedure)} ${caseLink(c.caseId)}`)}</span>`
    : '';

function resultsTable(
  ctx: WebContext,
  rows: SearchResultRow[],
  blocked: Set<string>,
  pending: Map<string, PendingCase[]>,
  truncated: boolean,
): SafeHtml {
  if (!rows.length) return html`<p class="empty" role="status">該当する方はいません。</p>`;
  return html`<section class="panel" aria-labelledby="h-res"><h2 id="h-res">検索結果 ${rows.length}件${truncated ? `（先頭${SEARCH_LIMIT}件）` : ''}</h2>
  <table class="grid" data-nav><thead><tr><th scope="col">氏名</th><th scope="col">フリガナ</th><th scope="col">生年月日</th><th scope="col">性別</th><th scope="col">住所</th><th scope="col">状態</th><th scope="col">注意</th><th scope="col">操作</th></tr></thead>
  <tbody>${rows.map(
    (r) => html`<tr>
    <td>${r.familyName}　${r.givenName}</td><td>${r.familyNameKana}　${r.givenNameKana}</td><td>${wareki(r.birthDate, { seireki: r.isForeignResident })}</td><td>${sexText(r.sex)}</td>
    <td>${blocked.has(r.addresseeNumber) && !can.manageSupportMeasures(ctx.staff.roles) ? html`<span class="muted">${PROTECTED_ADDRESS_TEXT}</span>` : `${r.address}${r.addressSupplement ? `　${r.addressSupplement}` : ''}`}</td>
    <td>${r.status === 'RESIDENT' ? html`<span class="badge badge-done">${residentStatusLabel[r.status]}</span>` : html`<span class="badge badge-warn">${residentStatusLabel[r.status] ?? r.status}</span>`}</td>
    <td>${blocked.has(r.addresseeNumber) ? html`<span class="badge badge-alert">抑止・支援措置</span>` : ''}${r.status === 'PENDING_MOVE_OUT' ? html`<span class="badge badge-warn">転出予定 ${wareki(r.plannedMoveOutDate)}</span>` : ''}${r.status === 'REMOVED' ? html`<span class="badge badge-closed">消除 ${wareki(r.removalDate)}</span>` : ''}${pendingCasesBadge(ctx, pending.get(r.addresseeNumber))}</td>
    <td><form method="post" action="/residents/view" class="inline">${formGuards(ctx, randomUUID())}<input type="hidden" name="addresseeNumber" value="${r.addresseeNumber}"><button type="submit" class="btn-small">開く</button></form>
      ${r.status === 'RESIDENT' && can.enterCase(ctx.staff.roles) ? html` <form method="post" action="/intake/move-out/start" class="inline">${formGuards(ctx, randomUUID())}<input type="hidden" name="addresseeNumber" value="${r.addresseeNumber}"><button type="submit" class="btn-small move-out-start">転出届を作成</button> <button type="submit" class="btn-small move-within-start" formaction="/intake/move-within/start">転居届を作成</button> <button type="submit" class="btn-small birth-start" formaction="/intake/birth/start">出生届を作成</button> <button type="submit" class="btn-small household-change-start" formaction="/intake/household-change/start">世帯変更届を作成</button> <button type="submit" class="btn-small death-start" formaction="/intake/death/start">死亡届を作成</button></form>` : ''}</td>
  </tr>`,
  )}</tbody></table></section>`;
}

async function auditSearch(
  orm: MikroORM,
  ctx: WebContext,
  mode: string,
  outcome: 'ok' | 'denied',
  rows: ReadonlyArray<Pick<Resident, 'addresseeNumber'>>,
  detail: Record<string, unknown>,
) {
  const em = orm.em.fork();
  const base = {
    ...actorFields(ctx.staff),
    ip: ctx.staff.ip,
    function: 'POST /search',
    individualNumberAccessed: mode === SearchMode.NUMBER,
  };
  audit(em, {
    ...base,
    action: outcome === 'ok' ? AuditAction.INQUIRY : AuditAction.DENIED,
    outcome,
    detail: { mode, ...detail },
  });
  audit(
    em,
    ...rows.map((r) => ({
      ...base,
      action: AuditAction.INQUIRY,
      targetAddresseeNumber: r.addresseeNumber,
      detail: { mode, listed: true },
    })),
  );
  await em.flush();
}

function render(
  req: Request,
  res: Response,
  deps: SearchDeps,
  o: {
    status?: number;
    mode?: string;
    input?: ResidentSearchInput;
    errors?: Errors;
    results?: SafeHtml;
    notice?: Notice;
  },
) {
  const ctx = webOf(res);
  const body = html`${searchForms(ctx, o.mode, o.input ?? {}, o.errors ?? {})}${o.results ?? ''}`;
  res
    .status(o.status ?? 200)
    .type('html')
    .send(page({ title: '住民検索', ctx, body, notice: o.notice, municipalityName: deps.municipalityName }));
}

/** Resident search (issue #5 §5): by POST only, every search and every listed person audited. */
export function installSearchRoutes(r: Router, deps: SearchDeps, session: RequestHandler) {
  const gate = requireWebRole(deps.orm, maySearch, 'GET /search');
  r.get('/search', session, gate, (req, res) => render(req, res, deps, {}));
  r.post('/search', session, gate, async (req, res) => {
    const ctx = webOf(res);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string).slice(0, 200) : undefined);
    const input: ResidentSearchInput = {
      mode: str('mode'),
      residentRecordCode: str('residentRecordCode'),
      individualNumber: str('individualNumber'),
      name: str('name'),
      address: str('address'),
      birthDate: str('birthDate'),
      sex: str('sex'),
    };
    const decision = decideSearch(input, ctx.staff.roles);
    const shown = { ...input, individualNumber: undefined }; // never echoed back into the page
    if (!decision.ok) {
      await auditSearch(deps.orm, ctx, input.mode ?? '', 'denied', [], { refused: decision.errors.map((e) => e.rule) });
      const errors = Object.fromEntries(decision.errors.map((e) => [e.field, e.message]));
      return render(req, res, deps, {
        status: decision.forbidden ? 403 : 400,
        mode: input.mode,
        input: shown,
        errors,
        notice: {
          kind: 'error',
          text: decision.forbidden ? 'この検索を行う権限がありません（403）。' : '検索条件を確認してください。',
          details: Object.values(errors),
        },
      });
    }
    const em = deps.orm.em.fork();
    const { rows, truncated } = await searchResidents(em, deps.pii, decision.criteria as SearchCriteria);
    await auditSearch(deps.orm, ctx, decision.criteria.mode, 'ok', rows, { results: rows.length });
    const blocked = await blockedAddresseeNumbers(
      em,
      rows.map((x) => x.addresseeNumber),
    );
    const pending = await pendingCasesOf(
      em,
      deps.procedures,
      rows.map((x) => x.addresseeNumber),
    );
    render(req, res, deps, {
      mode: input.mode,
      input: shown,
      results: resultsTable(ctx, rows, blocked, pending, truncated),
    });
  });
}
