import { ChangeReason } from '../../domain/change-reason';
import { ResidentStatus } from '../../domain/registry-values';
import { currentRecords, draftPerson } from '../../api/web/queries/case-registry';
import { dateFact, identityText, notifierText } from '../../api/web/panels/application-facts';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';

/** 転出 at the counter (domain.md §4.3): the current record against the 転出予定者 it becomes. */
export const moveOutPanel: ProcedurePanel = {
  facts: (app) => [
    dateFact('転出予定年月日（異動日）', app.plannedMoveOutDate),
    dateFact('届出日', app.notificationDate),
    ['転出先（予定）', `${app.destination?.address ?? ''}${app.destination?.abroad ? '（国外）' : ''}`],
    ['転出先の市区町村コード', app.destination?.municipalityCode ?? ''],
    ['処理の経路', app.path === 'special' ? '特例転出（転出証明書情報を転入予定地へ送信）' : '紙の転出証明書を交付'],
    ['個人番号カードの提示', app.cardHolderPresent ? 'あり' : 'なし'],
    ['届出人', notifierText(app.notifier)],
    ['本人確認書類', identityText(app.identityDocument)],
    ['14日経過（職権記載）', app.late ? 'はい' : 'いいえ'],
  ],
  async draftComparison(ctx) {
    const movers = (ctx.app.movers ?? []) as Array<{ addresseeNumber: string; familyName: string; givenName: string }>;
    const current = await currentRecords(
      ctx.em,
      movers.map((m) => m.addresseeNumber),
    );
    return movers.map((m, i) => {
      const before = current.get(m.addresseeNumber);
      const after = before && {
        ...before,
        status: ResidentStatus.PENDING_MOVE_OUT,
        plannedDestinationAddress: ctx.app.destination?.address,
        plannedMoveOutDate: ctx.app.plannedMoveOutDate,
        changeReason: ctx.app.destination?.abroad ? ChangeReason.MOVE_OUT_ABROAD : ChangeReason.DOMESTIC_MOVE_OUT,
        changeDate: ctx.app.plannedMoveOutDate,
        notificationDate: ctx.app.notificationDate,
      };
      return draftPerson(
        `${i + 1}. ${m.familyName}　${m.givenName}（宛名番号 ${m.addresseeNumber}）`,
        before,
        after ?? {},
        ctx,
        {
          note: before
            ? '決裁後は転出予定者となり、転出予定年月日（または先に届いた転入通知の転入日）に除票となります。'
            : '該当する住民票が見つかりません。',
        },
      );
    });
  },
};
