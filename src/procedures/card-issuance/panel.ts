import type { Facts, ProcedurePanel } from '../../api/web/panels/panel-types';
import { proxyReasonLabel, type ProxyReason, type StoredCardIssuance } from './schema';

const identityLabel: Record<string, string> = {
  photoId: '顔写真付き本人確認書類1点',
  twoDocuments: '本人確認書類2点',
  interview: '交付通知書と聞き取り',
};
const yesNo = (b: boolean | undefined) => (b ? '済' : '未');

/** The card and, once recorded, the handover checklist (the card-ui screens build on this; no PIN is ever stored). */
export const cardIssuancePanel: ProcedurePanel = {
  facts(app) {
    const a = app as StoredCardIssuance;
    const facts: Facts = [['カード管理番号', a.cardId]];
    const h = a.handover;
    if (!h) return [...facts, ['交付', '未（来庁待ち）']];
    facts.push(
      ['本人確認', identityLabel[h.identityCheckMethod] ?? h.identityCheckMethod],
      ['交付通知書の提示', yesNo(h.issuanceNoticePresented)],
      ['通知カード', h.notificationCard === 'collected' ? '回収' : 'なし'],
      ['住基カード', h.legacyResidentCard === 'collectedAndAbolished' ? '廃止・回収' : 'なし'],
      ['代理人', h.proxy ? `代理人交付（${proxyReasonLabel[h.proxy.reason as ProxyReason]}）` : '本人'],
      ['暗証番号の設定', yesNo(h.pinRegistered)],
      [
        '署名用電子証明書',
        h.signingCert.issued
          ? `発行${h.signingCert.exceptionReason ? `（例外: ${h.signingCert.exceptionReason}）` : ''}`
          : `発行しない（${h.signingCert.notIssuedReason ?? ''}）`,
      ],
      ['記録した職員', h.recordedBy],
    );
    return facts;
  },
};
