import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Request, RequestHandler, Response, Router } from 'express';
import { can } from '../../domain/roles';
import { CertificateIssuance, Resident } from '../../db/entities';
import { ApiError } from '../../api/errors';
import type { ApiServices } from '../../api/services';
import { timeEl } from '../../api/web/components';
import { html, type SafeHtml } from '../../api/web/html';
import { certificateTypeLabel } from '../../api/web/labels';
import { formGuards, page, type Notice } from '../../api/web/layout';
import { auditInquiry } from '../../api/web/queries/case-registry';
import { requireWebRole } from '../../api/web/web-auth';
import { WebError, webOf, type WebContext } from '../../api/web/web-context';
import { mapFieldErrors, type ErrorMapping, type MappedErrors } from '../../api/web/intake/field-errors';
import {
  checkboxField,
  errorSummary,
  IDENTITY_DOCUMENTS,
  radioGroup,
  selectField,
  type Errors,
} from '../../api/web/intake/form-controls';
import { checked, formValues, type FormValues } from '../../api/web/intake/form-input';
import { formRequestId } from '../../api/web/intake/intake-submit';
import { refusalNotice } from '../../api/web/pages/action-routes';

/**
 * 住民票の写し at the counter (domain.md §5.2), from the resident record: the persons of the household to include,
 * the items (omitted unless requested) and who requests. Posted to POST /api/certificates/resident-record-copy;
 * the issued PDF then opens in the browser with its 発行番号.
 */
export interface CopyFormState {
  values: FormValues;
  errors: MappedErrors;
}

const mapping: ErrorMapping = {
  pointers: {
    '/addresseeNumbers': 'persons',
    '/options': 'persons',
    '/options/includeIndividualNumber': 'includeIndividualNumber',
    '/requester': 'requester',
    '/requester/relation': 'requester',
    '/requester/powerOfAttorney': 'powerOfAttorney',
    '/identityDocument': 'identityDocument',
    '/identityDocument/type': 'identityDocument',
  },
  fields: {
    persons: { label: '記載する方', rules: { minItems: '記載する方を1人以上選んでください' } },
    requester: { label: '請求者' },
    powerOfAttorney: { label: '委任状' },
    identityDocument: { label: '本人確認書類' },
    includeIndividualNumber: { label: '個人番号の記載' },
  },
};

const OPTIONS = [
  ['includeHouseholdHead', '世帯主・続柄'],
  ['includeDomicile', '本籍・筆頭者'],
  ['includeResidentRecordCode', '住民票コード'],
  ['includeIndividualNumber', '個人番号（本人・同一世帯の方の請求に限る）'],
] as const;

export function copySection(
  ctx: WebContext,
  person: Resident,
  members: Resident[],
  state: CopyFormState | undefined,
): SafeHtml {
  if (!can.issueCertificate(ctx.staff.roles)) return html``;
  // a 除票 person: the 除票の写し (個人票, this person only; domain spec §5.2)
  const removed = person.status === 'REMOVED';
  const title = removed ? '除票の写しの交付' : '住民票の写しの交付';
  const f = state?.values ?? { [`person.${person.addresseeNumber}`]: '1' };
  const e: Errors = state?.errors.byField ?? {};
  const list = removed ? [person] : [person, ...members.filter((m) => m.status !== 'REMOVED')];
  return html`<section class="panel" aria-labelledby="h-copy" id="copy"><h2 id="h-copy">${title}</h2>
    ${removed ? html`<p class="muted" id="copy-removed">この方は除票です。住民票の写しは交付できません。除票の写し（個人票）を交付します。</p>` : ''}
    ${state ? errorSummary(state.errors.summary, e, '交付していません。') : ''}
    <form method="post" action="/residents/copy" id="copy-form" novalidate>${formGuards(ctx, randomUUID())}<input type="hidden" name="addresseeNumber" value="${person.addresseeNumber}">${removed ? html`<input type="hidden" name="kind" value="removedRecord">` : ''}
    <div class="grid-fields">
      <fieldset class="radios${e.persons ? ' has-error' : ''}" id="f-persons"><legend>記載する方 <span class="req">（必須）</span>${removed ? '（除票の写しは1人ずつ）' : ''}</legend>
        ${list.map((m) => html`<label class="choice"><input type="checkbox" name="person.${m.addresseeNumber}" value="1"${checked(f, `person.${m.addresseeNumber}`) ? html` checked` : ''}> ${m.familyName}　${m.givenName}（${m.relationshipToHead}）</label>`)}
        ${e.persons ? html`<p class="field-error" id="f-persons-e">${e.persons}</p>` : ''}</fieldset>
      <fieldset class="radios"><legend>記載する項目（請求のない項目は省略）</legend>
        ${OPTIONS.map(([k, l]) => html`<label class="choice"><input type="checkbox" id="f-${k}" name="${k}" value="1"${checked(f, k) ? html` checked` : ''}> ${l}</label>`)}
        ${e.includeIndividualNumber ? html`<p class="field-error" id="f-includeIndividualNumber-e">${e.includeIndividualNumber}</p>` : ''}</fieldset>
      ${radioGroup(
        {
          name: 'requester',
          legend: '請求者',
          value: f.requester,
          options: [
            ['self', '本人'],
            ['householdMember', '同一世帯の方'],
            ['proxy', '代理人・第三者（委任状）'],
          ],
          required: true,
        },
        e,
      )}
      ${checkboxField({ name: 'powerOfAttorney', label: '委任状を確認した（代理人の場合）', checked: checked(f, 'powerOfAttorney') }, e)}
      ${selectField({ name: 'identityDocument', label: '請求者の本人確認書類', value: f.identityDocument, options: IDENTITY_DOCUMENTS, required: true, empty: '選択してください' }, e)}
    </div>
    <p class="help">${removed ? '消除事由・事由の生じた年月日（転出の場合は転出先）を記載します。死亡による除票は本人として請求できません。' : '決裁前の届出（仮登録）の内容は記載されません。'}交付すると交付履歴に記録され、PDF が開きます。</p>
    <button type="submit" class="btn-primary">${removed ? '除票の写しを交付' : '住民票の写しを交付'}</button></form></section>`;
}

export function copyBody(f: FormValues): unknown {
  const options = Object.fromEntries(OPTIONS.filter(([k]) => checked(f, k)).map(([k]) => [k, true]));
  return {
    ...(f.kind === 'removedRecord' ? { kind: 'removedRecord' } : {}),
    addresseeNumbers: Object.keys(f)
      .filter((k) => /^person\.\d{7}$/.test(k) && checked(f, k))
      .map((k) => k.slice('person.'.length)),
    options,
    requester: {
      relation: f.requester ?? '',
      ...(f.requester === 'proxy' && checked(f, 'powerOfAttorney') ? { powerOfAttorney: true } : {}),
    },
    identityDocument: f.identityDocument ? { type: f.identityDocument } : {},
  };
}

export type RenderResident = (
  req: Request,
  res: Response,
  addresseeNumber: string,
  o: {
    reveal?: boolean;
    copy?: CopyFormState;
    status?: number;
    /** The outcome of an action taken from the record (a card event). */
    notice?: Notice;
    /** A card event form posted with errors (card-events/page.ts). */
    cardEvent?: { kind: string; values: Record<string, string>; errors: Record<string, string> };
  },
) => Promise<void>;

export function installCounterCopyRoutes(
  r: Router,
  deps: { orm: MikroORM; municipalityName: string; services: ApiServices },
  session: RequestHandler,
  renderResident: RenderResident,
) {
  r.post(
    '/residents/copy',
    session,
    requireWebRole(deps.orm, can.issueCertificate, 'POST /residents/copy'),
    async (req, res) => {
      const ctx = webOf(res);
      const f = formValues(req.body);
      const addresseeNumber = /^\d{7}$/.test(f.addresseeNumber ?? '') ? f.addresseeNumber! : undefined;
      if (!addresseeNumber) throw new WebError(400, '対象の方が指定されていません。');
      let refused: ApiError;
      try {
        const issued = await deps.services.counterCopy(ctx.staff, copyBody(f), formRequestId(req.body));
        return void res.redirect(303, `/certificates/${issued.certificateId}/issued`);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        refused = e;
      }
      const json = refused.toBody();
      const errors = refused.errors.length
        ? mapFieldErrors(refused.errors, mapping)
        : {
            byField: { _form: refusalNotice(refused.status, json) },
            summary: [`交付できませんでした：${refusalNotice(refused.status, json)}`],
          };
      await renderResident(req, res, addresseeNumber, {
        copy: { values: f, errors },
        status: refused.status === 400 ? 422 : refused.status,
      });
    },
  );

  /** After issuance: the 発行番号 and the PDF in the browser (the certificate ID is opaque, no personal data). */
  r.get('/certificates/:certificateId/issued', session, async (req, res) => {
    const ctx = webOf(res);
    const id = String(req.params.certificateId);
    if (!/^[0-9a-f-]{36}$/.test(id) || !can.issueCertificate(ctx.staff.roles))
      throw new WebError(404, '証明書が見つかりません。');
    const em = deps.orm.em.fork();
    const cert = await em.findOne(
      CertificateIssuance,
      { certificateId: id },
      {
        fields: [
          'certificateId',
          'issueNumber',
          'certificateType',
          'issuedAt',
          'pages',
          'printedItems',
          'targetAddresseeNumbers',
          'operatorId',
        ],
      },
    );
    if (!cert) throw new WebError(404, '証明書が見つかりません。');
    const persons = await em.find(Resident, { addresseeNumber: { $in: cert.targetAddresseeNumbers } });
    for (const p of persons) auditInquiry(em, ctx.staff, undefined, p.addresseeNumber, 'GET /certificates/:id/issued');
    await em.flush();
    const printed = cert.printedItems as Record<string, boolean>; // MikroORM 7 types a JSON field picked by `fields` as Loaded<unknown>
    const items = OPTIONS.filter(([k]) => printed[k]).map(([, l]) => l.replace(/（.*）$/, ''));
    const href = `/api/certificates/${cert.certificateId}/pdf`;
    const what = certificateTypeLabel[cert.certificateType] ?? '住民票の写し';
    const body = html`<section class="panel issued" aria-labelledby="h-issued"><h2 id="h-issued">${certificateTypeLabel[cert.certificateType] ?? cert.certificateType}${printed.reissue ? '（再交付）' : ''}</h2><dl class="facts">
      <dt>発行番号</dt><dd class="mono" id="issue-number">${cert.issueNumber}</dd><dt>発行日時</dt><dd>${timeEl(cert.issuedAt)}</dd><dt>枚数</dt><dd>${cert.pages}枚</dd>
      <dt>記載した方</dt><dd>${persons.map((p) => `${p.familyName}　${p.givenName}`).join('、')}</dd><dt>請求により記載した項目</dt><dd>${items.length ? items.join('、') : 'なし（省略）'}</dd></dl>
      <p class="help">お渡しの前に、氏名を請求者と一緒に確認し、受付番号札と照合してください。</p>
      <p><a class="btn-primary btn-link-big" id="open-pdf" href="${href}" target="_blank" rel="noopener">PDF を開く（印刷）</a>　<a href="${href}" download="${cert.certificateId}.pdf">ダウンロード</a></p>
      <form method="post" action="/certificates/${cert.certificateId}/reissue" id="reissue-form" class="inline" data-confirm="再交付します（新しい発行番号で「再交付」と記載されます）。よろしいですか？">${formGuards(ctx, randomUUID())}<input type="hidden" name="return" value="/certificates/${cert.certificateId}/issued"><button type="submit" class="btn-small">再交付</button> <span class="help">（汚損・紛失などで同じ内容をもう一度交付するとき）</span></form></section>
      <h2 class="pdf-caption">プレビュー <span class="help">（表示されない端末では「PDF を開く」から印刷してください）</span></h2>
      <iframe class="pdf-view" src="${href}" title="${what}（PDF）"></iframe>`;
    res.type('html').send(
      page({
        title: `${what}を交付しました`,
        ctx,
        body,
        municipalityName: deps.municipalityName,
        notice: { kind: 'ok', text: `${printed.reissue ? '再交付' : '交付'}しました。発行番号：${cert.issueNumber}` },
      }),
    );
  });
}
