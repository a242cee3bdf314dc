import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { setFlash } from '../../api/web/flash';
import { html, type SafeHtml } from '../../api/web/html';
import { formGuards, page } from '../../api/web/layout';
import { webOf, type WebContext } from '../../api/web/web-context';
import type { MappedErrors } from '../../api/web/intake/field-errors';
import {
  checkboxField,
  certificateRequestSection,
  errorSummary,
  radioGroup,
  RELATIONSHIP_OPTIONS,
  selectField,
  SEX_OPTIONS,
  textField,
  type Errors,
} from '../../api/web/intake/form-controls';
import { formValues, type FormValues } from '../../api/web/intake/form-input';
import { findHeldByName, prefillFromHeld, type HeldMatch } from './held-prefill';
import { compileSchema } from '../../domain/ajv';
import { formatBirthDate } from '../../domain/dates';
import { wareki } from '../../api/web/format';
import { formRequestId, intakeDoneText, submitIntake } from '../../api/web/intake/intake-submit';
import { correctionPrefill, postedForm } from '../../api/web/intake/correction';
import type { WebDeps } from '../../api/web/web-deps';
import { removeRow } from '../move-in/routes';
import { MAX_PERSONS, specialMoveInBody, specialMoveInErrorMapping } from './form';

/** The boundary schema of the held-certificate search (the form field `heldName`). */
const validHeldSearch = compileSchema<{ heldName: string }>({
  type: 'object',
  additionalProperties: false,
  required: ['heldName'],
  properties: { heldName: { type: 'string', minLength: 1, maxLength: 100 } },
});

const NO_ERRORS: MappedErrors = { byField: {}, summary: [] };
const HELD_ID = /^HC-[A-Za-z0-9-]{1,40}$/;

function personRow(i: number, f: FormValues, e: Errors, rows: number): SafeHtml {
  const k = (n: string) => `p${i}.${n}`;
  return html`<fieldset class="mover" id="f-p${i}" data-row="${i}"><legend>転入者 <span class="row-no">${i + 1}</span></legend>
    ${e[`p${i}`] ? html`<p class="field-error" id="f-p${i}-e">${e[`p${i}`]}</p>` : ''}<div class="grid-fields">
    ${textField({ name: k('residentRecordCode'), label: '住民票コード（カードの記録）', value: f[k('residentRecordCode')], required: true, inputmode: 'numeric', maxlength: 15 }, e)}
    ${textField({ name: k('familyName'), label: '氏', value: f[k('familyName')], required: true, maxlength: 50 }, e)}
    ${textField({ name: k('givenName'), label: '名', value: f[k('givenName')], required: true, maxlength: 50 }, e)}
    ${textField({ name: k('birthDate'), label: '生年月日', value: f[k('birthDate')], required: true, hint: '和暦・西暦どちらでも（一部不詳は 昭和20年8月・昭和20年・不詳）', maxlength: 20 }, e)}
    ${selectField({ name: k('sex'), label: '性別', value: f[k('sex')], options: SEX_OPTIONS, required: true, empty: '選択してください' }, e)}
    ${selectField({ name: k('relationshipToHead'), label: '続柄（転入後の世帯）', value: f[k('relationshipToHead')], options: RELATIONSHIP_OPTIONS, required: true, empty: '選択してください' }, e)}
    ${checkboxField({ name: k('cardPresented'), label: '本人の個人番号カードの提示あり（継続利用）', checked: f[k('cardPresented')] === '1' }, e)}
    </div><button type="submit" name="op" value="remove-${i}" class="btn-small row-remove"${rows <= 1 ? html` disabled` : ''} formnovalidate>この転入者を削除</button></fieldset>`;
}

interface HeldSearch {
  typed?: string;
  matches?: HeldMatch[];
  error?: string;
}

/** 保管中の転出証明書情報を氏名で探す (issue 14 bug 9): for a person who comes without a 来庁予定日. POST: no name in a URL. */
function heldSearchSection(ctx: WebContext, s: HeldSearch): SafeHtml {
  return html`<section class="panel" aria-labelledby="h-held"><h2 id="h-held">保管中の転出証明書情報を氏名で探す</h2>
    <form method="post" action="/intake/special-move-in/find-held" class="held-search">${formGuards(ctx, randomUUID())}
      <div class="field${s.error ? ' has-error' : ''}"><label for="f-heldName">氏名またはフリガナ（一部でも可）</label>
      <input id="f-heldName" name="heldName" type="text" maxlength="100" autocomplete="off" value="${s.typed ?? ''}"${s.error ? html` aria-invalid="true" aria-describedby="f-heldName-e"` : ''}>
      ${s.error ? html`<p class="field-error" id="f-heldName-e">${s.error}</p>` : ''}</div>
      <button type="submit">検索</button></form>
    ${
      s.matches === undefined
        ? ''
        : s.matches.length
          ? html`<table class="grid" id="held-results"><thead><tr><th scope="col">氏名</th><th scope="col">フリガナ</th><th scope="col">生年月日</th><th scope="col">転出地</th><th scope="col">転出予定日</th><th scope="col">来庁予定日</th><th scope="col">操作</th></tr></thead><tbody>
      ${s.matches.map(
        (
          m,
        ) => html`<tr><td>${m.name}</td><td>${m.nameKana}</td><td>${formatBirthDate(m.birthDate)}</td><td>${m.origin}</td><td>${wareki(m.plannedMoveOutDate)}</td><td>${m.plannedVisitDate ? wareki(m.plannedVisitDate) : '—'}</td>
        <td><a class="btn-link special-intake" href="/intake/special-move-in?held=${encodeURIComponent(m.heldId)}">この情報で受付</a></td></tr>`,
      )}</tbody></table>`
          : html`<p class="empty" role="status">該当する保管中の転出証明書情報はありません。</p>`
    }</section>`;
}

function specialForm(
  ctx: WebContext,
  f: FormValues,
  rows: number,
  requestId: string,
  errors: MappedErrors,
  search: HeldSearch = {},
): SafeHtml {
  const e = errors.byField;
  return html`${errorSummary(errors.summary, e)}
  ${f.held ? '' : heldSearchSection(ctx, search)}
  ${
    f.held
      ? html`<p class="notice notice-info">保管中の転出証明書情報（${f.held}）から入力しました。個人番号カードの記録と照合し、違いがあれば訂正してください。個人番号は転出証明書情報から取り込みます（画面には表示しません）。</p>`
      : html`<p class="help">個人番号カードの記録を入力してください。転出証明書情報が届いていない場合は、受付後に転出地へ送信依頼を送り、到着を待ちます。</p>`
  }
  <form method="post" action="/intake/special-move-in" class="intake" id="intake-special-move-in" novalidate data-rows-prefix="p" data-max-rows="${MAX_PERSONS}">
    <button type="submit" name="op" value="submit" class="sr-only" tabindex="-1" aria-hidden="true">受付する</button>
    ${formGuards(ctx, requestId)}<input type="hidden" name="rows" value="${rows}">${f.held ? html`<input type="hidden" name="held" value="${f.held}">` : ''}
    <section class="panel" aria-labelledby="h-persons"><h2 id="h-persons">転入者（個人番号カードの提示）</h2>
      ${e.persons ? html`<p class="field-error" id="f-persons-e">${e.persons}</p>` : ''}
      <div class="mover-rows" id="f-persons">${Array.from({ length: rows }, (_, i) => personRow(i, f, e, rows))}</div>
      <button type="submit" name="op" value="add" class="row-add"${rows >= MAX_PERSONS ? html` disabled` : ''} formnovalidate>＋ 転入者を追加</button></section>
    <section class="panel" aria-labelledby="h-addr"><h2 id="h-addr">転出地・新しい住所・転入日</h2><div class="grid-fields">
      ${textField({ name: 'originMunicipalityCode', label: '転出地の市区町村コード', value: f.originMunicipalityCode, required: true, inputmode: 'numeric', maxlength: 8, size: 'narrow', hint: '6桁（5桁でも可）' }, e)}
      ${textField({ name: 'address', label: '住所', value: f.address, required: true, maxlength: 200, size: 'wide' }, e)}
      ${textField({ name: 'addressSupplement', label: '方書', value: f.addressSupplement, maxlength: 100 }, e)}
      ${textField({ name: 'postalCode', label: '郵便番号', value: f.postalCode, inputmode: 'numeric', maxlength: 10, size: 'narrow' }, e)}
      ${textField({ name: 'moveInDate', label: '転入日', value: f.moveInDate, required: true, hint: '本日以前。特例転入は転入日から14日以内かつ転出予定日から30日以内', maxlength: 20 }, e)}
      ${textField({ name: 'notificationDate', label: '届出日', value: f.notificationDate, hint: '空欄は本日', maxlength: 20 }, e)}
    </div></section>
    <section class="panel" aria-labelledby="h-hh"><h2 id="h-hh">世帯と届出人</h2><div class="grid-fields">
      ${radioGroup(
        {
          name: 'householdMode',
          legend: '世帯の指定',
          value: f.householdMode ?? 'new',
          options: [
            ['new', '新しい世帯をつくる'],
            ['join', '既存の世帯に入る'],
          ],
          required: true,
        },
        e,
      )}
      ${textField({ name: 'householdNumber', label: '入る世帯の世帯番号（7桁）', value: f.householdNumber, inputmode: 'numeric', maxlength: 9, size: 'narrow' }, e)}
      ${radioGroup(
        {
          name: 'notifierKind',
          legend: '届出人（カードを提示した方）',
          value: f.notifierKind,
          options: [
            ['self', '本人'],
            ['householdMember', '同一世帯の世帯主（カード所持）'],
          ],
          required: true,
        },
        e,
      )}
    </div></section>
    ${certificateRequestSection(f, e)}
    <div class="form-actions"><button type="submit" name="op" value="submit" class="btn-primary">受付する（仮登録）</button> <a href="/intake">取りやめる</a></div>
  </form>`;
}

/** 特例転入届: empty (card data typed in) or pre-filled from a held 転出証明書情報 (?held=HC-…, an ID, not personal data). */
export function installSpecialMoveInRoutes(r: Router, deps: WebDeps, session: RequestHandler, gate: RequestHandler) {
  const render = (
    res: Response,
    f: FormValues,
    rows: number,
    requestId: string,
    errors: MappedErrors,
    status = 200,
    search: HeldSearch = {},
  ) =>
    res
      .status(status)
      .type('html')
      .send(
        page({
          title: '特例転入届の受付',
          ctx: webOf(res),
          municipalityName: deps.config.municipalityName,
          body: specialForm(webOf(res), f, rows, requestId, errors, search),
        }),
      );

  r.get('/intake/special-move-in', session, gate, async (req, res) => {
    // ?correct=<caseId>: a returned case, pre-filled from its stored application (訂正して再提出)
    const correction = await correctionPrefill(deps, req, res);
    if (correction) return render(res, correction, Number(correction.rows ?? 1), randomUUID(), NO_ERRORS);
    const held = typeof req.query.held === 'string' && HELD_ID.test(req.query.held) ? req.query.held : undefined;
    const f = held ? await prefillFromHeld(deps.orm, deps.pii, webOf(res).staff, held) : {};
    if (held && !f) {
      const text =
        'この転出証明書情報は保管中ではありません（使用済み・消去済み・処理中）。個人番号カードの記録から入力してください。';
      return render(res, {}, 1, randomUUID(), { byField: { _form: text }, summary: [text] }, 409);
    }
    render(res, f ?? {}, Number(f?.rows ?? 1), randomUUID(), NO_ERRORS);
  });

  r.post('/intake/special-move-in/find-held', session, gate, async (req: Request, res: Response) => {
    const v = validHeldSearch({ heldName: formValues(req.body).heldName });
    if (!v.ok) {
      const error = '氏名またはフリガナを入力してください（100文字まで）';
      return render(res, {}, 1, randomUUID(), NO_ERRORS, 400, { error });
    }
    const matches = await findHeldByName(deps.orm, deps.pii, webOf(res).staff, v.value.heldName);
    render(res, {}, 1, randomUUID(), NO_ERRORS, 200, { typed: v.value.heldName, matches });
  });

  r.post('/intake/special-move-in', session, gate, async (req: Request, res: Response) => {
    const f = await postedForm(deps, req, res, formValues(req.body));
    const requestId = formRequestId(req.body) ?? randomUUID();
    const op = f.op ?? 'submit';
    const { body, rows } = specialMoveInBody(f);
    if (op === 'add') return render(res, f, Math.min(rows + 1, MAX_PERSONS), requestId, NO_ERRORS);
    const remove = /^remove-(\d+)$/.exec(op);
    if (remove && rows > 1) return render(res, removeRow(f, 'p', Number(remove[1])), rows - 1, requestId, NO_ERRORS);
    const outcome = await submitIntake(
      deps.services,
      webOf(res),
      'special-move-in',
      body,
      requestId,
      specialMoveInErrorMapping,
    );
    if (!outcome.ok) return render(res, f, rows, requestId, outcome.errors, outcome.status);
    setFlash(req, res, { kind: 'ok', text: intakeDoneText(outcome, '特例転入届') });
    res.redirect(303, `/cases/${encodeURIComponent(outcome.caseId)}`);
  });
}
