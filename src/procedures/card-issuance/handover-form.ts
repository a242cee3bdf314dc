import { compileSchema, type FieldError } from '../../domain/ajv';
import {
  fieldOfPointer,
  mapFieldErrors,
  type ErrorMapping,
  type MappedErrors,
} from '../../api/web/intake/field-errors';
import { checked, compact, type FormValues } from '../../api/web/intake/form-input';
import { evaluateHandover, type HandoverFacts } from './rules';
import { CardHandoverStepSchema, type CardHandover, type CardHandoverStep } from './schema';

/**
 * The handover checklist (交付) as a form: flat field names → the body of the case's `confirm-review` step
 * (`{ handover, reason? }`, schema.ts). There is no PIN field: the holder types the PINs into the card at the counter
 * terminal and the clerk only ticks that it was done (domain spec §4.8 step 3). Whatever is missing is left out, so
 * the step's own ajv schema names it.
 */
export function handoverBody(f: FormValues): Record<string, unknown> {
  const proxy =
    f.visitor === 'proxy'
      ? compact({
          reason: f.proxyReason,
          documentsChecked: {
            cannotComeProof: checked(f, 'proxyCannotComeProof'),
            holderIdentity: checked(f, 'proxyHolderIdentity'),
            proxyIdentity: checked(f, 'proxyIdentity'),
            relationshipProof: checked(f, 'proxyRelationshipProof'),
            sealCertificate: checked(f, 'proxySealCertificate'),
          },
        })
      : undefined;
  const signingCert =
    f.signingCert === 'issued'
      ? compact({ issued: true, exceptionReason: f.exceptionReason })
      : f.signingCert === 'notIssued'
        ? compact({ issued: false, notIssuedReason: f.notIssuedReason })
        : undefined;
  return compact({
    handover: compact({
      identityCheckMethod: f.identityCheckMethod,
      issuanceNoticePresented: checked(f, 'issuanceNoticePresented'),
      notificationCard: f.notificationCard,
      legacyResidentCard: f.legacyResidentCard,
      proxy,
      pinRegistered: checked(f, 'pinRegistered'),
      signingCert,
    }),
    reason: f.reason,
  });
}

/** JSON pointers of the step → the form's fields, with the Japanese label of each (messages never echo a value). */
export const handoverErrorMapping: ErrorMapping = {
  pointers: {
    '/handover/identityCheckMethod': 'identityCheckMethod',
    '/handover/issuanceNoticePresented': 'issuanceNoticePresented',
    '/handover/notificationCard': 'notificationCard',
    '/handover/legacyResidentCard': 'legacyResidentCard',
    '/handover/proxy/reason': 'proxyReason',
    '/handover/proxy/documentsChecked/cannotComeProof': 'proxyCannotComeProof',
    '/handover/proxy/documentsChecked/holderIdentity': 'proxyHolderIdentity',
    '/handover/proxy/documentsChecked/proxyIdentity': 'proxyIdentity',
    '/handover/proxy/documentsChecked/relationshipProof': 'proxyRelationshipProof',
    '/handover/proxy/documentsChecked/sealCertificate': 'proxySealCertificate',
    '/handover/proxy': 'visitor',
    '/handover/pinRegistered': 'pinRegistered',
    '/handover/signingCert/notIssuedReason': 'notIssuedReason',
    '/handover/signingCert/exceptionReason': 'exceptionReason',
    '/handover/signingCert': 'signingCert',
    '/reason': 'reason',
  },
  fields: {
    visitor: { label: '来庁者', rules: { required: '来庁者（本人・代理人）を選んでください' } },
    identityCheckMethod: { label: '本人確認の方法', rules: { required: '本人確認の方法を選んでください' } },
    issuanceNoticePresented: { label: '交付通知書の提示' },
    notificationCard: {
      label: '通知カード',
      rules: { required: '通知カードを回収したか、持っていないかを選んでください' },
    },
    legacyResidentCard: {
      label: '住基カード',
      rules: { required: '住基カードを廃止・回収したか、持っていないかを選んでください' },
    },
    proxyReason: { label: '代理人交付の理由', rules: { required: '代理人交付の理由を選んでください' } },
    proxyCannotComeProof: { label: '来庁できないことの証明' },
    proxyHolderIdentity: { label: '本人の本人確認書類' },
    proxyIdentity: { label: '代理人の本人確認書類' },
    proxyRelationshipProof: { label: '代理権の確認書類' },
    proxySealCertificate: { label: '印鑑登録証明書' },
    pinRegistered: { label: '暗証番号の設定' },
    signingCert: {
      label: '署名用電子証明書',
      rules: { required: '署名用電子証明書を発行するかどうかを選んでください' },
    },
    notIssuedReason: { label: '署名用電子証明書を発行しない理由' },
    exceptionReason: {
      label: '例外として発行する理由',
      rules: { maxLength: '例外の理由は200文字以内で入力してください' },
    },
    reason: { label: '備考', rules: { maxLength: '備考は500文字以内で入力してください' } },
  },
};

const validateStep = compileSchema<CardHandoverStep>(CardHandoverStepSchema);

/** Neutral values for the choices not made yet, so that the rules can judge the rest of the checklist. */
const NEUTRAL: CardHandover = {
  identityCheckMethod: 'photoId',
  issuanceNoticePresented: true,
  notificationCard: 'none',
  legacyResidentCard: 'none',
  pinRegistered: true,
  signingCert: { issued: false, notIssuedReason: 'NOT_REQUESTED' },
};

/**
 * Every problem of the checklist at once: the step's ajv schema (a choice not made, a bad value) and the handover
 * rules (rules.ts: every required item ticked, the proxy's documents, the 署名用電子証明書 rule) on what was filled in.
 * The service checks the same again when the step is sent; this only lets the screen show all errors together.
 */
export function handoverErrors(f: FormValues, body: Record<string, unknown>, facts: HandoverFacts): MappedErrors {
  const errors: FieldError[] = [];
  if (f.visitor !== 'self' && f.visitor !== 'proxy')
    errors.push({ field: '/handover/proxy', rule: 'required', message: '' });
  const v = validateStep(body);
  if (!v.ok) errors.push(...v.errors);
  const h = (body.handover ?? {}) as Partial<CardHandover>;
  const filled = { ...NEUTRAL, ...h, signingCert: h.signingCert ?? NEUTRAL.signingCert } as CardHandover;
  if (filled.proxy) filled.proxy = { ...filled.proxy, documentsChecked: { ...filled.proxy.documentsChecked } };
  const ruleErrors = evaluateHandover(filled, facts).filter((e) => !errors.some((x) => x.field === e.field));
  // in the order of the checklist on the screen
  const order = Object.keys(handoverErrorMapping.fields);
  const rank = (e: FieldError) => order.indexOf(fieldOfPointer(e.field, handoverErrorMapping).field);
  return mapFieldErrors(
    [...errors, ...ruleErrors].sort((a, b) => rank(a) - rank(b)),
    handoverErrorMapping,
  );
}
