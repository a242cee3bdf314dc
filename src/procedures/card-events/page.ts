import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { RequestHandler, Router } from 'express';
import { cardEventKindLabel, cardEventReasonLabel, checkCardTransition } from '../../domain/card-status';
import { jstDate, toWareki } from '../../domain/dates';
import { can } from '../../domain/roles';
import { MyNumberCard } from '../../db/entities';
import type { ApiDeps } from '../../api/api-deps';
import { mapFieldErrors, type ErrorMapping } from '../../api/web/intake/field-errors';
import { checkboxField, IDENTITY_DOCUMENTS, selectField, textField } from '../../api/web/intake/form-controls';
import { checked, compact, dateOf, formValues, type FormValues } from '../../api/web/intake/form-input';
import { formRequestId } from '../../api/web/intake/intake-submit';
import { html, type SafeHtml } from '../../api/web/html';
import { formGuards } from '../../api/web/layout';
import { attempt, refusalNotice } from '../../api/web/pages/action-routes';
import { requireWebRole } from '../../api/web/web-auth';
import { WebError, webOf, type WebContext } from '../../api/web/web-context';
import type { RenderResident } from '../resident-record-copy/page';
import { COUNTER_CANCEL_REASONS, COUNTER_CARD_EVENTS, type CounterCardEventKind } from './schema';
import { recordCounterCardEvent } from './service';

/** A card event form posted with errors: which form, what was typed, the messages by field. */
export interface CardEventFormState {
  kind: string;
  values: FormValues;
  errors: Record<string, string>;
}

const BUTTON: Record<CounterCardEventKind, string> = {
  CANCELLED: '廃止を記録',
  COLLECTED: '回収を記録',
  RETURNED: '返還を記録',
  SUSPENSION_LIFTED: '一時停止解除を記録',
};
const CONFIRM: Partial<Record<CounterCardEventKind, string>> = {
  CANCELLED: 'このカードを廃止し、J-LIS へ通知します。取り消せません。よろしいですか？',
};

const mapping: ErrorMapping = {
  pointers: {
    '/reason': 'reason',
    '/eventDate': 'eventDate',
    '/identityCheck/document': 'identityDocument',
    '/identityCheck/writtenApplication': 'writtenApplication',
    '/identityCheck': 'identityDocument',
    '/kind': '_form',
  },
  fields: {
    reason: {
      label: '廃止の理由',
      rules: { required: '廃止の理由を選んでください', enum: '廃止の理由を選んでください' },
    },
    eventDate: { label: '発生日' },
    identityDocument: {
      label: '本人確認書類',
      rules: { required: '申請者の本人確認書類を選んでください', enum: '申請者の本人確認書類を選んでください' },
    },
    writtenApplication: {
      label: '書面による申請',
      rules: {
        required: '書面による申請を受けたことを確認してください',
        const: '書面による申請を受けたことを確認してください',
      },
    },
  },
};

/** The form → the body of `POST /api/cards/{cardId}/events` (card-events schema.ts). */
export function cardEventBody(kind: string, f: FormValues): Record<string, unknown> {
  return compact({
    kind,
    reason: kind === 'CANCELLED' ? f.reason : undefined,
    eventDate: dateOf(f.eventDate),
    identityCheck:
      kind === 'SUSPENSION_LIFTED'
        ? compact({
            document: f.identityDocument ? { type: f.identityDocument } : undefined,
            writtenApplication: checked(f, 'writtenApplication') ? true : undefined,
          })
        : undefined,
  });
}

/**
 * The status events a clerk may record for the card now (domain spec §4.8 item 5: 廃止, 回収, 返還, 一時停止解除),
 * offered only when the card's status allows them (domain/card-status.ts) and only to clerks; the service decides
 * again. Shown in the card panel of the resident record.
 */
export function cardEventForms(
  ctx: WebContext,
  card: MyNumberCard,
  addresseeNumber: string,
  state?: CardEventFormState,
): SafeHtml | '' {
  if (!can.enterCase(ctx.staff.roles)) return '';
  const kinds = COUNTER_CARD_EVENTS.filter((k) => checkCardTransition(card.status, k).ok);
  if (!kinds.length) return '';
  const today = toWareki(jstDate(ctx.now)); // typed as clerks type dates (和暦 or 西暦)
  return html`<div class="card-actions" aria-label="カードの状態の記録">${kinds.map((kind) => {
    const mine = state?.kind === kind ? state : undefined;
    const f = mine?.values ?? {};
    const e = mine?.errors ?? {};
    const p = (name: string) => `${kind}.${name}`; // unique field IDs per form
    const err = (name: string): Record<string, string> => (e[name] ? { [p(name)]: e[name]! } : {});
    return html`<form method="post" action="/residents/card-events" class="action-form" id="card-event-${kind}"${CONFIRM[kind] ? html` data-confirm="${CONFIRM[kind]}"` : ''}>
      ${formGuards(ctx, randomUUID())}<input type="hidden" name="kind" value="${kind}"><input type="hidden" name="cardId" value="${card.cardId}"><input type="hidden" name="addresseeNumber" value="${addresseeNumber}">
      <h3>${cardEventKindLabel[kind]}</h3>
      ${e._form ? html`<p class="field-error">${e._form}</p>` : ''}
      ${kind === 'CANCELLED' ? selectField({ name: p('reason'), label: '廃止の理由', value: f.reason, required: true, empty: '（選んでください）', options: COUNTER_CANCEL_REASONS.map((r) => [r, cardEventReasonLabel[r]] as const) }, err('reason')) : ''}
      ${kind === 'SUSPENSION_LIFTED' ? html`${selectField({ name: p('identityDocument'), label: '申請者の本人確認書類', value: f.identityDocument, required: true, empty: '（選んでください）', options: IDENTITY_DOCUMENTS }, err('identityDocument'))}${checkboxField({ name: p('writtenApplication'), label: '書面による申請を受けた', checked: f.writtenApplication === '1' }, err('writtenApplication'))}` : ''}
      ${textField({ name: p('eventDate'), label: '発生日', value: f.eventDate ?? today, required: true, size: 'narrow' }, err('eventDate'))}
      <button type="submit">${BUTTON[kind]}</button></form>`;
  })}</div>`;
}

/**
 * `POST /residents/card-events`: a card status event from the resident record, through card-events' service (the same
 * schema, rules, role gate, audit and J-LIS sender as `POST /api/cards/{cardId}/events`); the form's request ID makes
 * a double submit record once. The resident record is shown again with the result (or the errors beside the form).
 */
export function installCardEventRoutes(
  r: Router,
  deps: ApiDeps & { orm: MikroORM },
  session: RequestHandler,
  renderResident: RenderResident,
): void {
  r.post(
    '/residents/card-events',
    session,
    requireWebRole(deps.orm, can.enterCase, 'POST /residents/card-events'),
    async (req, res) => {
      const raw = formValues(req.body);
      const cardId = raw.cardId ?? '';
      const addresseeNumber = /^\d{7}$/.test(raw.addresseeNumber ?? '') ? raw.addresseeNumber! : undefined;
      const kind = (COUNTER_CARD_EVENTS as readonly string[]).includes(raw.kind ?? '') ? raw.kind! : undefined;
      if (!addresseeNumber || !kind || !/^[A-Za-z0-9]{1,32}$/.test(cardId))
        throw new WebError(400, '記録するカードの事象が指定されていません。');
      const card = await deps.orm.em.fork().findOne(MyNumberCard, { cardId, addresseeNumber });
      if (!card) throw new WebError(404, '該当するカードがありません。');
      // the form's fields are prefixed with the event (CANCELLED.reason …)
      const f: FormValues = {};
      for (const [k, v] of Object.entries(raw)) if (k.startsWith(`${kind}.`)) f[k.slice(kind.length + 1)] = v;
      const answer = await attempt(() =>
        recordCounterCardEvent(deps, webOf(res).staff, cardId, cardEventBody(kind, f), formRequestId(req.body)),
      );
      if (answer.ok) {
        const label = cardEventKindLabel[kind as CounterCardEventKind];
        return renderResident(req, res, addresseeNumber, {
          notice: {
            kind: 'ok',
            text: answer.value.duplicate
              ? `この「${label}」は記録済みです。`
              : `カード ${cardId} の「${label}」を記録しました。${answer.value.sequenceNumber ? 'J-LIS へ通知します。' : ''}`,
          },
        });
      }
      // the schema's if/then says only that a kind lacks an item; its `required` error names the item
      const errors = (answer.body.errors ?? []).filter((e) => e.rule !== 'if');
      const mapped = errors.length ? mapFieldErrors(errors, mapping) : undefined;
      const text = `${cardEventKindLabel[kind as CounterCardEventKind]}を記録できませんでした：${refusalNotice(answer.status, answer.body)}`;
      return renderResident(req, res, addresseeNumber, {
        status: answer.status,
        notice: { kind: 'error', text, details: mapped?.summary },
        cardEvent: { kind, values: f, errors: mapped?.byField ?? { _form: text } },
      });
    },
  );
}
