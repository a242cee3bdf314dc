import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { RequestHandler, Router } from 'express';
import { compileSchema } from '../../../domain/ajv';
import { Role } from '../../../domain/roles';
import { verifyAuditChain } from '../../../db/audit-chain';
import { actorFields, audit } from '../../../db/audit-writer';
import { AuditAction, AuditLog } from '../../../db/entities';
import { timeEl } from '../components';
import { html, type SafeHtml } from '../html';
import { formGuards, page, type Notice } from '../layout';
import { requireWebRole } from '../web-auth';
import { webOf, type WebContext } from '../web-context';

/** The audit trail is read by the 監査責任者 only (issue 13 item 6; seed 000: アクセス記録の確認). */
export const mayAudit = (roles: readonly Role[]) => roles.includes(Role.AUDITOR);

interface AuditSearch {
  addresseeNumber?: string;
  actorId?: string;
  from?: string;
  to?: string;
}

const AuditSearchSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    addresseeNumber: { type: 'string', pattern: '^[0-9]{1,16}$' },
    actorId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
    from: { type: 'string', format: 'date' },
    to: { type: 'string', format: 'date' },
  },
};
const validateSearch = compileSchema<AuditSearch>(AuditSearchSchema);
const FIELD_LABEL: Record<string, string> = {
  '/addresseeNumber': '宛名番号（数字16桁まで）',
  '/actorId': '職員ID（英数字）',
  '/from': '期間の開始日（例: 2026-12-01）',
  '/to': '期間の終了日（例: 2026-12-07）',
};
const LIMIT = 200;
/** A JST calendar day → its start as an instant. */
const jstStart = (d: string) => new Date(`${d}T00:00:00+09:00`);

function searchForm(ctx: WebContext, input: AuditSearch): SafeHtml {
  const field = (name: keyof AuditSearch, label: string, type = 'text') =>
    html`<div class="field"><label for="a-${name}">${label}</label><input id="a-${name}" name="${name}" type="${type}" value="${input[name] ?? ''}" autocomplete="off"></div>`;
  return html`<div class="search-forms">
  <form method="post" action="/audit" class="panel" aria-labelledby="h-a1"><h2 id="h-a1">アクセス記録の検索</h2>${formGuards(ctx, randomUUID())}
    <p class="help">住民（宛名番号）、職員、期間のいずれかで絞り込みます。新しい順に${LIMIT}件まで表示します。</p>
    ${field('addresseeNumber', '住民の宛名番号')}${field('actorId', '職員ID')}${field('from', '期間（開始日）', 'date')}${field('to', '期間（終了日）', 'date')}
    <button type="submit" class="btn-primary">検索</button></form>
  <form method="post" action="/audit/verify" class="panel" aria-labelledby="h-a2"><h2 id="h-a2">改ざんの検証</h2>${formGuards(ctx, randomUUID())}
    <p class="help">すべてのアクセス記録のハッシュ連鎖を先頭から再計算し、最初に一致しない記録を示します。</p>
    <button type="submit">ハッシュ連鎖を検証する</button></form></div>`;
}

function resultTable(rows: AuditLog[]): SafeHtml {
  if (!rows.length) return html`<p class="muted">該当するアクセス記録はありません。</p>`;
  return html`<section class="panel wide" aria-labelledby="h-a3"><h2 id="h-a3">アクセス記録（${rows.length}件${rows.length === LIMIT ? '以上' : ''}）</h2>
  <table class="grid nowrap"><thead><tr><th scope="col">番号</th><th scope="col">日時</th><th scope="col">職員</th><th scope="col">役割</th><th scope="col">端末</th><th scope="col">区分</th><th scope="col">機能</th><th scope="col">宛名番号</th><th scope="col">案件</th><th scope="col">個人番号</th><th scope="col">結果</th></tr></thead><tbody>
  ${rows.map(
    (r) =>
      html`<tr><td class="num">${r.chainSeq ?? '—'}</td><td>${timeEl(r.at)}</td><td>${r.actorId}</td><td>${r.actorRoles.join('・')}</td><td>${r.terminalId ?? ''}</td><td>${r.action}</td><td>${r.function}</td><td>${r.targetAddresseeNumber ?? ''}</td><td>${r.caseId ?? ''}</td><td>${r.individualNumberAccessed ? '参照' : ''}</td><td>${r.outcome === 'ok' ? '正常' : r.outcome === 'denied' ? '拒否' : 'エラー'}</td></tr>`,
  )}</tbody></table></section>`;
}

/** 監査ログ `/audit`: search by person, staff and period, and verification of the hash chain (auditor only). */
export function installAuditRoutes(
  r: Router,
  deps: { orm: MikroORM; municipalityName: string },
  session: RequestHandler,
) {
  const gate = (fn: string) => requireWebRole(deps.orm, mayAudit, fn);
  const send = (res: Parameters<RequestHandler>[1], body: SafeHtml, notice?: Notice, status = 200) =>
    res
      .status(status)
      .type('html')
      .send(page({ title: '監査ログ', ctx: webOf(res), body, municipalityName: deps.municipalityName, notice }));

  r.get('/audit', session, gate('GET /audit'), (_req, res) => send(res, searchForm(webOf(res), {})));

  r.post('/audit', session, gate('POST /audit'), async (req, res) => {
    const ctx = webOf(res);
    const raw = Object.fromEntries(
      ['addresseeNumber', 'actorId', 'from', 'to']
        .map((k) => [k, typeof req.body?.[k] === 'string' ? (req.body[k] as string).trim() : ''])
        .filter(([, v]) => v !== ''),
    );
    const v = validateSearch(raw);
    if (!v.ok)
      return send(
        res,
        searchForm(ctx, raw),
        {
          kind: 'error',
          text: '検索条件を確認してください。',
          details: v.errors.map((e) => `${FIELD_LABEL[e.field] ?? e.field}: ${e.rule}`),
        },
        422,
      );
    const q = v.value;
    const where: Record<string, unknown> = {};
    if (q.addresseeNumber) where.targetAddresseeNumber = q.addresseeNumber;
    if (q.actorId) where.actorId = q.actorId;
    if (q.from || q.to)
      where.at = {
        ...(q.from ? { $gte: jstStart(q.from) } : {}),
        ...(q.to ? { $lt: new Date(jstStart(q.to).getTime() + 86_400_000) } : {}),
      };
    const em = deps.orm.em.fork();
    const rows = await em.find(AuditLog, where, { orderBy: { id: 'desc' }, limit: LIMIT });
    // reading the trail is itself an access to be recorded
    audit(em, {
      ...actorFields(ctx.staff),
      ip: req.ip,
      action: AuditAction.INQUIRY,
      function: 'POST /audit',
      targetAddresseeNumber: q.addresseeNumber,
      detail: { actorId: q.actorId, from: q.from, to: q.to, results: rows.length },
    });
    await em.flush();
    send(res, html`${searchForm(ctx, q)}${resultTable(rows)}`);
  });

  r.post('/audit/verify', session, gate('POST /audit/verify'), async (_req, res) => {
    const ctx = webOf(res);
    const r = await verifyAuditChain(deps.orm);
    const notice: Notice = r.ok
      ? {
          kind: 'ok',
          text: `ハッシュ連鎖は正常です（${r.checked}件を検証、連鎖導入前の記録 ${r.unchained}件）。`,
        }
      : {
          kind: 'error',
          text: `改ざんを検出しました: 記録番号 ${r.firstBroken!.chainSeq}（ID ${r.firstBroken!.id ?? '—'}）が連鎖と一致しません。`,
          details: [r.firstBroken!.reason],
        };
    send(res, searchForm(ctx, {}), notice);
  });
}
