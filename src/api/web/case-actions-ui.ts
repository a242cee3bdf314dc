/**
 * The human steps the UI can offer, keyed by the API endpoint (POST /api/cases/:caseId/<endpoint>). Which of them a
 * user may take comes from the case (`allowedActions`, computed by src/domain/case-actions.ts on the server); the
 * workflow validators decide in the end and the UI shows their refusal. `retry-now` also re-sends after a CS refusal.
 */
export interface ActionSpec {
  label: string;
  reason: 'required' | 'optional' | 'none';
  target?: boolean; // needs a staff ID (reassign)
  confirm?: string;
  danger?: boolean;
  primary?: boolean;
  group: 'decide' | 'assign' | 'supervise';
  help?: string; // shown under the button
  done: string; // notice after success
}

export const ACTION_SPECS: Record<string, ActionSpec> = {
  approve: {
    label: '決裁（承認）',
    reason: 'none',
    primary: true,
    group: 'decide',
    confirm: 'この内容で承認し、本登録します。よろしいですか？',
    done: '承認しました。本登録と住基ネットへの送信を行います。',
  },
  reject: {
    label: '却下',
    reason: 'required',
    danger: true,
    group: 'decide',
    confirm: '却下します。よろしいですか？',
    done: '却下しました。',
  },
  'request-changes': {
    label: '差戻し（入力者へ戻す）',
    reason: 'required',
    group: 'decide',
    done: '入力者へ差し戻しました。',
  },
  'confirm-review': {
    label: '審査を確定（決裁へ）',
    reason: 'optional',
    primary: true,
    group: 'decide',
    done: '審査を確定し、決裁に回しました。',
  },
  'request-contact': {
    label: '申請者へ連絡',
    reason: 'required',
    group: 'decide',
    done: '申請者への連絡中にしました。',
  },
  resubmit: { label: '再提出', reason: 'optional', primary: true, group: 'decide', done: '決裁へ再提出しました。' },
  withdraw: {
    label: '取下げ',
    reason: 'required',
    danger: true,
    group: 'decide',
    help: '入力者本人が決裁の前に届出を取り下げます（住民票には何も記載されていません）。',
    confirm: 'この届出を取り下げます。よろしいですか？',
    done: '届出を取り下げました。',
  },
  claim: { label: '担当する', reason: 'none', group: 'assign', done: 'この案件の担当になりました。' },
  release: { label: '担当を外す', reason: 'none', group: 'assign', done: '担当を外しました。' },
  reassign: { label: '再割当', reason: 'required', target: true, group: 'assign', done: '担当者を変更しました。' },
  escalate: {
    label: 'エスカレーション',
    reason: 'required',
    group: 'supervise',
    help: '上位の判断が必要な案件として印を付けます（要対応に表示）。',
    done: 'エスカレーションしました。',
  },
  'retry-now': {
    label: '今すぐ再試行',
    reason: 'required',
    primary: true,
    group: 'supervise',
    help: '失敗して再試行を待っている処理を直ちに実行します（CS エラーの後は修正済みの内容を再送）。',
    done: '再試行を指示しました。',
  },
  cancel: {
    label: '取消（補償処理あり）',
    reason: 'required',
    danger: true,
    group: 'supervise',
    help: '本登録後は異動の取消しを追記して元の状態に戻し、CS・転入予定地へ通知します。決裁後の取消は二人の監督者（申請と承認）が必要です。',
    confirm: '案件を取り消し、記録済みの内容を取消の異動で戻します。よろしいですか？',
    done: '取消を指示しました。',
  },
};

/** `retryNow` / `RETRY_NOW` / `retry-now` → `retry-now`. */
export const actionKey = (a: string): string =>
  a
    .replace(/_/g, '-')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

/** The actions the server offers this user (GET /api/cases/:id `allowedActions`) that the UI knows how to show. */
export const allowedActionsOf = (c: { allowedActions?: string[] }): string[] =>
  (c.allowedActions ?? []).map(actionKey).filter((a) => ACTION_SPECS[a]);

/** Refusal codes of the validators and the API, in the words a clerk understands (when the API sent no message). */
export const refusalText: Record<string, string> = {
  ROLE_REQUIRED: 'この操作に必要な権限がありません。',
  FORBIDDEN: 'この操作を行う権限がありません。',
  FOUR_EYES: '入力者（申請者）本人は決裁・承認できません（四つの目の原則）。',
  NOT_ASSIGNEE: 'この案件の担当者ではありません。',
  ALREADY_ASSIGNED: '他の職員が既に担当しています。',
  NOT_AWAITING_APPROVAL: 'この案件は決裁待ちではありません。',
  NOT_RETRYABLE_NOW: '今は再試行できる状態ではありません。',
  NOT_CANCELLABLE: 'この案件は取り消せない状態です。',
  CASE_CLOSED: 'この案件は既に終了しています。',
  CASE_NOT_STARTED: 'この案件の処理はまだ開始されていません。少し待ってから、もう一度操作してください。',
  REASON_REQUIRED: '理由を入力してください。',
  VALIDATION_FAILED: '入力内容に誤りがあります。',
  CSRF_FAILED: '画面を開き直してから操作してください。',
  NOT_CLAIMABLE: 'この案件は担当者の処理を待っていません。',
  NOT_ASSIGNED: 'この案件には担当者がいません。',
  ASSIGNEE_NOT_ELIGIBLE: '指定の職員はこの処理を担当できません。',
  ALREADY_ESCALATED: '既にエスカレーション済みです。',
  NOT_MAKER: 'この操作は入力者本人だけができます。',
  NOT_RETURNED: 'この案件は差戻し中ではありません。',
  NOT_IN_STEP: 'この案件は今その処理の段階にありません。',
  UNKNOWN_USER: '指定の職員が見つかりません。',
};
