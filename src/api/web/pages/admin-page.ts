import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Request, RequestHandler, Response, Router } from 'express';
import { can } from '../../../domain/roles';
import { GRANTABLE_ROLES, type StaffUserState } from '../../../domain/staff-admin';
import type { ApiServices } from '../../services';
import { setFlash, takeFlash } from '../flash';
import { jstDateTime, wareki } from '../format';
import { html, type SafeHtml } from '../html';
import { roleLabel, rolesText } from '../labels';
import { formGuards, page, type Notice } from '../layout';
import { requireWebRole } from '../web-auth';
import { webOf, type WebContext } from '../web-context';
import { attempt, refusalNotice, type ApiErrorBody } from './action-routes';

const STATE: Record<StaffUserState, SafeHtml> = {
  ACTIVE: html`<span class="badge badge-done">利用可</span>`,
  LOCKED: html`<span class="badge badge-alert">自動ロック中</span>`,
  SUSPENDED: html`<span class="badge badge-alert">利用停止（管理者）</span>`,
  EXPIRED: html`<span class="badge badge-closed">有効期間終了</span>`,
  NOT_YET_VALID: html`<span class="badge badge-wait">有効期間前</span>`,
};

const FIELD_LABEL: Record<string, string> = {
  userId: 'ユーザーID（半角英数字と . _ -、64文字以内）',
  displayName: '氏名',
  roles: '権限（1つ以上）',
  validFrom: '有効期間の開始日',
  validUntil: '有効期間の終了日',
};

const RULE_TEXT: Record<string, string> = {
  required: '入力してください',
  minLength: '入力してください',
  minItems: '1つ以上選んでください',
  maxLength: '長すぎます',
  pattern: '使えない文字が含まれています',
  enum: '選べない値です',
  format: '日付が正しくありません',
};

/** A refusal as a notice: the field errors by their Japanese field names, else the code and message. */
const refusal = (status: number, body: ApiErrorBody): Notice => ({
  kind: 'error',
  text: body.errors?.length ? '入力内容を確認してください。' : refusalNotice(status, body),
  details: body.errors?.map((e) => {
    const key = e.field.replace(/^\//, '').split('/')[0] ?? '';
    return `${FIELD_LABEL[key] ?? key}: ${e.rule === 'afterValidFrom' ? e.message : (RULE_TEXT[e.rule] ?? '入力に誤りがあります')}`;
  }),
});

const period = (u: { validFrom?: string; validUntil?: string }) =>
  u.validFrom || u.validUntil
    ? `${u.validFrom ? wareki(u.validFrom) : ''}〜${u.validUntil ? wareki(u.validUntil) : ''}`
    : '期限なし';

const roleChecks = (checked: readonly string[], idPrefix: string) =>
  html`<fieldset class="field"><legend>権限</legend>${GRANTABLE_ROLES.map(
    (r) =>
      html`<label class="choice"><input type="checkbox" name="roles" value="${r}" id="${idPrefix}-${r}"${checked.includes(r) ? html` checked` : ''}> ${roleLabel[r]}</label>`,
  )}</fieldset>`;

/** The one-time password, shown once: the administrator hands it to the user, who must change it at first login. */
const oneTimePasswordPage = (
  ctx: WebContext,
  municipalityName: string,
  o: { userId: string; password: string; title: string; lead: string },
) =>
  page({
    title: o.title,
    ctx,
    municipalityName,
    notice: { kind: 'ok', text: o.lead },
    body: html`<section class="panel" aria-labelledby="h-otp"><h2 id="h-otp">初期パスワード（この画面でのみ表示）</h2>
      <dl class="facts"><dt>ユーザーID</dt><dd id="otp-user">${o.userId}</dd><dt>初期パスワード</dt><dd><code id="one-time-password" class="secret">${o.password}</code></dd></dl>
      <p class="help">本人に直接手渡してください（電話・メールでは伝えないでください）。この画面を閉じると再表示できません。本人は最初のログインでパスワードを変更します。</p>
      <p><a href="/admin/users/${o.userId}">職員の詳細へ</a>　<a href="/admin/users">職員一覧へ</a></p></section>`,
  });

/**
 * 職員管理 (issue 14 item 7), for the 情報セキュリティ管理者: the list of staff users, a new user with a one-time
 * password, roles, validity, lock / unlock, and password resets by two administrators. Every form goes through the
 * same service as /api/admin (ajv, the role gate, the self-change and four-eyes rules, audit rows).
 */
export function installAdminRoutes(
  r: Router,
  deps: { orm: MikroORM; municipalityName: string; services: ApiServices },
  session: RequestHandler,
) {
  const svc = deps.services.staffAdmin;
  const { municipalityName } = deps;
  const gate = (fn: string) => requireWebRole(deps.orm, can.administerStaffAuth, fn);
  const guard = (ctx: WebContext) => formGuards(ctx, randomUUID());
  const str = (req: Request, k: string) => {
    const v = (req.body as Record<string, unknown> | undefined)?.[k];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const rolesOf = (req: Request) => {
    const v = (req.body as Record<string, unknown> | undefined)?.roles;
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
  };
  const drop = <T extends Record<string, unknown>>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

  r.get('/admin/users', session, gate('GET /admin/users'), async (req, res) => {
    const ctx = webOf(res);
    const users = await svc.list(ctx.staff, 'GET /admin/users');
    const resets = await svc.pendingResets(ctx.staff, 'GET /admin/users');
    res.type('html').send(
      page({
        title: '職員管理',
        ctx,
        municipalityName,
        notice: takeFlash(req, res),
        body: html`<p class="help">職員の登録・権限・有効期間・ロックを管理します。端末の登録・失効と生体認証の登録は <a href="/staff-auth">端末・生体認証</a> で行います。自分自身の権限は変更できません。</p>
      ${
        resets.length
          ? html`<section class="panel panel-alert" aria-labelledby="h-resets"><h2 id="h-resets">承認待ちのパスワード再設定 ${resets.length}件</h2>
        <table class="grid" id="resets"><thead><tr><th scope="col">職員</th><th scope="col">申請者</th><th scope="col">申請日時</th><th scope="col">操作</th></tr></thead><tbody>
        ${resets.map(
          (p) =>
            html`<tr><td>${p.userId}</td><td>${p.requestedBy}</td><td>${jstDateTime(p.requestedAt)}</td><td>${
              p.requestedBy === ctx.staff.userId || p.userId === ctx.staff.userId
                ? html`<span class="muted">別の管理者の承認待ち</span>`
                : html`<form method="post" action="/admin/password-resets/${p.resetId}/approve" data-confirm="${p.userId} のパスワードを再設定します。よろしいですか？">${guard(ctx)}<button type="submit" class="btn-primary">承認して初期パスワードを発行</button></form>`
            }</td></tr>`,
        )}</tbody></table></section>`
          : ''
      }
      <section class="panel" aria-labelledby="h-users"><h2 id="h-users">職員 ${users.length}名</h2>
      <table class="grid" id="users" data-nav><thead><tr><th scope="col">ユーザーID</th><th scope="col">氏名</th><th scope="col">権限</th><th scope="col">有効期間</th><th scope="col">状態</th><th scope="col">最終ログイン</th></tr></thead><tbody>
      ${users.map(
        (u) =>
          html`<tr><td><a href="/admin/users/${u.userId}">${u.userId}</a></td><td>${u.displayName}</td><td>${rolesText(u.roles)}</td><td>${period(u)}</td>
          <td>${STATE[u.state]}${u.mustChangePassword ? html` <span class="badge badge-info">初期パスワード</span>` : ''}</td><td>${u.lastLoginAt ? jstDateTime(u.lastLoginAt) : '—'}</td></tr>`,
      )}</tbody></table></section>
      <section class="panel" aria-labelledby="h-new"><h2 id="h-new">職員の登録</h2>
      <form method="post" action="/admin/users" id="new-user" novalidate>${guard(ctx)}
        <div class="field"><label for="f-userId">ユーザーID</label><input id="f-userId" name="userId" type="text" maxlength="64" required autocomplete="off"></div>
        <div class="field"><label for="f-displayName">氏名</label><input id="f-displayName" name="displayName" type="text" maxlength="100" required autocomplete="off"></div>
        ${roleChecks([], 'f-new-role')}
        <div class="field"><label for="f-validFrom">有効期間の開始日（任意）</label><input id="f-validFrom" name="validFrom" type="date"></div>
        <div class="field"><label for="f-validUntil">有効期間の終了日（異動・退職の日、任意）</label><input id="f-validUntil" name="validUntil" type="date"></div>
        <p class="help">登録すると初期パスワードを一度だけ表示します。本人は最初のログインで変更します。</p>
        <button type="submit" class="btn-primary">職員を登録</button>
      </form></section>`,
      }),
    );
  });

  r.post('/admin/users', session, gate('POST /admin/users'), async (req, res) => {
    const ctx = webOf(res);
    const body = drop({
      userId: str(req, 'userId'),
      displayName: str(req, 'displayName'),
      roles: rolesOf(req),
      validFrom: str(req, 'validFrom'),
      validUntil: str(req, 'validUntil'),
    });
    const out = await attempt(() => svc.create(ctx.staff, body, 'POST /admin/users'));
    if (!out.ok) {
      setFlash(req, res, refusal(out.status, out.body));
      return res.redirect(303, '/admin/users');
    }
    res.type('html').send(
      oneTimePasswordPage(ctx, municipalityName, {
        userId: out.value.userId,
        password: out.value.initialPassword,
        title: '職員を登録しました',
        lead: `${out.value.userId} を登録しました。初期パスワードを本人に渡してください。`,
      }),
    );
  });

  r.get('/admin/users/:userId', session, gate('GET /admin/users/:userId'), async (req, res) => {
    const ctx = webOf(res);
    const u = await svc.get(ctx.staff, String(req.params.userId), 'GET /admin/users/:userId');
    const self = u.userId === ctx.staff.userId;
    const base = `/admin/users/${u.userId}`;
    const stateText =
      u.state === 'LOCKED'
        ? html`${STATE.LOCKED} <span id="lock-detail">ログイン失敗が続いたため ${jstDateTime(u.lockedUntil)} までロックされています（前回ログイン後の失敗 ${u.failedLoginsSinceLastLogin}回）</span>`
        : STATE[u.state];
    res.type('html').send(
      page({
        title: `職員 ${u.displayName}（${u.userId}）`,
        ctx,
        municipalityName,
        notice: takeFlash(req, res),
        body: html`<p><a href="/admin/users">← 職員一覧へ</a></p>
      <section class="panel" aria-labelledby="h-state"><h2 id="h-state">状態</h2>
      <dl class="facts" id="user-state"><dt>状態</dt><dd>${stateText}${u.mustChangePassword ? html` <span class="badge badge-info">初期パスワード（次回ログインで変更）</span>` : ''}</dd>
      <dt>権限</dt><dd>${rolesText(u.roles)}</dd><dt>有効期間</dt><dd>${period(u)}</dd>
      <dt>最終ログイン</dt><dd>${u.lastLoginAt ? jstDateTime(u.lastLoginAt) : '—'}</dd>
      <dt>ログイン失敗</dt><dd>前回ログイン後 ${u.failedLoginsSinceLastLogin}回${u.lastFailedLoginAt ? `（最後 ${jstDateTime(u.lastFailedLoginAt)}）` : ''}</dd>
      <dt>生体認証の登録端末</dt><dd>${u.credentials.length ? u.credentials.map((c) => c.terminalId).join('、') : 'なし'}</dd></dl>
      ${
        self
          ? html`<p class="muted">自分自身の権限・有効期間・ロックは変更できません。</p>`
          : html`<div class="actions">${
              u.state === 'SUSPENDED' || u.state === 'LOCKED'
                ? html`<form method="post" action="${base}/unlock" class="inline">${guard(ctx)}<button type="submit" class="btn-primary">ロック解除</button></form>`
                : ''
            }${
              u.state !== 'SUSPENDED'
                ? html`<form method="post" action="${base}/lock" class="inline" data-confirm="${u.userId} を利用停止にします。ログイン中のセッションはすぐに終了します。よろしいですか？">${guard(ctx)}<button type="submit" class="btn-danger">利用停止（ロック）</button></form>`
                : ''
            }</div>`
      }</section>
      ${
        self
          ? ''
          : html`<section class="panel" aria-labelledby="h-roles"><h2 id="h-roles">権限の変更</h2>
      <form method="post" action="${base}/roles" id="roles-form" novalidate>${guard(ctx)}${roleChecks(u.roles, 'f-role')}<button type="submit">権限を変更</button></form></section>
      <section class="panel" aria-labelledby="h-valid"><h2 id="h-valid">有効期間の変更</h2>
      <form method="post" action="${base}/validity" id="validity-form" novalidate>${guard(ctx)}
        <div class="field"><label for="f-v-from">開始日</label><input id="f-v-from" name="validFrom" type="date" value="${u.validFrom ?? ''}"></div>
        <div class="field"><label for="f-v-until">終了日（異動・退職の日）</label><input id="f-v-until" name="validUntil" type="date" value="${u.validUntil ?? ''}"></div>
        <button type="submit">有効期間を変更</button></form></section>`
      }
      <section class="panel" aria-labelledby="h-reset"><h2 id="h-reset">パスワードの再設定</h2>
      ${
        u.pendingResets.length
          ? html`<p id="reset-pending">再設定を申請済みです（申請者 ${u.pendingResets[0]!.requestedBy}）。申請者とは別の情報セキュリティ管理者が <a href="/admin/users">職員一覧</a> で承認すると、初期パスワードが表示されます。</p>`
          : html`<p class="help">申請した管理者とは別の情報セキュリティ管理者が承認すると初期パスワードが発行され、本人は次回ログインで変更します。</p>
      <form method="post" action="${base}/password-resets" class="inline">${guard(ctx)}<button type="submit">再設定を申請</button></form>`
      }</section>`,
      }),
    );
  });

  const change = (path: string, fn: string, run: (req: Request, res: Response) => Promise<unknown>, done: string) =>
    r.post(path, session, gate(fn), async (req, res) => {
      const out = await attempt(() => run(req, res));
      setFlash(req, res, out.ok ? { kind: 'ok', text: done } : refusal(out.status, out.body));
      res.redirect(303, `/admin/users/${encodeURIComponent(String(req.params.userId))}`);
    });
  const uid = (req: Request) => String(req.params.userId);
  change(
    '/admin/users/:userId/roles',
    'POST /admin/users/:userId/roles',
    (req, res) => svc.setRoles(webOf(res).staff, uid(req), { roles: rolesOf(req) }, 'POST /admin/users/:userId/roles'),
    '権限を変更しました。',
  );
  change(
    '/admin/users/:userId/validity',
    'POST /admin/users/:userId/validity',
    (req, res) =>
      svc.setValidity(
        webOf(res).staff,
        uid(req),
        drop({ validFrom: str(req, 'validFrom'), validUntil: str(req, 'validUntil') }),
        'POST /admin/users/:userId/validity',
      ),
    '有効期間を変更しました。',
  );
  change(
    '/admin/users/:userId/lock',
    'POST /admin/users/:userId/lock',
    (req, res) => svc.lock(webOf(res).staff, uid(req), 'POST /admin/users/:userId/lock'),
    '利用停止にしました。この職員のセッションは終了しました。',
  );
  change(
    '/admin/users/:userId/unlock',
    'POST /admin/users/:userId/unlock',
    (req, res) => svc.unlock(webOf(res).staff, uid(req), 'POST /admin/users/:userId/unlock'),
    'ロックを解除しました。',
  );
  change(
    '/admin/users/:userId/password-resets',
    'POST /admin/users/:userId/password-resets',
    (req, res) => svc.requestReset(webOf(res).staff, uid(req), 'POST /admin/users/:userId/password-resets'),
    'パスワードの再設定を申請しました。別の情報セキュリティ管理者の承認が必要です。',
  );

  r.post(
    '/admin/password-resets/:resetId/approve',
    session,
    gate('POST /admin/password-resets/:resetId/approve'),
    async (req, res) => {
      const ctx = webOf(res);
      const out = await attempt(() =>
        svc.approveReset(ctx.staff, String(req.params.resetId), 'POST /admin/password-resets/:resetId/approve'),
      );
      if (!out.ok) {
        setFlash(req, res, refusal(out.status, out.body));
        return res.redirect(303, '/admin/users');
      }
      res.type('html').send(
        oneTimePasswordPage(ctx, municipalityName, {
          userId: out.value.userId,
          password: out.value.initialPassword,
          title: 'パスワードを再設定しました',
          lead: `${out.value.userId} のパスワードを再設定しました。ログイン中のセッションは終了しました。`,
        }),
      );
    },
  );
}
