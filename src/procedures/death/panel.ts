import { ChangeReason } from '../../domain/change-reason';
import { formatBirthDate } from '../../domain/dates';
import { ResidentStatus } from '../../domain/registry-values';
import { fullName } from '../../db/registry-lookup';
import { currentRecords, draftPerson } from '../../api/web/queries/case-registry';
import { dateFact } from '../../api/web/panels/application-facts';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';
import { DeathFlag } from './schema';

/** 死亡 (standard spec 4.2.2): the 死亡届 data, the open cases of the deceased (a finding), the draft 除票 and 世帯主. */
export const deathPanel: ProcedurePanel = {
  facts: (app) => [
    ['死亡年月日', `${formatBirthDate(app.deathDate ?? '')}${app.deathTime ? `　${app.deathTime}` : '　（時刻不詳）'}`],
    ['死亡地', app.deathPlace ?? ''],
    dateFact('届出の受理日（戸籍）', app.familyRegisterNotice?.receivedDate),
    [
      '届出人',
      `${app.familyRegisterNotice?.notifierName ?? ''}${app.familyRegisterNotice?.notifierCapacity ? `（${app.familyRegisterNotice.notifierCapacity}）` : ''}`,
    ],
    [
      '世帯主変更',
      !app.headChange
        ? 'なし'
        : app.headChangeExOfficio === false
          ? '届出により新しい世帯主を記載'
          : '残る方1人を職権で世帯主に（世帯主変更通知書）',
    ],
  ],
  findings: (app) =>
    (app.openCases ?? []).length
      ? [
          {
            rule: DeathFlag.OPEN_CASE_OF_DECEASED,
            message: `亡くなった方の処理中の案件があります（${(app.openCases as string[]).join('、')}）。自動では取り消しません。決裁の前に各案件の取消・却下を判断してください。`,
          },
        ]
      : [],
  async draftComparison(ctx) {
    const change = ctx.app.headChange as
      | {
          newHeadAddresseeNumber: string;
          relationships: Array<{ addresseeNumber: string; relationshipToHead: string }>;
        }
      | undefined;
    const ids = [String(ctx.app.addresseeNumber ?? ''), ...(change?.relationships.map((r) => r.addresseeNumber) ?? [])];
    const current = await currentRecords(ctx.em, ids);
    const deceased = current.get(ids[0]!);
    const newHead = change ? current.get(change.newHeadAddresseeNumber) : undefined;
    const out = [
      draftDeceased(),
      ...(change?.relationships ?? []).map((r, i) => {
        const before = current.get(r.addresseeNumber);
        return draftPerson(
          `${i + 2}. ${before ? fullName(before) : ''}（世帯主変更）`,
          before,
          before
            ? {
                ...before,
                relationshipToHead: r.relationshipToHead,
                householdHeadName: newHead ? fullName(newHead) : before.householdHeadName,
                changeReason: ChangeReason.HOUSEHOLD_HEAD_CHANGE,
                changeDate: ctx.app.deathDate,
              }
            : {},
          ctx,
        );
      }),
    ];
    return out;
    function draftDeceased() {
      return draftPerson(
        `1. ${deceased ? fullName(deceased) : ''}（宛名番号 ${ids[0]}）`,
        deceased,
        deceased
          ? {
              ...deceased,
              status: ResidentStatus.REMOVED,
              removalReason: ChangeReason.DEATH,
              removalDate: ctx.app.deathDate,
              ceasedResidentDate: ctx.app.deathDate,
              changeReason: ChangeReason.DEATH,
              changeDate: ctx.app.deathDate,
              notificationDate: ctx.app.notificationDate,
            }
          : {},
        ctx,
        { note: '決裁後、除票（消除事由 死亡）となります。除票の方には住民票の写しを交付しません。' },
      );
    }
  },
};
