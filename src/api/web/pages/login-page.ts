import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Request, Response, Router } from 'express';
import { audit } from '../../../db/audit-writer';
import { AuditAction } from '../../../db/entities';
import {
  cookieHeader,
  secureCookie,
  login,
  logout,
  LoginRequestSchema,
  parseCookies,
  sameSecret,
  SESSION_COOKIE,
  type LoginRequest,
} from '../../auth';
import type { AppConfig } from '../../../config';
import { ApiError } from '../../errors';
import { validateForm, type FieldMessages } from '../forms';
import { html } from '../html';
import { page, type Notice } from '../layout';
import { clearSessionCookie } from '../web-auth';
import { webOf } from '../web-context';
import type { RequestHandler } from 'express';

const LOGIN_CSRF_COOKIE = 'juki_login';
const TERMINAL_COOKIE = 'juki_terminal';

const messages: FieldMessages = {
  userId: { label: 'ユーザーID', required: 'ユーザーIDを入力してください' },
  password: { label: 'パスワード', required: 'パスワードを入力してください' },
  terminalId: { label: '端末ID', required: '端末IDを入力してください' },
};

const field = (
  name: string,
  label: string,
  type: string,
  value: string,
  error: string | undefined,
  extra: string,
) => html`
  <div class="field${error ? ' has-error' : ''}">
    <label for="f-${name}">${label}</label>
    <input id="f-${name}" name="${name}" type="${type}" value="${value}" required ${extra === 'autofocus' ? html`autofocus` : ''} autocomplete="${extra === 'autofocus' ? 'username' : type === 'password' ? 'current-password' : 'off'}"${error ? html` aria-invalid="true" aria-describedby="e-${name}"` : ''}>
    ${error && html`<p class="field-error" id="e-${name}">${error}</p>`}
  </div>`;

function renderLogin(
  req: Request,
  res: Response,
  o: {
    status?: number;
    notice?: Notice;
    userId?: string;
    terminalId?: string;
    errors?: Record<string, string>;
    municipalityName: string;
    webauthn: boolean;
  },
) {
  const csrf = randomBytes(24).toString('base64url');
  res.append('Set-Cookie', cookieHeader(LOGIN_CSRF_COOKIE, csrf, { secure: secureCookie(req), path: '/login' }));
  const terminal = o.terminalId ?? parseCookies(req.get('cookie'))[TERMINAL_COOKIE] ?? '';
  const body = html`<form method="post" action="/login" class="login" novalidate${o.webauthn ? html` data-webauthn="1"` : ''}>
    <input type="hidden" name="_csrf" value="${csrf}">
    <input type="hidden" name="challengeId" value="">
    <input type="hidden" name="assertion" value="">
    ${field('userId', 'ユーザーID', 'text', o.userId ?? '', o.errors?.userId, 'autofocus')}
    ${field('password', 'パスワード', 'password', '', o.errors?.password, '')}
    ${field('terminalId', '端末ID', 'text', terminal, o.errors?.terminalId, '')}
    <p class="hint">登録された端末からのみ利用できます。${o.webauthn ? 'ログインボタンを押した後、端末の生体認証（指紋・顔）で本人確認をしてください。' : ''}一定時間操作がないと自動的にログアウトします。</p>
    <button type="submit" class="btn-primary">ログイン</button>
  </form>`;
  res
    .status(o.status ?? 200)
    .type('html')
    .send(page({ title: 'ログイン', body, notice: o.notice, municipalityName: o.municipalityName }));
}

/** The authenticator's answer from the hidden field; anything but a JSON object is no answer (the login refuses it). */
function parseAssertion(s: string | undefined): Record<string, unknown> | undefined {
  if (!s) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Login (ID, password, registered terminal, and the terminal's biometric authenticator), logout and the idle notice. */
export function installLoginRoutes(
  r: Router,
  deps: { orm: MikroORM; municipalityName: string; config: Pick<AppConfig, 'staffAuth'> },
  session: RequestHandler,
) {
  const { orm } = deps;
  const municipalityName = deps.municipalityName;
  const webauthn = deps.config.staffAuth.secondFactor === 'webauthn';
  // the form carries the WebAuthn answer as a JSON string in a hidden field
  const formSchema = {
    ...LoginRequestSchema,
    properties: { ...LoginRequestSchema.properties, assertion: { type: 'string', maxLength: 16_000 } },
  };
  r.get('/login', (req, res) => {
    const notice: Notice | undefined =
      req.query.expired === '1'
        ? { kind: 'info', text: '一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。' }
        : req.query.loggedOut === '1'
          ? { kind: 'ok', text: 'ログアウトしました。' }
          : req.query.enrolled === '1'
            ? { kind: 'ok', text: '生体認証を登録しました。ログインしてください。' }
            : undefined;
    renderLogin(req, res, { notice, municipalityName, webauthn });
  });

  // the first security administrator's enrolment with the installer's one-time code (README "Security")
  r.get('/login/enrol', (_req, res) => {
    const body = html`<form class="login" id="enrol" data-enrol data-enrol-options="/api/auth/enrolment/options" data-enrol-submit="/api/auth/enrolment" data-enrol-done="/login?enrolled=1" novalidate>
      <div class="field"><label for="f-code">登録コード</label><input id="f-code" name="code" type="text" maxlength="24" required autocomplete="off" autofocus></div>
      <p class="hint">設置作業者がサーバーで発行した登録コード（30分有効・1回限り）を入力し、この端末の生体認証（指紋・顔）で本人確認してください。</p>
      <button type="submit" class="btn-primary">生体認証を登録</button>
      <p class="field-error" id="enrol-error" role="alert" hidden></p>
    </form>`;
    res.type('html').send(page({ title: '生体認証の初回登録', body, municipalityName }));
  });

  r.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const userId = typeof body.userId === 'string' ? body.userId.slice(0, 64) : '';
    if (
      !sameSecret(
        typeof body._csrf === 'string' ? body._csrf : undefined,
        parseCookies(req.get('cookie'))[LOGIN_CSRF_COOKIE] ?? '\0',
      )
    ) {
      const em = orm.em.fork();
      audit(em, {
        actorId: userId || 'unknown',
        actorRoles: [],
        ip: req.ip,
        action: AuditAction.DENIED,
        function: 'POST /login',
        outcome: 'denied',
        detail: { reason: 'CSRF' },
      });
      await em.flush();
      return renderLogin(req, res, {
        status: 403,
        userId,
        municipalityName,
        webauthn,
        notice: { kind: 'error', text: 'ログイン画面の有効期限が切れました。もう一度入力してください。' },
      });
    }
    const v = validateForm<Omit<LoginRequest, 'assertion'> & { assertion?: string }>(formSchema, body, messages, [
      'password',
    ]);
    if (!v.ok)
      return renderLogin(req, res, {
        status: 400,
        userId,
        municipalityName,
        webauthn,
        errors: v.errors,
        notice: { kind: 'error', text: '入力内容を確認してください。' },
      });
    try {
      const result = await login(deps, { ...v.value, assertion: parseAssertion(v.value.assertion) }, req.ip);
      res.append('Set-Cookie', cookieHeader(SESSION_COOKIE, result.token, { secure: secureCookie(req) }));
      res.append(
        'Set-Cookie',
        cookieHeader(TERMINAL_COOKIE, v.value.terminalId, { secure: secureCookie(req), maxAgeSec: 365 * 86400 }),
      );
      res.append(
        'Set-Cookie',
        cookieHeader(LOGIN_CSRF_COOKIE, '', { secure: secureCookie(req), path: '/login', maxAgeSec: 0 }),
      );
      res.redirect(303, '/');
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      renderLogin(req, res, {
        status: e.status,
        userId,
        terminalId: v.value.terminalId,
        municipalityName,
        webauthn,
        notice: { kind: 'error', text: e.message },
      });
    }
  });

  r.post('/logout', session, async (req, res) => {
    const ctx = webOf(res);
    await logout(orm, ctx.staff, ctx.token);
    res.append('Set-Cookie', clearSessionCookie(req));
    res.redirect(303, '/login?loggedOut=1');
  });
}
