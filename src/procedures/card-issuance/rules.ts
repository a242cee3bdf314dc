import type { FieldError } from '../../domain/ajv';
import { signingCertRefusal } from '../../domain/card-status';
import type { CardHandover } from './schema';

export interface HandoverFacts {
  /** The holder's birth date and 成年被後見人 flag (registry), the day of the handover (JST). */
  birthDate: string;
  isAdultWard: boolean;
  today: string;
  /** J-LIS produced the card with a 署名用電子証明書. */
  cardHasSigningCert: boolean;
}

/**
 * The handover rules (domain spec §4.8 steps 3–4) as a pure function: the checklist items that must be done, the
 * proxy's documents, and the 署名用電子証明書 rule — none for a holder under 15 or a 成年被後見人 unless the clerk records
 * the exception (`002_39806ff4500f9589.txt L7145`: 「原則として」). Returns the field errors (empty: the handover may go to 決裁).
 */
export function evaluateHandover(h: CardHandover, f: HandoverFacts): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, rule: string, message: string) => errors.push({ field, rule, message });
  if (!h.pinRegistered) err('/handover/pinRegistered', 'mustBeDone', '暗証番号の設定が済んでいません');
  if (!h.issuanceNoticePresented)
    err('/handover/issuanceNoticePresented', 'mustBeDone', '交付通知書の提示を確認してください');
  if (h.proxy) {
    const d = h.proxy.documentsChecked;
    for (const k of ['cannotComeProof', 'holderIdentity', 'proxyIdentity', 'relationshipProof'] as const)
      if (!d[k]) err(`/handover/proxy/documentsChecked/${k}`, 'mustBeDone', '代理人交付に必要な書類を確認してください');
    if (h.signingCert.issued && !d.sealCertificate)
      err(
        '/handover/proxy/documentsChecked/sealCertificate',
        'mustBeDone',
        '署名用電子証明書を搭載する代理人交付には、3か月以内の印鑑登録証明書が必要です',
      );
  }
  if (h.signingCert.issued) {
    if (!f.cardHasSigningCert)
      err('/handover/signingCert/issued', 'notOnCard', 'このカードには署名用電子証明書が搭載されていません');
    const refusal = signingCertRefusal(f.birthDate, f.today, f.isAdultWard);
    if (refusal && !h.signingCert.exceptionReason?.trim())
      err(
        '/handover/signingCert/exceptionReason',
        refusal === 'UNDER_15' ? 'under15' : 'adultWard',
        refusal === 'UNDER_15'
          ? '15歳未満の方には署名用電子証明書を発行しません（例外とする場合は理由を記録してください）'
          : '成年被後見人の方には署名用電子証明書を発行しません（例外とする場合は理由を記録してください）',
      );
  } else if (!h.signingCert.notIssuedReason)
    err('/handover/signingCert/notIssuedReason', 'required', '署名用電子証明書を発行しない理由を選んでください');
  return errors;
}
