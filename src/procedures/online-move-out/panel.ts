import { BLOCKING_FINDINGS } from './rules';
import { flagText, sexText } from '../../api/web/labels';
import { jstDateTime, wareki } from '../../api/web/format';
import { dateFact } from '../../api/web/panels/application-facts';
import { moveOutPanel } from '../move-out/panel';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';
import { headChangeReviewSection, headChangeWithheld } from './head-change-review';

const findingsOf = (app: Record<string, any>): Array<{ rule: string; message: string; mover?: number }> =>
  Array.isArray(app.online?.findings) ? app.online.findings : [];

/**
 * オンライン転出 from マイナポータル (domain.md §4.4): what the applicant signed, the signature check, the eligibility
 * findings for the reviewing clerk, and the same before/after as a counter 転出 for the matched movers.
 */
export const onlineMoveOutPanel: ProcedurePanel = {
  facts: (app) => {
    const o = (app.online ?? {}) as Record<string, any>;
    const applicant = o.applicant as Record<string, any> | undefined;
    return [
      ['申請番号（マイナポータル）', o.applicationId ?? ''],
      dateFact('申請日', o.applicationDate),
      [
        '申請者',
        applicant
          ? `${applicant.familyName ?? ''}　${applicant.givenName ?? ''}（${wareki(applicant.birthDate)}・${sexText(applicant.sex)}・${applicant.isMover ? '本人（転出者）' : '世帯員'}）`
          : '',
      ],
      ['申請時の住所', o.currentAddress ?? ''],
      ['連絡先電話番号', o.contactPhone ?? ''],
      [
        '申請された転出者',
        Array.isArray(o.movers) ? `${o.movers.length}名（住民票と一致 ${(app.movers ?? []).length}名）` : '',
      ],
      dateFact('転出予定年月日', app.plannedMoveOutDate),
      ['転出先（予定）', app.destination?.address ?? ''],
      ['転出先の市区町村コード', app.destination?.municipalityCode ?? ''],
      dateFact('来庁予定日（転入予定地へ通知）', app.plannedVisitDate),
      [
        '電子署名',
        o.signerSerial
          ? `署名用電子証明書 シリアル ${o.signerSerial}（有効期限 ${jstDateTime(o.signerNotAfter)}）を ${jstDateTime(o.verifiedAt)} に検証済み`
          : '',
      ],
    ];
  },
  findings: (app) => findingsOf(app),
  withheldActions: (app) => [...blockingWithheld(app), ...headChangeWithheld(app)],
  extra: headChangeReviewSection,
  draftComparison: moveOutPanel.draftComparison,
};

/** Findings that block the review: the review is not offered, and why is shown. */
function blockingWithheld(app: Record<string, any>): Array<{ action: string; reason: string }> {
  const blocking = [
    ...new Set(
      findingsOf(app)
        .filter((f) => BLOCKING_FINDINGS.has(f.rule))
        .map((f) => flagText[f.rule]?.label ?? f.rule),
    ),
  ];
  return blocking.length
    ? [
        {
          action: 'confirm-review',
          reason: `審査を確定できません（${blocking.join('、')}）。却下して理由を申請者に伝えるか、申請者に連絡してください。`,
        },
      ]
    : [];
}
