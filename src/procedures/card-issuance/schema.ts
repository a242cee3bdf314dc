import type { SchemaObject } from 'ajv';

/**
 * The handover of a 個人番号カード at the counter (domain spec §4.8 steps 3–4), recorded by the clerk as the case's
 * 審査 step (`POST /api/cases/{caseId}/confirm-review` with `{ handover, reason? }`). What the system keeps is what was
 * checked and done — never a PIN: the PINs are typed by the holder into the card at the counter terminal, and the
 * system records only that it was done (`pinRegistered`). `additionalProperties: false` at every level, so a `pin` or
 * `password` property anywhere is a 400 naming it.
 */

/** 本人確認の方法 (domain spec §4.8 step 3; `002_39806ff4500f9589.txt L9380–9495`). */
export const IdentityCheckMethod = {
  /** 顔写真付きの本人確認書類1点 (運転免許証, 旅券, 在留カード …) and the card's photograph. */
  PHOTO_ID: 'photoId',
  /** 顔写真のない書類2点 (健康保険証, 年金手帳 …) and the card's photograph. */
  TWO_DOCUMENTS: 'twoDocuments',
  /** 交付通知書 and questions to the holder (照会), when neither is available. */
  INTERVIEW: 'interview',
} as const;

/** Why a proxy collects the card (only for people who cannot come: domain spec §4.8 step 4). */
export const ProxyReason = {
  ILLNESS: 'ILLNESS', // 病気・けが
  DISABILITY: 'DISABILITY', // 身体の障害
  HOSPITAL: 'HOSPITAL', // 長期入院
  FACILITY: 'FACILITY', // 施設入所
} as const;
export type ProxyReason = (typeof ProxyReason)[keyof typeof ProxyReason];

export const proxyReasonLabel: Record<ProxyReason, string> = {
  ILLNESS: '病気・けが',
  DISABILITY: '身体の障害',
  HOSPITAL: '長期入院',
  FACILITY: '施設入所',
};

/** Why no 署名用電子証明書 was issued. */
export const SigningCertNotIssuedReason = {
  NOT_REQUESTED: 'NOT_REQUESTED', // 本人が希望しない
  UNDER_15: 'UNDER_15', // 15歳未満
  ADULT_WARD: 'ADULT_WARD', // 成年被後見人
  NOT_ON_CARD: 'NOT_ON_CARD', // カードに搭載されていない
} as const;

export interface CardHandover {
  identityCheckMethod: (typeof IdentityCheckMethod)[keyof typeof IdentityCheckMethod];
  /** The 交付通知書 was presented. */
  issuanceNoticePresented: boolean;
  /** 通知カード: collected, or the holder had none. */
  notificationCard: 'collected' | 'none';
  /** 住基カード: cancelled, collected and to be destroyed, or none. */
  legacyResidentCard: 'collectedAndAbolished' | 'none';
  /** Absent: the holder came in person. */
  proxy?: {
    reason: ProxyReason;
    documentsChecked: {
      /** Proof that the holder cannot come (診断書, 施設の証明 …). */
      cannotComeProof: boolean;
      holderIdentity: boolean;
      proxyIdentity: boolean;
      relationshipProof: boolean;
      /** The holder's 印鑑登録証明書 issued within 3 months: needed when the card carries a 署名用電子証明書. */
      sealCertificate?: boolean;
    };
  };
  /** The holder (or the 法定代理人) set the card's PINs at the counter terminal. Only this fact is stored. */
  pinRegistered: boolean;
  signingCert: {
    issued: boolean;
    /** Why not, when `issued` is false. */
    notIssuedReason?: (typeof SigningCertNotIssuedReason)[keyof typeof SigningCertNotIssuedReason];
    /** Required when issued to someone under 15 or to a 成年被後見人 (the exception, in the clerk's words). */
    exceptionReason?: string;
  };
}

const bool: SchemaObject = { type: 'boolean' };

export const CardHandoverSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: [
    'identityCheckMethod',
    'issuanceNoticePresented',
    'notificationCard',
    'legacyResidentCard',
    'pinRegistered',
    'signingCert',
  ],
  properties: {
    identityCheckMethod: { type: 'string', enum: Object.values(IdentityCheckMethod) },
    issuanceNoticePresented: bool,
    notificationCard: { type: 'string', enum: ['collected', 'none'] },
    legacyResidentCard: { type: 'string', enum: ['collectedAndAbolished', 'none'] },
    proxy: {
      type: 'object',
      additionalProperties: false,
      required: ['reason', 'documentsChecked'],
      properties: {
        reason: { type: 'string', enum: Object.values(ProxyReason) },
        documentsChecked: {
          type: 'object',
          additionalProperties: false,
          required: ['cannotComeProof', 'holderIdentity', 'proxyIdentity', 'relationshipProof'],
          properties: {
            cannotComeProof: bool,
            holderIdentity: bool,
            proxyIdentity: bool,
            relationshipProof: bool,
            sealCertificate: bool,
          },
        },
      },
    },
    pinRegistered: bool,
    signingCert: {
      type: 'object',
      additionalProperties: false,
      required: ['issued'],
      properties: {
        issued: bool,
        notIssuedReason: { type: 'string', enum: Object.values(SigningCertNotIssuedReason) },
        exceptionReason: { type: 'string', minLength: 1, maxLength: 200 },
      },
    },
  },
};

/** The body of `confirm-review` on a card issuance case. */
export interface CardHandoverStep {
  handover: CardHandover;
  reason?: string;
}

export const CardHandoverStepSchema: SchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['handover'],
  properties: { handover: CardHandoverSchema, reason: { type: 'string', maxLength: 500 } },
};

/** What the case stores (case_application.payload): IDs, and the handover once recorded. */
export interface StoredCardIssuance {
  cardId: string;
  addresseeNumber: string;
  handover?: CardHandover & { recordedBy: string; recordedAt: string };
}
