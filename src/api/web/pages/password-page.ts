import type { MikroORM } from '@mikro-orm/core';
import type { Request, RequestHandler, Response, Router } from 'express';
import { PASSWORD_MIN_LENGTH } from '../../../domain/passwords';
import type { ApiServices } from '../../services';
import { setFlash } from '../flash';
import { html } from '../html';
import { page, type Notice } from '../layout';
import { webOf } from '../web-context';
import { attempt } from './action-routes';

const FIELDS = [
  ['currentPassword', '現在のパスワード', 'current-password'],
  ['newPassword', '新しいパスワード', 'new-password'],
  ['newPasswordConfirm', '新しいパスワード（確認）', 'new-password'],
] as const;

/**
 * パスワード変更 (issue 14 item 2), for every staff user: the current password and the new one twice, the policy of
 * src/domain/passwords.ts; the user's sessions elsewhere end. Forced after a one-time password (new user, reset): every
 * other page redirects here until it is done (web-auth.ts).
 */
export function installPasswordRoutes(
  r: Router,
  deps: { orm: MikroORM; municipalityName: string; services: ApiServices },
  session: RequestHandler,
) {
  const render = (
    req: Request,
    res: Response,
    o: { status?: number; notice?: Notice; errors?: Record<string, string> },
  ) => {
    const ctx = webOf(res);
    const forced = res.locals.mustChangePassword === true;
    const body = html`<section class="panel" aria-labelledby="h-pw"><h2 id="h-pw">新しいパスワードの設定</h2>
      ${forced ? html`<p class="notice notice-info" id="forced-change">初期パスワードでログインしています。業務を始める前にパスワードを変更してください。</p>` : ''}
      <form method="post" action="/password" id="password-form" novalidate><input type="hidden" name="_csrf" value="${ctx.csrf}">
      ${FIELDS.map(([name, label, ac]) => {
        const e = o.errors?.[name];
        return html`<div class="field${e ? ' has-error' : ''}"><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" type="password" maxlength="200" required autocomplete="${ac}"${e ? html` aria-invalid="true" aria-describedby="e-${name}"` : ''}>${e ? html`<p class="field-error" id="e-${name}">${e}</p>` : ''}</div>`;
      })}
      <p class="help">${PASSWORD_MIN_LENGTH}文字以上で、ユーザーIDを含まないものにしてください。変更すると、ほかの端末でのログインは終了します。</p>
      <button type="submit" class="btn-primary">パスワードを変更</button></form></section>`;
    res
      .status(o.status ?? 200)
      .type('html')
      .send(page({ title: 'パスワード変更', ctx, municipalityName: deps.municipalityName, body, notice: o.notice }));
  };
  r.get('/password', session, (req, res) => render(req, res, {}));
  r.post('/password', session, async (req, res) => {
    const ctx = webOf(res);
    const b = (req.body ?? {}) as Record<string, unknown>;
    // passwords are taken exactly as typed; anything but a string is missing
    const body = Object.fromEntries(
      FIELDS.map(([k]) => [k, b[k]]).filter(([, v]) => typeof v === 'string' && v !== ''),
    );
    const out = await attempt(() =>
      deps.services.staffAdmin.changeOwnPassword(ctx.staff, ctx.token, body, 'POST /password'),
    );
    if (out.ok) {
      setFlash(req, res, { kind: 'ok', text: 'パスワードを変更しました。' });
      return res.redirect(303, '/');
    }
    const errors: Record<string, string> = {};
    for (const e of out.body.errors ?? []) {
      const k = e.field.replace(/^\//, '');
      errors[k] ??=
        e.rule === 'required' || e.rule === 'minLength'
          ? `${FIELDS.find(([n]) => n === k)?.[1] ?? k}を入力してください`
          : e.rule === 'maxLength'
            ? 'パスワードが長すぎます'
            : e.message;
    }
    render(req, res, { status: out.status, errors, notice: { kind: 'error', text: '入力内容を確認してください。' } });
  });
}
