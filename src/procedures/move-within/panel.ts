import { ChangeReason } from '../../domain/change-reason';
import { currentRecords, draftPerson } from '../../api/web/queries/case-registry';
import {
  addressText,
  certificateRequestText,
  dateFact,
  identityText,
  notifierText,
} from '../../api/web/panels/application-facts';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';

const HOUSEHOLD_TEXT: Record<string, (h: Record<string, string | undefined>) => string> = {
  whole: () => '世帯全員が転居（世帯番号・世帯主は変わりません）',
  new: (h) =>
    `一部の方が転居し新しい世帯をつくる（世帯主: 宛名番号 ${h.newHeadAddresseeNumber ?? ''}）— 転居とは別の異動（世帯分離）`,
  join: (h) => `転居先の世帯（世帯番号 ${h.householdNumber ?? ''}）に入る — 転居とは別の異動（世帯変更）`,
};

/** 転居 (domain spec §4.9): the 転居届 as entered, and each mover's record before and after the 転居. */
export const moveWithinPanel: ProcedurePanel = {
  facts: (app) => {
    const movers = (app.movers ?? []) as Array<Record<string, string | boolean | undefined>>;
    const head = app.headChange as { newHeadAddresseeNumber?: string } | undefined;
    return [
      ['新しい住所', addressText(app.newAddress)],
      ['郵便番号', app.newAddress?.postalCode ?? ''],
      dateFact('転居日（異動日）', app.moveDate),
      dateFact('届出日', app.notificationDate),
      ['届出期間（14日）', app.late ? '経過（届出期間経過: 住基法第23条）' : '期間内'],
      ['転居後の世帯', HOUSEHOLD_TEXT[app.household?.mode ?? '']?.(app.household ?? {}) ?? ''],
      [
        '残る世帯の世帯主',
        head
          ? `宛名番号 ${head.newHeadAddresseeNumber ?? ''}（${app.headChangeExOfficio ? '職権で世帯主変更・世帯主変更通知書' : '届書による世帯主変更'}）`
          : '変更なし',
      ],
      [
        '個人番号カードの提示',
        movers.some((m) => m.cardPresented)
          ? `${movers
              .filter((m) => m.cardPresented)
              .map((m) => `${m.familyName}　${m.givenName}`)
              .join('、')}（券面に新住所を追記。署名用電子証明書は再発行が必要: 公的個人認証法第12条）`
          : 'なし',
      ],
      ['届出人', notifierText(app.notifier)],
      ['本人確認書類', identityText(app.identityDocument)],
      ['証明書の請求', certificateRequestText(app.certificateRequest)],
    ];
  },
  async draftComparison(ctx) {
    const movers = (ctx.app.movers ?? []) as Array<{ addresseeNumber: string; familyName: string; givenName: string }>;
    const current = await currentRecords(
      ctx.em,
      movers.map((m) => m.addresseeNumber),
    );
    const address = (ctx.app.newAddress ?? {}) as Record<string, string | undefined>;
    return movers.map((m, i) => {
      const before = current.get(m.addresseeNumber);
      const after = before && {
        ...before,
        address: address.address,
        addressSupplement: address.addressSupplement,
        postalCode: address.postalCode,
        addressEstablishedDate: ctx.app.moveDate,
        previousAddress: [before.address, before.addressSupplement].filter(Boolean).join('　'),
        changeReason: ChangeReason.MOVE_WITHIN,
        changeDate: ctx.app.moveDate,
        notificationDate: ctx.app.notificationDate,
      };
      return draftPerson(
        `${i + 1}. ${m.familyName}　${m.givenName}（宛名番号 ${m.addresseeNumber}）`,
        before,
        after ?? {},
        ctx,
        {
          note: before
            ? '決裁後に転居を記録します（本人確認情報は住所のみの変更）。世帯・続柄が変わる場合は別の異動として続けて記録します。'
            : '該当する住民票が見つかりません。',
        },
      );
    });
  },
};
