import { fullName } from '../../db/registry-lookup';
import { currentRecords, draftPerson } from '../../api/web/queries/case-registry';
import { certificateRequestText, dateFact, identityText, notifierText } from '../../api/web/panels/application-facts';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';
import { HOUSEHOLD_CHANGE_KIND_LABEL, HOUSEHOLD_CHANGE_REASON, type HouseholdChangeKind } from './schema';

/** 世帯変更 (standard spec 4.1.4): the filing, and per person the record before against its household and 続柄 after. */
export const householdChangePanel: ProcedurePanel = {
  facts: (app) => [
    ['届出の種類', HOUSEHOLD_CHANGE_KIND_LABEL[app.kind as HouseholdChangeKind] ?? ''],
    ['世帯番号', app.householdNumber ?? ''],
    ...(app.targetHouseholdNumber ? [['移る先の世帯番号', app.targetHouseholdNumber] as [string, string]] : []),
    ['異動する方', String((app.persons ?? []).length) + '人'],
    dateFact('異動日', app.changeDate),
    dateFact('届出日', app.notificationDate),
    ['届出人', notifierText(app.notifier)],
    ['本人確認書類', identityText(app.identityDocument)],
    ['証明書の請求', certificateRequestText(app.certificateRequest)],
  ],
  async draftComparison(ctx) {
    const persons = (ctx.app.persons ?? []) as Array<{ addresseeNumber: string; relationshipToHead: string }>;
    const current = await currentRecords(
      ctx.em,
      [...persons.map((p) => p.addresseeNumber), ctx.app.newHeadAddresseeNumber].filter(Boolean),
    );
    const head = current.get(ctx.app.newHeadAddresseeNumber);
    const kind = ctx.app.kind as HouseholdChangeKind;
    return persons.map((p, i) => {
      const before = current.get(p.addresseeNumber);
      const after = before && {
        ...before,
        householdNumber:
          kind === 'separation' ? '（新しい世帯番号）' : (ctx.app.targetHouseholdNumber ?? before.householdNumber),
        relationshipToHead: p.relationshipToHead,
        householdHeadName: head ? fullName(head) : before.householdHeadName,
        changeReason: HOUSEHOLD_CHANGE_REASON[kind],
        changeDate: ctx.app.changeDate,
        notificationDate: ctx.app.notificationDate,
      };
      return draftPerson(
        `${i + 1}. ${before ? fullName(before) : ''}（宛名番号 ${p.addresseeNumber}）`,
        before,
        after ?? {},
        ctx,
        {
          note: before
            ? '決裁後、この世帯・続柄を住民票に記載します（住所は変わりません）。'
            : '該当する住民票が見つかりません。',
        },
      );
    });
  },
};
