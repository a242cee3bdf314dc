import type { FieldError } from '../../domain/ajv';
import { ChangeReason } from '../../domain/change-reason';
import { ResidentStatus } from '../../domain/registry-values';
import type { ResidentRecordCopyRequest } from './schema';

export interface CounterCopyFacts {
  /** Per requested 宛名番号, in order: the record's status and household, if the record exists. */
  persons: ReadonlyArray<{ status: string; householdNumber: string; removalReason?: string } | undefined>;
  householdMemberMayRequestIndividualNumber: boolean;
}

/**
 * Rules of a 住民票の写し at the counter (domain.md §5.2, §8.6): existing current records of one household; the
 * 個人番号 never for a 代理人 or third party (住基法第12条第5項), for a household member only where the city allows it;
 * a proxy shows a 委任状. 抑止 / 支援措置 is checked separately (db/issuance-blocks.ts).
 *
 * A 除票の写し (kind 'removedRecord', domain spec §5.2) is 個人票: one person, who must be a 除票; the requester and
 * 個人番号 rules are the copy's. A deceased person cannot ask in person, so 本人 is refused for a 死亡: the 遺族 of the
 * former household ask as 同一世帯の方 (個人番号 only where the city allows it), anyone else as a 代理人 (never the
 * 個人番号).
 */
export function evaluateCounterCopy(req: ResidentRecordCopyRequest, f: CounterCopyFacts): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  const removedCopy = req.kind === 'removedRecord';
  if (removedCopy && req.addresseeNumbers.length > 1)
    err('/addresseeNumbers', 'onePerson', '除票の写しは個人票です（1人ずつ請求してください）');
  req.addresseeNumbers.forEach((_a, i) => {
    const p = f.persons[i];
    if (!p) err(`/addresseeNumbers/${i}`, 'exists', '該当する住民票がありません');
    else if (removedCopy && p.status !== ResidentStatus.REMOVED)
      err(`/addresseeNumbers/${i}`, 'notRemoved', 'この方は除票ではありません（住民票の写しを請求してください）');
    else if (removedCopy && p.removalReason === ChangeReason.DEATH && req.requester.relation === 'self')
      err('/requester/relation', 'deceased', '死亡により消除された方の除票の写しは本人として請求できません');
    else if (!removedCopy && p.status === ResidentStatus.REMOVED)
      err(
        `/addresseeNumbers/${i}`,
        'removedRecord',
        '除票の方は住民票の写しに記載できません（除票の写しを請求してください）',
      );
  });
  const households = new Set(f.persons.filter((p) => p !== undefined).map((p) => p.householdNumber));
  if (households.size > 1) err('/addresseeNumbers', 'sameHousehold', '住民票の写しには同じ世帯の方だけを記載できます');
  if (req.options.includeIndividualNumber && req.requester.relation === 'proxy')
    err('/options/includeIndividualNumber', 'notForThirdParty', '代理人・第三者の請求では個人番号を記載できません');
  if (
    req.options.includeIndividualNumber &&
    req.requester.relation === 'householdMember' &&
    !f.householdMemberMayRequestIndividualNumber
  ) {
    err(
      '/options/includeIndividualNumber',
      'householdMemberNotAllowed',
      '世帯員からの請求では個人番号を記載できない設定です',
    );
  }
  if (req.requester.relation === 'proxy' && !req.requester.powerOfAttorney)
    err('/requester/powerOfAttorney', 'required', '代理人の請求には委任状の確認が必要です');
  return errors;
}
