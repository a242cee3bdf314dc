import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import { signingCertRefusal } from '../../domain/card-status';
import { CaseStatus } from '../../domain/case-status';
import { ageOn, isIsoDate, jstDate } from '../../domain/dates';
import { can } from '../../domain/roles';
import { MyNumberCard, Resident } from '../../db/entities';
import { fullKana, fullName } from '../../db/registry-lookup';
import type { CaseView } from '../../api/case-service';
import { ApiError } from '../../api/errors';
import { allowedActionsOf } from '../../api/web/case-actions-ui';
import { setFlash } from '../../api/web/flash';
import { wareki } from '../../api/web/format';
import { html, type SafeHtml } from '../../api/web/html';
import { mapFieldErrors, type MappedErrors } from '../../api/web/intake/field-errors';
import {
  checkboxField,
  errorSummary,
  fieldId,
  radioGroup,
  selectField,
  type Errors,
} from '../../api/web/intake/form-controls';
import { formValues, type FormValues } from '../../api/web/intake/form-input';
import { formRequestId } from '../../api/web/intake/intake-submit';
import { cardStatusLabel, sexText } from '../../api/web/labels';
import { formGuards, page } from '../../api/web/layout';
import { attempt, refusalNotice } from '../../api/web/pages/action-routes';
import type { PanelContext, ProcedurePanel } from '../../api/web/panels/panel-types';
import { auditInquiry } from '../../api/web/queries/case-registry';
import { requireWebRole } from '../../api/web/web-auth';
import { WebError, webOf, type WebContext } from '../../api/web/web-context';
import type { WebDeps } from '../../api/web/web-deps';
import { cardIssuanceDefinition } from './definition';
import { handoverBody, handoverErrorMapping, handoverErrors } from './handover-form';
import type { HandoverFacts } from './rules';
import { proxyReasonLabel, SigningCertNotIssuedReason, type StoredCardIssuance } from './schema';

const CASE_ID = /^[A-Za-z0-9-]{1,64}$/;
const NO_ERRORS: MappedErrors = { byField: {}, summary: [] };
const HANDOVER_STATES: readonly string[] = [CaseStatus.AWAITING_REVIEW, CaseStatus.CONTACT_REQUESTED];

export const handoverPath = (caseId: string): string => `/cases/${encodeURIComponent(caseId)}/handover`;

/** A card case waiting for the visit (its 審査 step is the handover). */
export const awaitingHandover = (c: { procedure: string; status: string }): boolean =>
  c.procedure === cardIssuanceDefinition.code && HANDOVER_STATES.includes(c.status);

/** The case offers the handover to this user (the generic 審査 button is replaced by the checklist). */
export const handoverOpen = (view: Pick<CaseView, 'procedure' | 'status' | 'allowedActions'>): boolean =>
  awaitingHandover(view) && allowedActionsOf(view).includes('confirm-review');

const IDENTITY_METHODS = [
  ['photoId', '顔写真付きの本人確認書類1点（運転免許証・旅券・在留カード等）とカードの顔写真で確認した'],
  ['twoDocuments', '顔写真のない本人確認書類2点（健康保険証・年金手帳等）とカードの顔写真で確認した'],
  ['interview', '交付通知書と聞き取り（照会）で確認した'],
] as const;
const NOT_ISSUED_REASONS: ReadonlyArray<readonly [string, string]> = [
  [SigningCertNotIssuedReason.NOT_REQUESTED, '本人が希望しない'],
  [SigningCertNotIssuedReason.UNDER_15, '15歳未満'],
  [SigningCertNotIssuedReason.ADULT_WARD, '成年被後見人'],
  [SigningCertNotIssuedReason.NOT_ON_CARD, 'カードに搭載されていない'],
];

/** What the screen shows of the card and its holder (an audited inquiry), and the facts the handover rules need. */
interface Holder {
  view: CaseView;
  card: MyNumberCard;
  person: Resident;
  facts: HandoverFacts;
  age?: number;
  refusal?: string;
}

async function loadHolder(deps: WebDeps, res: Response, caseId: string, fn: string): Promise<Holder> {
  const ctx = webOf(res);
  if (!CASE_ID.test(caseId)) throw new WebError(404, '案件が見つかりません。');
  const view = await deps.services.cases.read(ctx.staff, caseId).catch((e: unknown) => {
    if (!(e instanceof ApiError)) throw e;
    throw new WebError(e.status, e.status === 404 ? '案件が見つかりません。' : e.message || '案件を表示できません。');
  });
  if (view.procedure !== cardIssuanceDefinition.code)
    throw new WebError(404, '個人番号カードの交付の案件ではありません。');
  const stored = (view.application ?? {}) as Partial<StoredCardIssuance>;
  const em = deps.orm.em.fork();
  const card = stored.cardId ? await em.findOne(MyNumberCard, { cardId: stored.cardId }) : null;
  const person = stored.addresseeNumber
    ? await em.findOne(Resident, { addresseeNumber: stored.addresseeNumber })
    : null;
  if (!card || !person) throw new WebError(404, 'カードまたは交付を受ける方の記録がありません。');
  auditInquiry(em, ctx.staff, caseId, person.addresseeNumber, fn);
  await em.flush();
  const today = jstDate(ctx.now);
  const facts: HandoverFacts = {
    birthDate: person.birthDate,
    isAdultWard: person.isAdultWard,
    today,
    cardHasSigningCert: card.hasSigningCert,
  };
  return {
    view,
    card,
    person,
    facts,
    age: isIsoDate(person.birthDate) ? ageOn(person.birthDate, today) : undefined, // a 生年月日 may be partly unknown
    refusal: signingCertRefusal(person.birthDate, today, person.isAdultWard),
  };
}

/** The defaults of a fresh checklist: nothing ticked; the 署名用電子証明書 choice follows the rules for this holder. */
function initialValues(h: Holder): FormValues {
  if (!h.card.hasSigningCert) return { signingCert: 'notIssued', notIssuedReason: 'NOT_ON_CARD' };
  if (h.refusal) return { signingCert: 'notIssued', notIssuedReason: h.refusal };
  return {};
}

function holderSection(h: Holder): SafeHtml {
  const p = h.person;
  const rows: Array<[string, string | SafeHtml]> = [
    ['氏名', fullName(p)],
    ['フリガナ', fullKana(p)],
    [
      '生年月日',
      `${wareki(p.birthDate, { seireki: p.isForeignResident })}${h.age === undefined ? '' : `（${h.age}歳）`}`,
    ],
    ['性別', sexText(p.sex)],
    ['住所', [p.address, p.addressSupplement].filter(Boolean).join('　')],
    ['カード管理番号', h.card.cardId],
    ['カードの状態', cardStatusLabel[h.card.status] ?? h.card.status],
    ['保管期限', wareki(h.card.storageLimitDate)],
    ['署名用電子証明書', h.card.hasSigningCert ? '搭載' : '搭載なし'],
  ];
  return html`<section class="panel" aria-labelledby="h-holder"><h2 id="h-holder">交付を受ける方とカード</h2>
    <p class="help">交付通知書・本人確認書類・カードの券面と照合してください。</p>
    <table class="grid compare"><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table>
    ${h.refusal ? html`<p class="notice notice-info" id="signing-cert-rule">${h.refusal === 'UNDER_15' ? '15歳未満の方です。暗証番号は法定代理人が設定し、署名用電子証明書は原則として発行しません。' : '成年被後見人の方です。署名用電子証明書は原則として発行しません。'}</p>` : ''}</section>`;
}

/**
 * The required items for the browser (app.js `data-checklist`): the submit button stays disabled, with the list of
 * what is missing, until each is done. `if`: only when another field has that value. The server checks it all again.
 */
function checklistRules(h: Holder): Array<{ name: string; label: string; if?: string }> {
  return [
    { name: 'visitor', label: '来庁者' },
    { name: 'identityCheckMethod', label: '本人確認の方法' },
    { name: 'issuanceNoticePresented', label: '交付通知書' },
    { name: 'notificationCard', label: '通知カード' },
    { name: 'legacyResidentCard', label: '住基カード' },
    { name: 'proxyReason', label: '代理人交付の理由', if: 'visitor=proxy' },
    { name: 'proxyCannotComeProof', label: '来庁できないことの証明', if: 'visitor=proxy' },
    { name: 'proxyHolderIdentity', label: '本人の本人確認書類', if: 'visitor=proxy' },
    { name: 'proxyIdentity', label: '代理人の本人確認書類', if: 'visitor=proxy' },
    { name: 'proxyRelationshipProof', label: '代理権の確認書類', if: 'visitor=proxy' },
    { name: 'proxySealCertificate', label: '印鑑登録証明書', if: 'visitor=proxy&signingCert=issued' },
    { name: 'pinRegistered', label: '暗証番号の設定' },
    { name: 'signingCert', label: '署名用電子証明書' },
    { name: 'notIssuedReason', label: '発行しない理由', if: 'signingCert=notIssued' },
    ...(h.refusal ? [{ name: 'exceptionReason', label: '例外として発行する理由', if: 'signingCert=issued' }] : []),
  ];
}

/** One checklist item: a numbered box around its control(s). */
const item = (title: string, body: SafeHtml, hint?: string): SafeHtml =>
  html`<li class="check-item"><h3><span class="check-no"></span> ${title}</h3>${hint ? html`<p class="help">${hint}</p>` : ''}${body}</li>`;

function checklistForm(ctx: WebContext, h: Holder, f: FormValues, requestId: string, e: Errors): SafeHtml {
  const action = handoverPath(h.view.caseId);
  const textarea = (name: string, label: string, max: number, hint?: string) => {
    const id = fieldId(name);
    const err = e[name];
    return html`<div class="field field-wide${err ? ' has-error' : ''}"><label for="${id}">${label}</label>
      <textarea id="${id}" name="${name}" rows="2" maxlength="${max}"${err ? html` aria-invalid="true" aria-describedby="${id}-e"` : ''}>${f[name] ?? ''}</textarea>
      ${hint ? html`<p class="hint">${hint}</p>` : ''}${err ? html`<p class="field-error" id="${id}-e">${err}</p>` : ''}</div>`;
  };
  return html`<form method="post" action="${action}" id="handover-form" class="checklist" data-checklist="${JSON.stringify(checklistRules(h))}" novalidate>
    ${formGuards(ctx, requestId)}
    <ol class="check-items">
    ${item(
      '来庁者と本人確認',
      html`${radioGroup(
        {
          name: 'visitor',
          legend: '来庁者',
          value: f.visitor,
          required: true,
          options: [
            ['self', '本人（15歳未満・成年被後見人は法定代理人の同行）'],
            ['proxy', '代理人（本人が来庁できない場合のみ）'],
          ],
        },
        e,
      )}
      ${radioGroup({ name: 'identityCheckMethod', legend: '本人確認の方法', value: f.identityCheckMethod, required: true, options: IDENTITY_METHODS }, e)}`,
    )}
    ${item('交付通知書', checkboxField({ name: 'issuanceNoticePresented', label: '交付通知書の提示を受け、回収した', checked: f.issuanceNoticePresented === '1' }, e))}
    ${item(
      '通知カード',
      radioGroup(
        {
          name: 'notificationCard',
          legend: '通知カード',
          value: f.notificationCard,
          required: true,
          options: [
            ['collected', '回収した'],
            ['none', '持っていない（紛失・未交付を含む）'],
          ],
        },
        e,
      ),
    )}
    ${item(
      '住民基本台帳カード',
      radioGroup(
        {
          name: 'legacyResidentCard',
          legend: '住基カード',
          value: f.legacyResidentCard,
          required: true,
          options: [
            ['collectedAndAbolished', '廃止し、回収した（裁断して廃棄）'],
            ['none', '持っていない'],
          ],
        },
        e,
      ),
    )}
    <li class="check-item" id="proxy-item" data-show-if="visitor=proxy"><h3><span class="check-no"></span> 代理人交付（代理人が来庁した場合のみ）</h3>
      <p class="help">本人が病気・けが・身体の障害・長期入院・施設入所のため来庁できない場合に限ります。</p>
      ${selectField({ name: 'proxyReason', label: '本人が来庁できない理由', value: f.proxyReason, empty: '（選んでください）', options: Object.entries(proxyReasonLabel) }, e)}
      ${checkboxField({ name: 'proxyCannotComeProof', label: '来庁できないことの証明（診断書・施設の証明等）を確認した', checked: f.proxyCannotComeProof === '1' }, e)}
      ${checkboxField({ name: 'proxyHolderIdentity', label: '本人の本人確認書類を確認した', checked: f.proxyHolderIdentity === '1' }, e)}
      ${checkboxField({ name: 'proxyIdentity', label: '代理人の顔写真付き本人確認書類を確認した', checked: f.proxyIdentity === '1' }, e)}
      ${checkboxField({ name: 'proxyRelationshipProof', label: '代理権の確認書類（委任状・戸籍謄本等）を確認した', checked: f.proxyRelationshipProof === '1' }, e)}
      ${checkboxField({ name: 'proxySealCertificate', label: '本人の印鑑登録証明書（発行から3か月以内）を確認した（署名用電子証明書を発行する場合）', checked: f.proxySealCertificate === '1' }, e)}
    </li>
    ${item(
      '暗証番号の設定',
      checkboxField(
        {
          name: 'pinRegistered',
          label:
            '暗証番号（署名用・利用者証明用・住民基本台帳用・券面事項入力補助用）を、本人（15歳未満は法定代理人）が窓口の端末で設定した',
          checked: f.pinRegistered === '1',
        },
        e,
      ),
      '暗証番号はこの画面に入力しません。職員は暗証番号を見聞きせず、設定が済んだことだけを記録します。',
    )}
    ${item(
      '署名用電子証明書',
      html`${radioGroup(
        {
          name: 'signingCert',
          legend: '署名用電子証明書',
          value: f.signingCert,
          required: true,
          options: [
            ['issued', '発行した'],
            ['notIssued', '発行しない'],
          ],
        },
        e,
      )}
      <div data-show-if="signingCert=notIssued">${selectField({ name: 'notIssuedReason', label: '発行しない理由', value: f.notIssuedReason, empty: '（発行しない場合に選んでください）', options: NOT_ISSUED_REASONS }, e)}</div>
      ${h.refusal ? html`<div data-show-if="signingCert=issued">${textarea('exceptionReason', '例外として発行する理由（15歳未満・成年被後見人に発行する場合のみ）', 200)}</div>` : ''}`,
    )}
    </ol>
    ${textarea('reason', '備考（任意）', 500)}
    <p class="checklist-status" id="checklist-status" role="status" aria-live="polite"></p>
    <div class="form-actions"><button type="submit" class="btn-primary" id="handover-submit">交付を記録して決裁へ回す</button>
      <a href="/cases/${encodeURIComponent(h.view.caseId)}">案件の画面へ戻る</a></div>
  </form>`;
}

function render(res: Response, deps: WebDeps, h: Holder, f: FormValues, requestId: string, errors: MappedErrors) {
  const ctx = webOf(res);
  const body = html`${errorSummary(errors.summary, errors.byField, '交付は記録していません。')}
    <p class="help">チェックリストのすべての項目を確認すると「交付を記録して決裁へ回す」を押せます。記録した内容は別の職員が決裁し、決裁後にカードの交付を J-LIS へ通知します。</p>
    <div class="case-layout"><div class="case-main">${checklistForm(ctx, h, f, requestId, errors.byField)}</div>
    <aside class="case-side">${holderSection(h)}</aside></div>`;
  res
    .status(errors.summary.length ? 422 : 200)
    .type('html')
    .send(
      page({
        title: `個人番号カードの交付（案件 ${h.view.caseId}）`,
        ctx,
        body,
        municipalityName: deps.config.municipalityName,
      }),
    );
}

/**
 * The handover screen (交付, domain spec §4.8 steps 3–4): the checklist of the visit, posted as the card case's
 * `confirm-review` step through the same in-process service as the JSON API (the handover schema and rules, role
 * gate, the workflow's validators, audit); every problem is shown at once, nothing is stored on a refusal, and the
 * case then waits for 決裁 by another person on the usual screens.
 */
export function installHandoverRoutes(r: Router, deps: WebDeps, session: RequestHandler): void {
  const gate = requireWebRole(deps.orm, can.enterCase, 'GET /cases/:caseId/handover');
  const open = async (req: Request, res: Response, fn: string): Promise<Holder> => {
    const h = await loadHolder(deps, res, String(req.params.caseId), fn);
    if (!handoverOpen(h.view))
      throw new WebError(
        409,
        `この案件は今、交付の記録を受け付けていません（状態：${webOf(res).labels.statusText(h.view.status)}）。`,
        'NOT_IN_STEP',
      );
    return h;
  };

  r.get('/cases/:caseId/handover', session, gate, async (req, res) => {
    const h = await open(req, res, 'GET /cases/:caseId/handover');
    render(res, deps, h, initialValues(h), randomUUID(), NO_ERRORS);
  });

  r.post('/cases/:caseId/handover', session, gate, async (req, res) => {
    const h = await open(req, res, 'POST /cases/:caseId/handover');
    const f = formValues(req.body);
    const requestId = formRequestId(req.body) ?? randomUUID();
    const body = handoverBody(f);
    const problems = handoverErrors(f, body, h.facts);
    if (problems.summary.length) return render(res, deps, h, f, requestId, problems);
    const answer = await attempt(() =>
      deps.services.cases.act(webOf(res).staff, h.view.caseId, 'confirm-review', body, requestId),
    );
    if (!answer.ok) {
      const refused = answer.body.errors?.length
        ? mapFieldErrors(answer.body.errors, handoverErrorMapping)
        : { byField: {}, summary: [`交付を記録できませんでした：${refusalNotice(answer.status, answer.body)}`] };
      return render(res, deps, h, f, requestId, refused);
    }
    setFlash(req, res, {
      kind: 'ok',
      text: `${h.view.caseId}：交付の確認事項を記録し、決裁に回しました。決裁は別の職員が行います。`,
    });
    res.redirect(303, `/cases/${encodeURIComponent(h.view.caseId)}`);
  });
}

/**
 * The card case's screen: the generic 審査 button is replaced by the handover checklist (a link to it while the case
 * waits for the visit and this user may record it).
 */
export const handoverPanelParts: Pick<ProcedurePanel, 'withheldActions' | 'extra'> = {
  withheldActions: () => [
    {
      action: 'confirm-review',
      reason: '交付は「交付の手続（チェックリスト）」で、来庁時の確認事項を記録して決裁に回します。',
    },
  ],
  extra: async (p: PanelContext) =>
    handoverOpen(p.view)
      ? html`<section class="panel" aria-labelledby="h-handover"><h2 id="h-handover">交付（窓口）</h2>
    <p class="help">カードは交付の準備ができています。来庁された方の確認事項をチェックリストで記録し、決裁に回してください。</p>
    <p><a class="btn-link-big btn-primary" id="handover-link" href="${handoverPath(p.view.caseId)}">交付の手続（チェックリスト）</a></p></section>`
      : undefined,
};
