import { describe, expect, it } from 'vitest';
import { attrs, escapeHtml, html, joinHtml, raw } from '../../../src/api/web/html';
import { safeReturn } from '../../../src/api/web/flash';
import { actionKey, allowedActionsOf } from '../../../src/api/web/case-actions-ui';
import { japaneseErrors, validateForm, ActionFormSchemas, reasonMessages } from '../../../src/api/web/forms';

describe('html template escaping', () => {
  it('escapes every interpolated string, including attribute quotes and backticks', () => {
    const name = `<script>alert("x")</script>'\`&`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&#96;&amp;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&#96;&amp;</p>',
    );
    expect(escapeHtml('山田　太郎')).toBe('山田　太郎');
  });
  it('keeps nested templates and raw() as markup, renders nothing for nullish and booleans', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${raw('<br>')}${null}${undefined}${false}${true}${0}</p>`.value).toBe(
      '<p><b>&lt;i&gt;</b><br>0</p>',
    );
  });
  it('renders arrays and joins with a separator', () => {
    expect(html`<ul>${['<a>', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe(
      '<ul><li>&lt;a&gt;</li><li>b</li></ul>',
    );
    expect(joinHtml(['a<', html`<b>b</b>`], html`<hr>`).value).toBe('a&lt;<hr><b>b</b>');
  });
  it('builds attributes, leaving out false and nullish ones', () => {
    expect(attrs({ disabled: true, hidden: false, title: 'a"b', id: undefined, n: 3 }).value).toBe(
      ' disabled title="a&quot;b" n="3"',
    );
  });
});

describe('redirect targets', () => {
  it('allows local paths only', () => {
    expect(safeReturn('/queues?queue=mine&sort=due', '/')).toBe('/queues?queue=mine&sort=due');
    for (const bad of [
      '//evil.example',
      'https://evil.example',
      '/\\evil',
      'javascript:alert(1)',
      '/a"b',
      3,
      undefined,
    ])
      expect(safeReturn(bad, '/x')).toBe('/x');
  });
});

describe('case actions offered by the UI', () => {
  it('normalises action names from the server', () => {
    expect(actionKey('retryNow')).toBe('retry-now');
    expect(actionKey('REQUEST_CHANGES')).toBe('request-changes');
    expect(actionKey('claim')).toBe('claim');
  });
  it('uses the server list when present and drops unknown actions', () => {
    expect(allowedActionsOf({ allowedActions: ['claim', 'retryNow', 'confirmReview', 'teleport'] })).toEqual([
      'claim',
      'retry-now',
      'confirm-review',
    ]);
    expect(allowedActionsOf({})).toEqual([]);
  });
});

describe('form validation with Japanese field errors', () => {
  it('requires a reason, naming the field, never echoing the value', () => {
    const r = validateForm(ActionFormSchemas.required, { reason: '   ', _csrf: 'x' }, reasonMessages);
    expect(r).toEqual({ ok: false, errors: { reason: '理由を入力してください（必須）' } });
    const long = validateForm(ActionFormSchemas.required, { reason: 'あ'.repeat(501) }, reasonMessages);
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.errors.reason).toBe('理由は500文字以内で入力してください');
  });
  it('accepts a valid reassign and ignores undeclared fields', () => {
    expect(
      validateForm(
        ActionFormSchemas.reassign,
        { reason: '休暇のため', to: 'clerk2', requestId: 'r', extra: 'x' },
        reasonMessages,
      ),
    ).toEqual({ ok: true, value: { reason: '休暇のため', to: 'clerk2' } });
    const bad = validateForm(ActionFormSchemas.reassign, { reason: 'x', to: 'a b' }, reasonMessages);
    expect(bad.ok ? undefined : bad.errors.to).toBe('割当先の職員IDの形式が正しくありません');
  });
  it('falls back to a generic message with the field label', () => {
    expect(japaneseErrors([{ field: '/name', rule: 'pattern', message: '' }], { name: { label: '氏名' } })).toEqual({
      name: '氏名の形式が正しくありません',
    });
  });
});
