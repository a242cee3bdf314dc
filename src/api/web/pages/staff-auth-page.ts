import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Request, RequestHandler, Response, Router } from 'express';
import { can } from '../../../domain/roles';
import type { ApiServices } from '../../services';
import { setFlash, takeFlash } from '../flash';
import { html } from '../html';
import { formGuards, page } from '../layout';
import { requireWebRole } from '../web-auth';
import { webOf } from '../web-context';
import { attempt, refusalNotice } from './action-routes';

/**
 * 端末・生体認証の管理 (seed 000 L2709), for the 情報セキュリティ管理者: registered terminals (登録 / 失効 — a revoked
 * terminal's sessions end at their next request), enrolment of a user's biometric authenticator on this terminal
 * (the WebAuthn ceremony runs in /static/app.js against /api/staff-auth), and recovery of a lost one, which a second
 * administrator approves. Every form goes through the same service as /api/staff-auth.
 */
export function installStaffAuthRoutes(
  r: Router,
  deps: { orm: MikroORM; municipalityName: string; services: ApiServices },
  session: RequestHandler,
) {
  const svc = deps.services.staffAuth;
  const gate = (fn: string) => requireWebRole(deps.orm, can.administerStaffAuth, fn);

  r.get('/staff-auth', session, gate('GET /staff-auth'), async (req, res) => {
    const ctx = webOf(res);
    const terminals = await svc.terminals(ctx.staff, 'GET /staff-auth');
    const pending = await svc.pendingRecoveries(ctx.staff, 'GET /staff-auth');
    const guard = () => formGuards(ctx, randomUUID());
    const body = html`<section class="panel" aria-labelledby="h-enrol"><h2 id="h-enrol">生体認証の登録（この端末 ${ctx.staff.terminalId}）</h2>
      <p class="help">登録する職員本人がこの端末の前で操作し、指紋・顔認証で本人確認します。登録した生体認証はこの端末でのみ使えます。</p>
      <form class="inline" id="enrol" data-enrol method="post" action="/staff-auth" novalidate>${guard()}
        <label for="f-enrol-user">職員のユーザーID</label> <input id="f-enrol-user" name="userId" type="text" maxlength="64" required autocomplete="off">
        <button type="submit" class="btn-primary">生体認証を登録</button>
        <p class="field-error" id="enrol-error" role="alert" hidden></p>
      </form></section>
      <section class="panel" aria-labelledby="h-term"><h2 id="h-term">登録端末 ${terminals.length}台</h2>
      <table class="grid" id="terminals"><thead><tr><th scope="col">端末ID</th><th scope="col">名称</th><th scope="col">設置場所</th><th scope="col">プリンタ</th><th scope="col">状態</th><th scope="col">操作</th></tr></thead><tbody>
      ${terminals.map(
        (t) => html`<tr><td>${t.terminalId}</td><td>${t.name}</td><td>${t.place}</td><td>${t.printerName}</td>
        <td>${t.status === 'REGISTERED' ? html`<span class="badge badge-done">登録済み</span>` : html`<span class="badge badge-alert">失効</span>`}</td>
        <td>${
          t.status === 'REGISTERED'
            ? html`<form method="post" action="/staff-auth/terminals/${t.terminalId}/revoke" data-confirm="端末 ${t.terminalId} を失効させます。この端末のセッションはすぐに終了します。よろしいですか？">${guard()}<button type="submit" class="btn-danger">失効</button></form>`
            : ''
        }</td></tr>`,
      )}</tbody></table>
      <form class="inline" method="post" action="/staff-auth/terminals" novalidate>${guard()}
        <label for="f-t-id">端末ID</label> <input id="f-t-id" name="terminalId" type="text" maxlength="64" required>
        <label for="f-t-name">名称</label> <input id="f-t-name" name="name" type="text" maxlength="64" required>
        <label for="f-t-place">設置場所</label> <input id="f-t-place" name="place" type="text" maxlength="100" required>
        <label for="f-t-printer">プリンタ</label> <input id="f-t-printer" name="printerName" type="text" maxlength="64" required>
        <button type="submit">端末を登録</button>
      </form></section>
      <section class="panel" aria-labelledby="h-rec"><h2 id="h-rec">生体認証の回復（紛失・故障）</h2>
      <p class="help">申請した管理者とは別の情報セキュリティ管理者が承認すると、その職員の生体認証はすべて無効になり、改めて登録できます。</p>
      <form class="inline" method="post" action="/staff-auth/recoveries" novalidate>${guard()}
        <label for="f-r-user">職員のユーザーID</label> <input id="f-r-user" name="userId" type="text" maxlength="64" required>
        <label for="f-r-reason">理由</label> <input id="f-r-reason" name="reason" type="text" maxlength="200" required>
        <button type="submit">回復を申請</button>
      </form>
      ${
        pending.length
          ? html`<table class="grid" id="recoveries"><thead><tr><th scope="col">職員</th><th scope="col">理由</th><th scope="col">申請者</th><th scope="col">操作</th></tr></thead><tbody>
        ${pending.map(
          (p) =>
            html`<tr><td>${p.userId}</td><td>${p.reason}</td><td>${p.requestedBy}</td><td>${
              p.requestedBy === ctx.staff.userId
                ? html`<span class="muted">別の管理者の承認待ち</span>`
                : html`<form method="post" action="/staff-auth/recoveries/${p.id}/approve" data-confirm="${p.userId} の生体認証をすべて無効にします。よろしいですか？">${guard()}<button type="submit" class="btn-primary">承認</button></form>`
            }</td></tr>`,
        )}</tbody></table>`
          : html`<p class="muted">承認待ちの回復申請はありません。</p>`
      }</section>`;
    const enrolled = req.query.enrolled === '1' ? { kind: 'ok' as const, text: '生体認証を登録しました。' } : undefined;
    res.type('html').send(
      page({
        title: '端末・生体認証',
        ctx,
        body,
        municipalityName: deps.municipalityName,
        notice: takeFlash(req, res) ?? enrolled,
      }),
    );
  });

  const post = (path: string, fn: string, run: (req: Request, res: Response) => Promise<unknown>, done: string) =>
    r.post(path, session, gate(fn), async (req, res) => {
      const out = await attempt(() => run(req, res));
      setFlash(
        req,
        res,
        out.ok
          ? { kind: 'ok', text: done }
          : {
              kind: 'error',
              text: out.error.errors.length
                ? '入力内容を確認してください（すべての項目が必要です）。'
                : refusalNotice(out.status, out.body),
            },
      );
      res.redirect(303, '/staff-auth');
    });
  const fields = (req: Request, names: string[]) =>
    Object.fromEntries(
      names
        .map((n) => [n, String((req.body as Record<string, unknown>)?.[n] ?? '').trim()])
        .filter(([, v]) => v !== ''),
    );
  post(
    '/staff-auth/terminals',
    'POST /staff-auth/terminals',
    (req, res) =>
      svc.registerTerminal(
        webOf(res).staff,
        fields(req, ['terminalId', 'name', 'place', 'printerName']),
        'POST /staff-auth/terminals',
      ),
    '端末を登録しました。',
  );
  post(
    '/staff-auth/terminals/:terminalId/revoke',
    'POST /staff-auth/terminals/:terminalId/revoke',
    (req, res) =>
      svc.revokeTerminal(
        webOf(res).staff,
        String(req.params.terminalId),
        'POST /staff-auth/terminals/:terminalId/revoke',
      ),
    '端末を失効させました。この端末のセッションは終了しました。',
  );
  post(
    '/staff-auth/recoveries',
    'POST /staff-auth/recoveries',
    (req, res) =>
      svc.requestRecovery(webOf(res).staff, fields(req, ['userId', 'reason']), 'POST /staff-auth/recoveries'),
    '回復を申請しました。別の情報セキュリティ管理者の承認が必要です。',
  );
  post(
    '/staff-auth/recoveries/:recoveryId/approve',
    'POST /staff-auth/recoveries/:recoveryId/approve',
    (req, res) =>
      svc.approveRecovery(
        webOf(res).staff,
        String(req.params.recoveryId),
        'POST /staff-auth/recoveries/:recoveryId/approve',
      ),
    '承認しました。この職員の生体認証は無効になりました。改めて登録してください。',
  );
}
