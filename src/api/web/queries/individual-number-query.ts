import type { MikroORM } from '@mikro-orm/core';
import { IndividualNumberRequest } from '../../../db/entities';
import { residentCodePoolLevel } from '../../../db/resident-code-pool';

/** Why a 個人番号 generation request is on the console, in the counter's words. */
export const numberAttentionLabel: Record<string, string> = {
  NO_ANSWER: '個人番号の生成結果が機構（J-LIS）から届いていません（待機を継続中）',
  ANSWER_FOR_OTHER_CODE: '別の住民票コードに対する生成結果が届いたため記録していません（機構へ確認してください）',
};

export interface NumberConsole {
  poolLevel: number;
  poolThreshold: number;
  requests: IndividualNumberRequest[];
}

/** The 住民票コード pool level and the generation requests that need a supervisor (domain.md §4.7 steps 1, 3.2). */
export async function loadNumberConsole(orm: MikroORM, poolThreshold: number): Promise<NumberConsole> {
  const em = orm.em.fork();
  const [poolLevel, requests] = await Promise.all([
    residentCodePoolLevel(em),
    em.find(
      IndividualNumberRequest,
      { attentionReason: { $ne: null } },
      { orderBy: { attentionAt: 'asc' }, limit: 200 },
    ),
  ]);
  return { poolLevel, poolThreshold, requests };
}
