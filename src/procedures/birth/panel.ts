import { Resident } from '../../db/entities';
import { html } from '../../api/web/html';
import { wareki } from '../../api/web/format';
import {
  addressText,
  certificateRequestText,
  dateFact,
  identityText,
  notifierText,
} from '../../api/web/panels/application-facts';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';
import { MASK } from '../../api/web/panels/record-fields';
import { BirthStatus } from './definition';

const sexText: Record<string, string> = { '1': '男', '2': '女' };

/**
 * The generation of the child's 個人番号 (domain spec §4.7 step 3.2) as the case screen shows it: not yet requested
 * (before 本登録 and the 本人確認情報), waiting for J-LIS, or recorded (masked: the resident record reveals it).
 */
export function numberStepText(status: string, recorded: boolean): string {
  if (recorded) return `記録済み（${MASK}）— 個人番号（職権記載）として住民票に記載しました`;
  if (status === BirthStatus.GENERATING_NUMBER)
    return 'J-LIS に生成を依頼しました（住基ネット経由）。回答を待っています';
  if (['COMPLETED', 'CANCELLED', 'REJECTED'].includes(status)) return '—';
  return '本登録と本人確認情報の送信の後に、J-LIS へ生成を依頼します';
}

/** 出生 (domain spec §4.7): the 出生届 as entered, and the state of the 個人番号 generation. */
export const birthPanel: ProcedurePanel = {
  facts: (app) => {
    const c = (app.child ?? {}) as Record<string, string | undefined>;
    return [
      ['出生子', `${c.familyName ?? ''}　${c.givenName ?? ''}（${c.familyNameKana ?? ''}　${c.givenNameKana ?? ''}）`],
      ['出生日時', `${wareki(c.birthDate)}${c.birthTime ? `　${c.birthTime}` : ''}`],
      ['性別', sexText[c.sex ?? ''] ?? ''],
      ['続柄', c.relationshipToHead ?? ''],
      [
        '世帯',
        app.household?.mode === 'join'
          ? `既存の世帯に入る（世帯番号 ${app.household.householdNumber}）— 住所・世帯主・本籍・筆頭者は世帯から`
          : `新しい世帯を設ける（出生子が世帯主）　${addressText(app.household?.address)}`,
      ],
      ['国籍・地域', c.nationalityRegion ? `${c.nationalityRegion}（戸籍なし: 出生による経過滞在者、60日）` : '日本'],
      dateFact('届出日', app.notificationDate),
      ['届出人', notifierText(app.notifier)],
      ['本人確認書類', identityText(app.identityDocument)],
      ['証明書の請求', certificateRequestText(app.certificateRequest)],
    ];
  },
  async extra(ctx) {
    const [child] = ctx.view.subjectAddresseeNumbers?.length
      ? await ctx.em.find(Resident, { addresseeNumber: { $in: ctx.view.subjectAddresseeNumbers } })
      : [];
    const text = numberStepText(ctx.view.status, Boolean(child?.individualNumberEnc));
    return html`<section class="panel" aria-labelledby="h-number"><h2 id="h-number">個人番号の生成</h2><dl class="facts">
      <dt>状態</dt><dd id="number-step">${text}</dd>
      <dt>住民票コード</dt><dd class="mono">${child?.residentRecordCode ?? '本登録で在庫から付番します'}</dd>
    </dl></section>`;
  },
};
