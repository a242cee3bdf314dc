import { can } from '../../domain/roles';
import { HeldMoveOutCertificate } from '../../db/entities';
import { timeEl } from '../../api/web/components';
import { wareki } from '../../api/web/format';
import { html } from '../../api/web/html';
import type { ProcedurePanel } from '../../api/web/panels/panel-types';

const stateLabel: Record<string, string> = {
  HELD: '保管中',
  IN_USE: '転入処理中',
  USED: '転入に使用済み',
  PURGED: '消去済み（記録のみ保持）',
};

/**
 * Received 転出証明書情報 held at the destination (domain.md §4.5). Only the non-personal metadata is shown here:
 * the content carries the 個人番号 and is used by the 特例転入 case that takes it over.
 */
export const heldCertificatePanel: ProcedurePanel = {
  facts: () => [],
  async extra(ctx) {
    const h = await ctx.em.findOne(HeldMoveOutCertificate, { heldId: ctx.view.caseId });
    if (!h) return undefined;
    const intake =
      h.state === 'HELD' && can.enterCase(ctx.staff.roles)
        ? html`<p><a class="btn-primary btn-link-big" id="special-intake" href="/intake/special-move-in?held=${encodeURIComponent(h.heldId)}">特例転入を受付</a>
        <span class="help">来庁した方の個人番号カードを確認し、この転出証明書情報から特例転入届を入力します。</span></p>`
        : '';
    return html`<section class="panel" aria-labelledby="h-held"><h2 id="h-held">保管中の転出証明書情報</h2>${intake}<dl class="facts">
      <dt>状態</dt><dd>${stateLabel[h.state] ?? h.state}</dd>
      <dt>転出地（市区町村コード）</dt><dd>${h.originMunicipalityCode}</dd>
      <dt>受信日時</dt><dd>${timeEl(h.receivedAt)}${h.replacedCount ? `（更新 ${h.replacedCount} 回）` : ''}</dd>
      <dt>転出予定年月日</dt><dd>${wareki(h.plannedMoveOutDate) || '—'}</dd>
      <dt>来庁予定日</dt><dd>${wareki(h.plannedVisitDate) || '—'}</dd>
      <dt>消去予定</dt><dd>${timeEl(h.purgeAt) || '—'}</dd>
      ${h.purgedAt ? html`<dt>消去日時</dt><dd>${timeEl(h.purgedAt)}</dd>` : ''}
      ${h.usedByCaseId ? html`<dt>使用した案件</dt><dd><a href="/cases/${encodeURIComponent(h.usedByCaseId)}">${h.usedByCaseId}</a></dd>` : ''}
      <dt>メッセージID</dt><dd class="mono">${h.messageId}</dd>
    </dl></section>`;
  },
};
