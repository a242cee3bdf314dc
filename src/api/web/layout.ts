import { can, Role } from '../../domain/roles';
import { SESSION_IDLE_MS } from '../auth';
import { html, type HtmlValue, type SafeHtml } from './html';
import { rolesText } from './labels';
import type { WebContext } from './web-context';

export interface Notice {
  kind: 'ok' | 'error' | 'info';
  text: string;
  details?: string[];
  /** Field-level errors for the form `formId` (shown beside the fields when the page renders that form). */
  formId?: string;
  fieldErrors?: Record<string, string>;
}

export interface PageOptions {
  title: string;
  body: HtmlValue;
  ctx?: WebContext; // absent on the login page
  municipalityName?: string;
  notice?: Notice;
}

const NAV: ReadonlyArray<{ href: string; label: string; key: string; show: (roles: readonly Role[]) => boolean }> = [
  { href: '/queues', label: '業務キュー', key: 'q', show: (r) => can.readCases(r) },
  { href: '/intake', label: '届出の受付', key: 'u', show: (r) => can.enterCase(r) },
  { href: '/search', label: '住民検索', key: 's', show: (r) => can.enterCase(r) || can.approve(r) },
  { href: '/cards', label: 'カード交付', key: 'c', show: (r) => can.enterCase(r) || can.superviseCases(r) },
  { href: '/supervisor', label: '監督者コンソール', key: 'k', show: (r) => can.superviseCases(r) },
  { href: '/dashboard', label: 'ダッシュボード', key: 'd', show: (r) => can.readCases(r) },
  { href: '/support-measures', label: '支援措置・抑止', key: 'm', show: (r) => can.manageSupportMeasures(r) },
  { href: '/audit', label: '監査ログ', key: 'l', show: (r) => r.includes(Role.AUDITOR) },
  { href: '/admin/users', label: '職員管理', key: 'i', show: (r) => can.administerStaffAuth(r) },
  { href: '/staff-auth', label: '端末・生体認証', key: 'a', show: (r) => can.administerStaffAuth(r) },
];

export const noticeBox = (n: Notice | undefined): SafeHtml | undefined =>
  n &&
  html`<div class="notice notice-${n.kind}" role="${n.kind === 'error' ? 'alert' : 'status'}" tabindex="-1" id="notice">
    <p>${n.text}</p>${n.details?.length ? html`<ul>${n.details.map((d) => html`<li>${d}</li>`)}</ul>` : ''}</div>`;

/** The page shell: header with the logged-in user and roles, keyboard-reachable navigation, main content. */
export function page(o: PageOptions): string {
  const ctx = o.ctx;
  const nav =
    ctx &&
    html`<nav class="nav" aria-label="メインメニュー"><ul>${NAV.filter((n) => n.show(ctx.staff.roles)).map(
      (n) => html`
    <li><a href="${n.href}" accesskey="${n.key}"${ctx.path.startsWith(n.href) ? html` aria-current="page"` : ''}>${n.label}<kbd>Alt+${n.key.toUpperCase()}</kbd></a></li>`,
    )}</ul></nav>`;
  const user =
    ctx &&
    html`<div class="user" aria-label="ログイン中の職員">
    <span class="user-name">${ctx.staff.displayName}（${ctx.staff.userId}）</span>
    <span class="user-roles">${rolesText(ctx.staff.roles)}</span>
    <span class="user-terminal">端末 ${ctx.staff.terminalId}</span>
    <a href="/password" class="btn-small">パスワード変更</a>
    <form method="post" action="/logout" class="inline"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit" class="btn-small">ログアウト</button></form>
  </div>`;
  const doc = html`<!doctype html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${o.title}｜住民記録 案件管理</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
<script src="/static/forms.js" defer></script>
</head>
<body${ctx ? html` data-idle-ms="${SESSION_IDLE_MS}" data-csrf="${ctx.csrf}"` : ''}>
<a class="skip" href="#main">本文へ移動</a>
<header class="top">
  <div class="brand"><span class="brand-town">${o.municipalityName ?? ''}</span> 住民記録 案件管理</div>
  ${user}
</header>
${nav}
<main id="main" tabindex="-1">
<h1>${o.title}</h1>
${noticeBox(o.notice)}
${o.body}
</main>
<footer class="foot"><span>画面の内容は業務上必要な範囲で利用してください（閲覧は記録されます）。</span>${ctx ? html`<span class="kbd-help">ショートカット: <kbd>Alt</kbd>+文字 メニュー ・ <kbd>/</kbd> 検索欄へ ・ <kbd>j</kbd>/<kbd>k</kbd> 行の移動 ・ <kbd>Enter</kbd> 開く</span>` : ''}</footer>
</body>
</html>`;
  return doc.value;
}

/** Hidden fields every state-changing form carries: the CSRF token and a per-render request ID (double submit = once). */
export const formGuards = (ctx: WebContext, requestId: string): SafeHtml =>
  html`<input type="hidden" name="_csrf" value="${ctx.csrf}"><input type="hidden" name="requestId" value="${requestId}">${ctx.correction ? correctionBanner(ctx.correction) : ''}`;

/** An intake form correcting a returned case: the case it corrects (posted back) and the 差戻し reason at the top. */
const correctionBanner = (c: { caseId: string; reason?: string }): SafeHtml =>
  html`<input type="hidden" name="correctCaseId" value="${c.caseId}"><div class="notice notice-error" id="correction-banner" role="note"><p><strong>差戻しされた案件 ${c.caseId} の訂正</strong>：内容を直して「受付する」を押すと、訂正した申請で決裁へ再提出します（前の申請は記録に残ります）。</p>${c.reason ? html`<p>差戻しの理由：<span id="correction-reason">${c.reason}</span></p>` : ''}</div>`;
