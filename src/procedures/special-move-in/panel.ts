import { ChangeReason } from '../../domain/change-reason';
import { draftPerson, removedRecordByCode } from '../../api/web/queries/case-registry';
import {
  addressText,
  certificateRequestText,
  dateFact,
  householdText,
  movedInRecord,
  notifierText,
} from '../../api/web/panels/application-facts';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';

/** 特例転入 (domain.md §4.2): what the card shows, completed from the held 転出証明書情報 at commit. */
export const specialMoveInPanel: ProcedurePanel = {
  facts: (app) => [
    ['転出地（市区町村コード）', app.originMunicipalityCode ?? ''],
    dateFact('転入日（異動日）', app.moveInDate),
    dateFact('届出日', app.notificationDate),
    ['新住所', addressText(app.address)],
    ['世帯', householdText(app.household)],
    ['届出人', notifierText(app.notifier)],
    ['証明書の請求', certificateRequestText(app.certificateRequest)],
  ],
  async draftComparison(ctx) {
    const persons = (ctx.app.persons ?? []) as Array<Record<string, any>>;
    return Promise.all(
      persons.map(async (p, i) => {
        const removed = await removedRecordByCode(ctx.em, ctx.staff, ctx.view.caseId, p.residentRecordCode);
        const after = movedInRecord(ctx.app, p, ChangeReason.DOMESTIC_MOVE_IN, removed?.addresseeNumber);
        return draftPerson(`${i + 1}. ${p.familyName ?? ''}　${p.givenName ?? ''}`, removed, after, ctx, {
          beforeTitle: removed ? '除票（再転入：氏名以外は転出証明書情報を優先）' : undefined,
          note: 'フリガナ、本籍・筆頭者、個人番号、前住所は保管中の転出証明書情報から記載されます。',
        });
      }),
    );
  },
};
