import type { MikroORM } from '@mikro-orm/core';
import type { RequestHandler, Router } from 'express';
import { can } from '../../../domain/roles';
import type { PiiCrypto } from '../../../db/pii-crypto';
import { takeFlash } from '../flash';
import { html } from '../html';
import { page } from '../layout';
import { requireWebRole } from '../web-auth';
import { webOf } from '../web-context';
import { installMoveInRoutes } from './move-in-routes';
import { installMoveOutRoutes } from './move-out-page';
import { installSpecialMoveInRoutes } from './special-move-in-page';

/**
 * 届出の受付 (仮登録) for clerks: the 転入届, 転出届 and 特例転入届 forms. Each builds the JSON application and sends it
 * to the same API endpoint as any other client; nothing is stored before the API has accepted it.
 */
export function installIntakeRoutes(
  r: Router,
  deps: { orm: MikroORM; pii: PiiCrypto; municipalityName: string },
  session: RequestHandler,
) {
  const gate = requireWebRole(deps.orm, can.enterCase, 'GET /intake');
  r.get('/intake', session, gate, (req, res) => {
    const body = html`<div class="intake-menu">
      <section class="panel"><h2>転入届（転出証明書あり）</h2><p>他の市区町村から転入した方。紙の転出証明書を見ながら、転入者・新住所・転入日・前住所・世帯を入力します。</p>
        <p><a class="btn-primary btn-link-big" href="/intake/move-in" id="menu-move-in">転入届を入力する</a></p></section>
      <section class="panel"><h2>転出届</h2><p>本市から転出する方。住民検索で本人を探し、検索結果または住民票の画面の「転出届を作成」から始めます（世帯員が一覧に表示されます）。</p>
        <p><a class="btn-primary btn-link-big" href="/search" id="menu-move-out">住民検索から転出届を作成</a></p></section>
      <section class="panel"><h2>特例転入届（個人番号カード）</h2><p>カードを提示して転入する方。本日の来庁予定（保管中の転出証明書情報）から始めると、転出証明書情報の内容が入力済みになります。届いていない場合は空の様式から入力します。</p>
        <p><a class="btn-primary btn-link-big" href="/queues?queue=visitors" id="menu-visitors">本日の来庁予定から受付</a> <a href="/intake/special-move-in" id="menu-special">空の様式で入力する</a></p></section>
      <section class="panel"><h2>住民票の写しの交付（窓口）</h2><p>住民検索で請求者の住民票を開き、「住民票の写しの交付」から交付します。</p><p><a href="/search">住民検索へ</a></p></section>
    </div>`;
    res.type('html').send(
      page({
        title: '届出の受付',
        ctx: webOf(res),
        municipalityName: deps.municipalityName,
        body,
        notice: takeFlash(req, res),
      }),
    );
  });
  installMoveInRoutes(r, deps, session, gate);
  installMoveOutRoutes(r, deps, session, gate);
  installSpecialMoveInRoutes(r, deps, session, gate);
}
