import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseRecord } from '../../src/db/entities';
import { approveUpdate } from '../../src/workflows/approval';
import { PROCEDURE_MODULES } from '../../src/procedures';
import { procedureTable } from '../../src/procedures/table';
import { sampleProcedure } from '../fixtures/sample-procedure';
import { sampleWorkflowId } from '../fixtures/sample-procedure/workflow';
import { eventually, startTestSystem, type TestSystem } from '../support/system-harness';

/**
 * README "Adding a procedure": a new procedure is a folder plus one line in the table. The test-only sample procedure
 * (test/fixtures/sample-procedure) is added to the real table here, and nothing else is touched: its intake route,
 * OpenAPI path and schema, menu entry, intake form, case panel, status labels and workflow all come from the table.
 */
describe('the procedure table drives routes, OpenAPI, menu, panel, statuses and the worker', () => {
  let sys: TestSystem;
  let clerk: string;
  const page = async (path: string, token: string) => {
    const res = await fetch(sys.apiUrl + path, { headers: { cookie: `juki_session=${encodeURIComponent(token)}` } });
    return { status: res.status, text: await res.text() };
  };
  beforeAll(async () => {
    sys = await startTestSystem(`sqlite:${join(mkdtempSync(join(tmpdir(), 'juki-table-')), 'registry.sqlite')}`, {
      procedures: procedureTable([...PROCEDURE_MODULES, sampleProcedure]),
    });
    clerk = await sys.login('clerk1');
  });
  afterAll(async () => sys?.close());

  it('a case of the sample procedure is filed, shown with its own status and panel, approved by its workflow', async () => {
    const r = await sys.api('POST', '/api/cases/sample', {
      token: clerk,
      body: { note: 'テストの内容' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(r.status).toBe(201);
    const caseId = r.json.caseId as string;
    expect(caseId).toMatch(/^SX-\d{8}-[0-9a-f]{8}$/);
    expect(r.json.workflowId).toBe(sampleWorkflowId(caseId));

    // statuses and labels from the sample's definition; the workflow (bundled from the table) sets its own status
    const shown = await eventually(async () => {
      const c = await sys.api('GET', `/api/cases/${caseId}`, { token: clerk });
      return c.json.status === 'AWAITING_APPROVAL' ? c.json : undefined;
    });
    expect(shown).toMatchObject({ procedure: 'SAMPLE_NOTICE', procedureLabel: 'サンプル届', statusLabel: '決裁待ち' });
    expect(shown.actions.map((a: { action: string }) => a.action)).toContain('INTAKE');

    // the case screen: the panel's facts and the definition's steps
    const screen = await page(`/cases/${caseId}`, clerk);
    expect(screen.status).toBe(200);
    expect(screen.text).toContain('サンプルの内容');
    expect(screen.text).toContain('テストの内容');
    expect(screen.text).toContain('サンプルの確認');
    expect(screen.text).toContain('サンプル届');

    // the frame's human steps work on it: four-eyes 決裁 by another user, then the workflow completes
    await sys.temporal.workflow
      .getHandle(sampleWorkflowId(caseId))
      .executeUpdate(approveUpdate, { args: [{ actor: { userId: 'approver1', roles: ['approver'] } }] });
    const done = await eventually(async () => {
      const row = await sys.orm.em.fork().findOne(CaseRecord, { caseId });
      return row?.status === 'COMPLETED' ? row : undefined;
    });
    expect(done.completedAt).toBeTruthy();
  });

  it('its own status has its label in the queues and the API', async () => {
    const r = await sys.api('POST', '/api/cases/sample', {
      token: clerk,
      body: { note: '別の内容' },
      headers: { 'idempotency-key': randomUUID() },
    });
    // the intake writes the sample's initial status before the workflow moves on
    const row = await sys.orm.em.fork().findOneOrFail(CaseRecord, { caseId: r.json.caseId });
    expect(['AWAITING_SAMPLE_CHECK', 'AWAITING_APPROVAL']).toContain(row.status);
    const list = await sys.api('GET', '/api/cases?procedure=SAMPLE_NOTICE', { token: clerk });
    expect(list.json.cases.length).toBeGreaterThanOrEqual(1);
    const queues = await page('/queues?queue=unassigned&procedure=SAMPLE_NOTICE', await sys.login('approver1'));
    expect(queues.text).toContain('<option value="SAMPLE_NOTICE" selected>サンプル届</option>');
    // the label of its own status comes from its definition, through the table only
    const withSample = procedureTable([...PROCEDURE_MODULES, sampleProcedure]);
    expect(withSample.statusLabel('AWAITING_SAMPLE_CHECK')).toBe('サンプル確認待ち');
    expect(withSample.isCancellable('SAMPLE_NOTICE', 'AWAITING_SAMPLE_CHECK')).toBe(true);
    expect(procedureTable(PROCEDURE_MODULES).statusLabel('AWAITING_SAMPLE_CHECK')).toBe('AWAITING_SAMPLE_CHECK');
  });

  it('OpenAPI lists its intake path with its schema; the intake menu and form exist', async () => {
    const doc = (await sys.api('GET', '/api/openapi.json')).json;
    expect(doc.paths['/api/cases/sample'].post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/SampleNotice',
    });
    expect(doc.components.schemas.SampleNotice.required).toEqual(['note']);
    expect(doc.paths['/api/cases/move-in']).toBeDefined(); // the real procedures stay
    const menu = await page('/intake', clerk);
    expect(menu.text).toContain('id="menu-sample"');
    expect(menu.text).toContain('サンプル届');
    expect((await page('/intake/sample', clerk)).text).toContain('id="sample-form"');
  });

  it('without its line in the table the procedure does not exist', async () => {
    const plain = procedureTable(PROCEDURE_MODULES);
    expect(plain.caseModule('SAMPLE_NOTICE')).toBeUndefined();
    expect(plain.workflowFiles.some((f) => f.includes('sample-procedure'))).toBe(false);
    expect(() => plain.catalog.definitionOf('SAMPLE_NOTICE')).toThrow(/unknown procedure/);
  });

  it('bad input to its intake is refused by its schema and stores nothing', async () => {
    const before = await sys.orm.em.fork().count(CaseRecord, { procedure: 'SAMPLE_NOTICE' });
    const r = await sys.api('POST', '/api/cases/sample', { token: clerk, body: { note: '' } });
    expect(r.status).toBe(400);
    expect(r.json.errors[0]).toMatchObject({ field: '/note', rule: 'minLength' });
    expect(await sys.orm.em.fork().count(CaseRecord, { procedure: 'SAMPLE_NOTICE' })).toBe(before);
  });
});
