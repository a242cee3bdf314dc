import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Request, RequestHandler, Response, Router } from 'express';
import { jstDate } from '../../../domain/dates';
import { can } from '../../../domain/roles';
import {
  checkEnding,
  checkExtension,
  kindLabel,
  MeasureKind,
  MeasureState,
  processLabel,
  stateLabel,
  type MeasureProcess,
} from '../../../domain/support-measures';
import { Resident } from '../../../db/entities';
import type { ApiServices } from '../../services';
import type { MeasureView } from '../../support-measures-service';
import { timeEl } from '../components';
import { setFlash, takeFlash } from '../flash';
import { wareki } from '../format';
import { html, type SafeHtml } from '../html';
import { mapFieldErrors, type ErrorMapping, type MappedErrors } from '../intake/field-errors';
import { errorSummary, radioGroup, selectField, SEX_OPTIONS, textField } from '../intake/form-controls';
import { checked, dateOf, formValues, type FormValues } from '../intake/form-input';
import { formGuards, page, type Notice } from '../layout';
import { auditInquiry } from '../queries/case-registry';
import { requireWebRole } from '../web-auth';
import { WebError, webOf, type WebContext } from '../web-context';
import { attempt, refusalNotice } from './action-routes';

/**
 * 支援措置・抑止の管理 (domain.md §8.6), for the 支援措置責任者 only: the register with state and period alerts (final
 * month, expired), entering one for a resident opened from the search, confirming another user's change
 * (four-eyes), extending, ending and 一時解除. Every form goes through the same service as /api/support-measures.
 */
export interface SupportPageDeps {
  orm: MikroORM;
  municipalityName: string;
  services: ApiServices;
}

const PROCESSES: ReadonlyArray<readonly [MeasureProcess, string]> = [
  ['CERTIFICATE', '証明書発行'],
  ['INQUIRY', '照会'],
  ['CHANGE', '異動'],
];

const mapping: ErrorMapping = {
  pointers: {
    '/kind': 'kind',
    '/targetAddresseeNumber': '_form',
    '/companionAddresseeNumbers': 'companions',
    '/processes': 'processes',
    '/level': 'level',
    '/startDate': 'startDate',
    '/endDate': 'endDate',
    '/applicant': 'applicantRelation',
    '/applicant/relation': 'applicantRelation',
    '/applicant/name': 'applicantName',
    '/perpetrators': 'pName',
    '/perpetrators/0/name': 'pName',
    '/perpetrators/0/birthDate': 'pBirthDate',
    '/perpetrators/0/sex': 'pSex',
    '/perpetrators/0/address': 'pAddress',
  },
  fields: {
    kind: { label: '種別' },
    companions: { label: '併せて支援を求める方' },
    processes: { label: '対象の事務', rules: { minItems: '対象の事務を1つ以上選んでください' } },
    level: { label: '抑止の区分', rules: { const: '支援措置の区分はエラー（交付不可）だけです' } },
    startDate: { label: '開始日' },
    endDate: { label: '終了日', rules: { false: '支援措置の終了日は開始日から1年で自動設定されます' } },
    applicantRelation: { label: '申出者' },
    applicantName: { label: '申出者の氏名' },
    pName: { label: '加害者の氏名' },
    pBirthDate: { label: '加害者の生年月日' },
    pSex: { label: '加害者の性別' },
    pAddress: { label: '加害者の住所' },
  },
};

/** The entry form → the JSON body of POST /api/support-measures. */
export function measureBody(f: FormValues): unknown {
  const perpetrator = {
    ...(f.pName ? { name: f.pName } : {}),
    ...(f.pBirthDate ? { birthDate: dateOf(f.pBirthDate) } : {}),
    ...(f.pSex ? { sex: f.pSex } : {}),
    ...(f.pAddress ? { address: f.pAddress } : {}),
  };
  const companions = Object.keys(f)
    .filter((k) => /^companion\.\d{7}$/.test(k) && checked(f, k))
    .map((k) => k.slice('companion.'.length));
  return {
    kind: f.kind ?? '',
    targetAddresseeNumber: f.addresseeNumber ?? '',
    ...(companions.length ? { companionAddresseeNumbers: companions } : {}),
    processes: PROCESSES.filter(([p]) => checked(f, `process.${p}`)).map(([p]) => p),
    ...(f.kind === MeasureKind.SUPPRESSION && f.level ? { level: f.level } : {}),
    startDate: f.startDate ? dateOf(f.startDate) : '',
    ...(f.kind === MeasureKind.SUPPRESSION && f.endDate ? { endDate: dateOf(f.endDate) } : {}),
    applicant: { relation: f.applicantRelation ?? '', ...(f.applicantName ? { name: f.applicantName } : {}) },
    ...(Object.keys(perpetrator).length ? { perpetrators: [perpetrator] } : {}),
  };
}

const fullName = (r: Resident) => `${r.familyName}　${r.givenName}`;

function entryForm(
  ctx: WebContext,
  person: Resident,
  members: Resident[],
  f: FormValues,
  errors: MappedErrors | undefined,
): SafeHtml {
  const e = errors?.byField ?? {};
  return html`<section class="panel" aria-labelledby="h-enter"><h2 id="h-enter">支援措置・抑止の登録（${fullName(person)}）</h2>
    ${errors ? errorSummary(errors.summary, e, '登録していません。') : ''}
    <p class="help">登録すると確認まで「仮支援措置」として直ちに交付を止めます。別の支援措置責任者が確認すると決定となります（支援措置は開始日から1年、終了日は自動設定）。</p>
    <form method="post" action="/support-measures/enter" id="measure-form" novalidate>${formGuards(ctx, randomUUID())}
    <input type="hidden" name="addresseeNumber" value="${person.addresseeNumber}">
    <div class="grid-fields">
      ${radioGroup(
        {
          name: 'kind',
          legend: '種別',
          value: f.kind,
          options: [
            ['SUPPORT', '支援措置（DV・ストーカー等）'],
            ['SUPPRESSION', '抑止'],
          ],
          required: true,
        },
        e,
      )}
      ${
        members.length
          ? html`<fieldset class="radios${e.companions ? ' has-error' : ''}"><legend>併せて支援を求める方（同じ世帯）</legend>
        ${members.map((m) => html`<label class="choice"><input type="checkbox" name="companion.${m.addresseeNumber}" value="1"${checked(f, `companion.${m.addresseeNumber}`) ? html` checked` : ''}> ${fullName(m)}（${m.relationshipToHead}）</label>`)}
        ${e.companions ? html`<p class="field-error">${e.companions}</p>` : ''}</fieldset>`
          : ''
      }
      <fieldset class="radios${e.processes ? ' has-error' : ''}" id="f-processes"><legend>対象の事務 <span class="req">（必須）</span></legend>
        ${PROCESSES.map(([p, l]) => html`<label class="choice"><input type="checkbox" name="process.${p}" value="1"${checked(f, `process.${p}`) ? html` checked` : ''}> ${l}</label>`)}
        ${e.processes ? html`<p class="field-error" id="f-processes-e">${e.processes}</p>` : ''}</fieldset>
      ${selectField(
        {
          name: 'level',
          label: '抑止の区分（抑止のみ）',
          value: f.level ?? 'ERROR',
          options: [
            ['ERROR', 'エラー（処理不可）'],
            ['ALERT', 'アラート（確認のうえ処理可）'],
          ],
        },
        e,
      )}
      ${textField({ name: 'startDate', label: '開始日', value: f.startDate, required: true, hint: '例: 令和8年4月1日、R8.4.1、2026-04-01' }, e)}
      ${textField({ name: 'endDate', label: '終了日（抑止のみ・任意）', value: f.endDate }, e)}
      ${radioGroup(
        {
          name: 'applicantRelation',
          legend: '申出者',
          value: f.applicantRelation,
          options: [
            ['self', '支援対象者本人'],
            ['other', 'その他（代理人等）'],
          ],
          required: true,
        },
        e,
      )}
      ${textField({ name: 'applicantName', label: '申出者の氏名（本人以外の場合）', value: f.applicantName }, e)}
    </div>
    <fieldset class="radios"><legend>加害者（判明している場合。暗号化して保管し、閲覧は記録されます）</legend><div class="grid-fields">
      ${textField({ name: 'pName', label: '氏名', value: f.pName }, e)}
      ${textField({ name: 'pBirthDate', label: '生年月日', value: f.pBirthDate }, e)}
      ${selectField({ name: 'pSex', label: '性別', value: f.pSex, options: SEX_OPTIONS, empty: '不明' }, e)}
      ${textField({ name: 'pAddress', label: '住所', value: f.pAddress, size: 'wide' }, e)}
    </div></fieldset>
    <button type="submit" class="btn-primary">登録する（確認待ち）</button> <a href="/support-measures">一覧へ戻る</a></form></section>`;
}

const alertBadge = (m: MeasureView): SafeHtml | '' =>
  m.alert === 'EXPIRED'
    ? html`<span class="badge badge-alert">期間満了（終了処理まで有効）</span>`
    : m.alert === 'FINAL_MONTH'
      ? html`<span class="badge badge-warn">終了まで1か月以内</span>`
      : '';

const pendingText: Record<string, string> = { ENTER: '登録', EXTEND: '延長', END: '終了' };

function actions(ctx: WebContext, m: MeasureView, today: string): SafeHtml {
  const guard = () => formGuards(ctx, randomUUID());
  const form = (action: string, label: string, confirm: string, extra: SafeHtml | '' = '') =>
    html`<form method="post" action="/support-measures/${m.measureId}/${action}" class="inline" data-confirm="${confirm}">${guard()}${extra}<button type="submit" class="btn-small measure-${action}">${label}</button></form>`;
  const out: SafeHtml[] = [];
  if (m.pending && m.pending.by !== ctx.staff.userId)
    out.push(
      form('confirm', `${pendingText[m.pending.action] ?? ''}を確認`, '入力内容を確認し、決定します。よろしいですか？'),
    );
  if (m.state !== MeasureState.ENDED && checkExtension(m, today).ok)
    out.push(form('extend', '1年延長', '1年延長を申し出ます（別の職員の確認で確定）。よろしいですか？'));
  if (checkEnding(m).ok)
    out.push(
      form(
        'end',
        '終了',
        '終了を申し出ます（別の職員の確認で確定）。よろしいですか？',
        html`<label class="sr-only" for="end-${m.measureId}">終了の理由</label><input id="end-${m.measureId}" name="reason" type="text" maxlength="500" placeholder="終了の理由" required> `,
      ),
    );
  if (m.state !== MeasureState.ENDED)
    out.push(
      form('release', '一時解除', '1回の交付のため一時解除します（時間が過ぎると自動で戻ります）。よろしいですか？'),
    );
  return html`${out}`;
}

function listTable(ctx: WebContext, rows: MeasureView[], names: Map<string, Resident>, today: string): SafeHtml {
  if (!rows.length) return html`<p class="empty" role="status">登録されている支援措置・抑止はありません。</p>`;
  return html`<table class="grid" id="measures" data-nav><thead><tr><th scope="col">種別・状態</th><th scope="col">支援対象者</th><th scope="col">対象の事務</th><th scope="col">期間</th><th scope="col">注意</th><th scope="col">確認待ち</th><th scope="col">操作</th></tr></thead><tbody>
  ${rows.map((m) => {
    const t = names.get(m.targetAddresseeNumber);
    return html`<tr data-measure="${m.measureId}">
      <td><span class="badge ${m.state === MeasureState.ENDED ? 'badge-closed' : m.state === MeasureState.ACTIVE ? 'badge-alert' : 'badge-warn'}">${stateLabel(m as never)}</span> ${kindLabel[m.kind]}${m.level === 'ALERT' ? '（アラート）' : ''}</td>
      <td>${t ? fullName(t) : ''}<br><span class="mono muted">${m.targetAddresseeNumber}</span>${m.addresseeNumbers.length > 1 ? html`<br><span class="help">ほか${m.addresseeNumbers.length - 1}人</span>` : ''}</td>
      <td>${m.processes.map((p) => processLabel[p as MeasureProcess] ?? p).join('・')}</td>
      <td>${wareki(m.startDate)}〜${m.endDate ? wareki(m.endDate) : '（定めなし）'}</td>
      <td>${alertBadge(m)}${m.releasedUntil ? html`<span class="badge badge-info">一時解除中（${timeEl(m.releasedUntil)}まで）</span>` : ''}</td>
      <td>${m.pending ? html`${pendingText[m.pending.action] ?? m.pending.action}（入力：${m.pending.by}）` : ''}</td>
      <td><a href="/support-measures/${m.measureId}" class="btn-small">履歴</a> ${actions(ctx, m, today)}</td></tr>`;
  })}</tbody></table>`;
}

const historyText: Record<string, string> = {
  ENTER: '登録（仮支援措置）',
  CONFIRM: '確認・決定',
  EXTEND_REQUEST: '延長の申出',
  END_REQUEST: '終了の申出',
  RELEASE: '一時解除',
  RELEASE_USED: '一時解除を使用（交付）',
  MOVED_OUT: '転出により仮支援措置（前住所地）',
  MOVED_IN: '特例転入（前住所地で支援中）により仮支援措置',
};

export function installSupportMeasureRoutes(r: Router, deps: SupportPageDeps, session: RequestHandler) {
  const svc = deps.services.supportMeasures;
  const gate = (fn: string) => requireWebRole(deps.orm, can.manageSupportMeasures, fn);
  const send = (req: Request, res: Response, title: string, body: SafeHtml, notice?: Notice, status = 200) =>
    res
      .status(status)
      .type('html')
      .send(
        page({
          title,
          ctx: webOf(res),
          body,
          municipalityName: deps.municipalityName,
          notice: notice ?? takeFlash(req, res),
        }),
      );

  r.get('/support-measures', session, gate('GET /support-measures'), async (req, res) => {
    const ctx = webOf(res);
    const all = req.query.all === '1';
    const rows = await svc.list(ctx.staff, { all });
    const em = deps.orm.em.fork();
    const targets = [...new Set(rows.map((m) => m.targetAddresseeNumber))];
    const names = new Map(
      (targets.length ? await em.find(Resident, { addresseeNumber: { $in: targets } }) : []).map((p) => [
        p.addresseeNumber,
        p,
      ]),
    );
    for (const a of names.keys()) auditInquiry(em, ctx.staff, undefined, a, 'GET /support-measures');
    await em.flush();
    const today = jstDate(new Date());
    const alerts = rows.filter((m) => m.alert).length;
    const body = html`<section class="panel" aria-labelledby="h-list"><h2 id="h-list">支援措置・抑止 ${rows.length}件${alerts ? html` <span class="badge badge-warn">期間の注意 ${alerts}件</span>` : ''}</h2>
      <p class="help">登録は住民検索で対象の方の住民票を開き「支援措置・抑止を登録」から行います。期間が満了しても、終了の処理をするまで措置は有効です。</p>
      <p>${all ? html`<a href="/support-measures">終了したものを除く</a>` : html`<a href="/support-measures?all=1">終了したものも表示</a>`}</p>
      ${listTable(ctx, rows, names, today)}</section>`;
    send(req, res, '支援措置・抑止', body);
  });

  /** The entry form for a resident opened from the search (posted: the 宛名番号 never goes into a URL). */
  const renderEntry = async (req: Request, res: Response, f: FormValues, errors?: MappedErrors, status = 200) => {
    const addresseeNumber = /^\d{7}$/.test(f.addresseeNumber ?? '') ? f.addresseeNumber! : undefined;
    if (!addresseeNumber) throw new WebError(400, '対象の方が指定されていません。');
    const ctx = webOf(res);
    const em = deps.orm.em.fork();
    const person = await em.findOne(Resident, { addresseeNumber });
    if (!person) throw new WebError(404, '該当する住民票がありません。');
    const members = await em.find(
      Resident,
      {
        householdNumber: person.householdNumber,
        addresseeNumber: { $ne: addresseeNumber },
        status: { $ne: 'REMOVED' },
      },
      { orderBy: { addresseeNumber: 'asc' } },
    );
    auditInquiry(em, ctx.staff, undefined, addresseeNumber, 'POST /support-measures/new');
    await em.flush();
    const values = Object.keys(f).length > 2 ? f : { ...f, 'process.CERTIFICATE': '1', startDate: jstDate(new Date()) };
    send(req, res, '支援措置・抑止の登録', entryForm(ctx, person, members, values, errors), undefined, status);
  };
  r.post('/support-measures/new', session, gate('POST /support-measures/new'), async (req, res) =>
    renderEntry(req, res, formValues(req.body)),
  );
  r.post('/support-measures/enter', session, gate('POST /support-measures/enter'), async (req, res) => {
    const f = formValues(req.body);
    const out = await attempt(() => svc.enter(webOf(res).staff, measureBody(f)));
    if (out.ok) {
      setFlash(req, res, { kind: 'ok', text: '仮支援措置として登録しました。別の支援措置責任者の確認で決定します。' });
      return void res.redirect(303, '/support-measures');
    }
    const errors = out.error.errors.length
      ? mapFieldErrors(out.error.errors, mapping)
      : { byField: { _form: refusalNotice(out.status, out.body) }, summary: [refusalNotice(out.status, out.body)] };
    await renderEntry(req, res, f, errors, out.status === 400 ? 422 : out.status);
  });

  r.get('/support-measures/:measureId', session, gate('GET /support-measures/:id'), async (req, res) => {
    const ctx = webOf(res);
    const m = await svc.get(ctx.staff, String(req.params.measureId));
    const body = html`<section class="panel" aria-labelledby="h-m"><h2 id="h-m">${kindLabel[m.kind]}（${stateLabel(m as never)}）</h2>
      <dl class="facts"><dt>期間</dt><dd>${wareki(m.startDate)}〜${m.endDate ? wareki(m.endDate) : '（定めなし）'} ${alertBadge(m)}</dd>
      <dt>対象の事務</dt><dd>${m.processes.map((p) => processLabel[p as MeasureProcess] ?? p).join('・')}</dd><dt>対象者</dt><dd class="mono">${m.addresseeNumbers.join('、')}</dd>
      <dt>登録</dt><dd>${m.enteredBy}${m.confirmedBy ? `（確認：${m.confirmedBy}）` : ''}</dd></dl>
      <form method="post" action="/support-measures/${m.measureId}/personal" class="inline" data-confirm="申出者・加害者の情報を表示します。この閲覧は記録されます。">${formGuards(ctx, randomUUID())}<button type="submit" class="btn-small">申出者・加害者の情報を表示</button></form></section>
      <section class="panel" aria-labelledby="h-hist"><h2 id="h-hist">変更履歴</h2><table class="grid"><thead><tr><th scope="col">日時</th><th scope="col">内容</th><th scope="col">状態</th><th scope="col">職員</th></tr></thead><tbody>
      ${m.history.map((h) => html`<tr><td>${timeEl(h.at)}</td><td>${historyText[h.action] ?? h.action}${h.detail?.change ? `（${pendingText[String(h.detail.change)] ?? ''}）` : ''}</td><td>${stateLabel({ kind: m.kind, state: h.state as MeasureState })}</td><td>${h.actorId}</td></tr>`)}</tbody></table>
      <p><a href="/support-measures">一覧へ戻る</a></p></section>`;
    send(req, res, '支援措置・抑止の履歴', body);
  });

  r.post(
    '/support-measures/:measureId/personal',
    session,
    gate('POST /support-measures/:id/personal'),
    async (req, res) => {
      const ctx = webOf(res);
      const m = await svc.get(ctx.staff, String(req.params.measureId), { personal: true });
      const p = m.personal;
      const sex = (v?: string) => SEX_OPTIONS.find(([k]) => k === v)?.[1] ?? '';
      const body = html`<section class="panel" aria-labelledby="h-p"><h2 id="h-p">申出者・加害者の情報</h2>
      <dl class="facts"><dt>申出者</dt><dd>${p?.applicant.relation === 'self' ? '支援対象者本人' : `その他 ${p?.applicant.name ?? ''}`}</dd></dl>
      ${p?.perpetrators?.length ? html`<table class="grid"><thead><tr><th scope="col">加害者の氏名</th><th scope="col">生年月日</th><th scope="col">性別</th><th scope="col">住所</th></tr></thead><tbody>${p.perpetrators.map((x) => html`<tr><td>${x.name}</td><td>${wareki(x.birthDate)}</td><td>${sex(x.sex)}</td><td>${x.address ?? ''}</td></tr>`)}</tbody></table>` : html`<p class="muted">加害者の情報は登録されていません。</p>`}
      <p><a href="/support-measures/${m.measureId}">履歴へ戻る</a></p></section>`;
      send(req, res, '申出者・加害者の情報', body, { kind: 'info', text: 'この閲覧は記録されました。' });
    },
  );

  const step = (name: 'confirm' | 'extend' | 'end' | 'release', done: string) =>
    r.post(
      `/support-measures/:measureId/${name}`,
      session,
      gate(`POST /support-measures/:id/${name}`),
      async (req, res) => {
        const staff = webOf(res).staff;
        const id = String(req.params.measureId);
        const out = await attempt(() =>
          name === 'end' ? svc.end(staff, id, { reason: formValues(req.body).reason ?? '' }) : svc[name](staff, id),
        );
        setFlash(
          req,
          res,
          out.ok
            ? { kind: 'ok', text: done }
            : {
                kind: 'error',
                text: out.error.errors.length ? '終了の理由を入力してください。' : refusalNotice(out.status, out.body),
              },
        );
        res.redirect(303, '/support-measures');
      },
    );
  step('confirm', '確認しました。');
  step('extend', '1年延長を申し出ました。別の支援措置責任者の確認で確定します。');
  step('end', '終了を申し出ました。別の支援措置責任者の確認で確定します。');
  step('release', '一時解除しました。1回の交付に使えます（時間が過ぎると自動で戻ります）。');
}
