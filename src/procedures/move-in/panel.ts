import { ChangeReason } from '../../domain/change-reason';
import { wareki } from '../../api/web/format';
import { draftPerson, removedRecordByCode } from '../../api/web/queries/case-registry';
import {
  addressText,
  certificateRequestText,
  dateFact,
  householdText,
  identityText,
  movedInRecord,
  notifierText,
} from '../../api/web/panels/application-facts';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';

/** 転入 (domain.md §4.1): the new record, or the 除票 it revives on 再転入, against the application. */
export const moveInPanel: ProcedurePanel = {
  facts: (app) => [
    dateFact('転入日（異動日）', app.moveInDate),
    dateFact('届出日', app.notificationDate),
    ['新住所', addressText(app.address)],
    ['転入前住所', `${app.previousAddress ?? ''}${app.fromAbroad ? '（国外から）' : ''}`],
    ['前住所地（転入通知の送付先）', app.previousMunicipalityCode ?? ''],
    ['世帯', householdText(app.household)],
    ['届出人', notifierText(app.notifier)],
    ['本人確認書類', identityText(app.identityDocument)],
    [
      '転出証明書',
      app.moveOutCertificate
        ? `発行 ${app.moveOutCertificate.issuingMunicipalityCode}${app.moveOutCertificate.issueDate ? `（${wareki(app.moveOutCertificate.issueDate)}）` : ''}`
        : 'なし',
    ],
    ['証明書の請求', certificateRequestText(app.certificateRequest)],
  ],
  async draftComparison(ctx) {
    const movers = (ctx.app.movers ?? []) as Array<Record<string, any>>;
    return Promise.all(
      movers.map(async (m, i) => {
        const removed = await removedRecordByCode(ctx.em, ctx.staff, ctx.view.caseId, m.residentRecordCode);
        const after = movedInRecord(
          ctx.app,
          m,
          ctx.app.fromAbroad ? ChangeReason.MOVE_IN_FROM_ABROAD : ChangeReason.DOMESTIC_MOVE_IN,
          removed?.addresseeNumber,
          {
            familyNameKana: m.familyNameKana,
            givenNameKana: m.givenNameKana,
            formerSurname: m.formerSurname,
            registeredDomicile: m.registeredDomicile,
            familyRegisterHead: m.familyRegisterHead,
            previousAddress: ctx.app.previousAddress,
            ...(m.foreignResidentCategory
              ? {
                  isForeignResident: true,
                  foreignResidentCategory: m.foreignResidentCategory,
                  nationalityRegion: m.nationalityRegion,
                  statusOfResidence: m.statusOfResidence,
                  periodOfStay: m.periodOfStay,
                  periodOfStayExpiry: m.periodOfStayExpiry,
                  residenceCardNumber: m.residenceCardNumber,
                  alphabetName: m.alphabetName,
                  alias: m.alias,
                  becameForeignResidentDate: ctx.app.moveInDate,
                }
              : {}),
          },
        );
        return draftPerson(`${i + 1}. ${m.familyName ?? ''}　${m.givenName ?? ''}`, removed, after, ctx, {
          beforeTitle: removed ? '除票（再転入：同じ宛名番号で記載）' : undefined,
          afterIndividualNumber: typeof m.individualNumber === 'string' ? m.individualNumber : '',
        });
      }),
    );
  },
};
