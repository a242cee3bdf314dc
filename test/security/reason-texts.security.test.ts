import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseActionLog, CaseNote } from '../../src/db/entities';
import { CIPHERTEXT_PATTERN } from '../../src/db/pii-crypto';
import { CaseAction, CaseStatus } from '../../src/domain/case-status';
import { moveInWorkflowId } from '../../src/procedures/move-in/workflow';
import { dataConverterFor } from '../../src/temporal/client';
import { moveInApplication } from '../support/fixtures';
import { piiOf } from '../support/harness';
import { caseStatus, freshMariaDbUrl, startTestSystem, type TestSystem } from '../support/system-harness';

type Payload = { metadata?: Record<string, Uint8Array>; data?: Uint8Array };
const isPayload = (n: unknown): n is Payload =>
  !!n && typeof n === 'object' && 'metadata' in n && 'data' in n && (n as Payload).data instanceof Uint8Array;
function payloadsIn(node: unknown, into: Payload[] = []): Payload[] {
  if (isPayload(node)) into.push(node);
  else if (Array.isArray(node)) node.forEach((n) => payloadsIn(n, into));
  else if (node && typeof node === 'object' && !(node instanceof Uint8Array))
    Object.values(node).forEach((v) => payloadsIn(v, into));
  return into;
}

/**
 * Issue 13 item 1 (README "Security", trusted workflow inputs): a reason a clerk types may name a person; it is stored
 * encrypted in case_note and the workflow update carries only its ID, so the Temporal history holds no such text.
 */
describe('staff-typed reasons stay out of the Temporal history', () => {
  let sys: TestSystem;
  let clerk: string;
  let approver: string;
  let caseId: string;
  const reason = '転入者 鈴木一郎 の前住所の方書が転出証明書と異なるため確認してください';

  beforeAll(async () => {
    sys = await startTestSystem(freshMariaDbUrl());
    clerk = await sys.login('clerk1');
    approver = await sys.login('approver1');
    const r = await sys.api('POST', '/api/cases/move-in', {
      token: clerk,
      body: moveInApplication(),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(r.status).toBe(201);
    caseId = r.json.caseId;
    await caseStatus(sys, clerk, caseId, CaseStatus.AWAITING_APPROVAL);
  });
  afterAll(async () => sys?.close());

  it('a blank reason is refused by ajv naming the field, and stores nothing', async () => {
    const r = await sys.api('POST', `/api/cases/${caseId}/request-changes`, {
      token: approver,
      body: { reason: '   ' },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toMatch(/\/reason/);
    expect(JSON.stringify(r.json)).toMatch(/pattern/);
    expect(await sys.orm.em.fork().count(CaseNote, { caseId })).toBe(0);
  });

  it('a 差戻し naming a person: the history has only the reasonId, the note is encrypted, the screens show the text', async () => {
    const r = await sys.api('POST', `/api/cases/${caseId}/request-changes`, { token: approver, body: { reason } });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    await caseStatus(sys, clerk, caseId, CaseStatus.RETURNED);

    // the DB row: the text encrypted at rest, by the approver, of this case
    const em = sys.orm.em.fork();
    const notes = await em.find(CaseNote, { caseId });
    expect(notes).toHaveLength(1);
    const [note] = notes;
    expect(note!.kind).toBe('request-changes');
    expect(note!.authorId).toBe('approver1');
    expect(note!.text).toMatch(CIPHERTEXT_PATTERN);
    expect(note!.text).not.toContain('鈴木');
    expect(piiOf(sys.config).decrypt(note!.text)).toBe(reason);

    // the case action log names the note, not the text
    const logged = await em.findOneOrFail(CaseActionLog, { caseId, action: CaseAction.REQUEST_CHANGES });
    expect(logged.detail).toMatchObject({ reasonId: note!.id });
    expect(JSON.stringify(logged.detail)).not.toContain('鈴木');

    // the Temporal history, every payload decoded with the system's codec: the reasonId, never the text
    const history = await sys.temporal.workflow.getHandle(moveInWorkflowId(caseId)).fetchHistory();
    const codec = dataConverterFor(sys.config).payloadCodecs[0]!;
    const encrypted = (p: Payload) => Buffer.from(p.metadata?.encoding ?? []).toString() === 'binary/encrypted';
    const all = payloadsIn(history.events);
    const decoded = [...(await codec.decode(all.filter(encrypted) as never)), ...all.filter((p) => !encrypted(p))];
    const texts = decoded.map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');
    expect(texts).toContain(note!.id); // the update argument, decoded
    for (const secret of ['鈴木', '一郎', '方書が転出証明書']) expect(texts).not.toContain(secret);
    expect(JSON.stringify(history.events)).not.toContain('鈴木');

    // the API and the case screen show the reason
    const view = await sys.api('GET', `/api/cases/${caseId}`, { token: clerk });
    const action = view.json.actions.find((a: { action: string }) => a.action === CaseAction.REQUEST_CHANGES);
    expect(action.detail.reason).toBe(reason);
    const page = await fetch(`${sys.apiUrl}/cases/${caseId}`, {
      headers: { cookie: `juki_session=${encodeURIComponent(clerk)}` },
    });
    const html = await page.text();
    expect(html).toContain('差戻し');
    expect(html).toContain(reason);
  });
});
