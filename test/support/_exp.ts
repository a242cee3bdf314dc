import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
const root = '/work/main';
async function main() {
  const p = execFileSync('bash', [path.join(root, 'scripts/ensure-test-server.sh')], { encoding: 'utf8' }).trim();
  let t = Date.now();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: p } } });
  console.log('env up in', Date.now() - t, 'ms at', env.address);
  const op = env.connection.operatorService;
  try { console.log('list', JSON.stringify(await op.listSearchAttributes({ namespace: env.namespace ?? 'default' }))); } catch (e) { console.log('list failed', String(e)); }
  if (process.env.REGISTER) {
    try { await op.addSearchAttributes({ namespace: 'default', searchAttributes: { CaseStatus: 2, Procedure: 2, NeedsAttention: 5, AssignedTo: 2 } }); console.log('added'); } catch (e) { console.log('add failed', String(e)); }
    try { console.log('list2', JSON.stringify(await op.listSearchAttributes({ namespace: 'default' }))); } catch (e) { console.log('list failed', String(e)); }
  }
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'q', workflowsPath: path.join(root, 'test/workflow/fixtures/sleep-workflow.ts') });
  t = Date.now();
  try {
    const r = await worker.runUntil(env.client.workflow.execute('sleepThenTag', { args: [30], taskQueue: 'q', workflowId: 'wf-1', workflowExecutionTimeout: '60 days' }));
    console.log('result', r, 'real ms', Date.now() - t, 'days', (r.wokeAtMs - r.startedAtMs) / 86400000);
    const d = await env.client.workflow.getHandle('wf-1').describe();
    console.log('describe SA', JSON.stringify(d.searchAttributes), d.typedSearchAttributes.getAll().map(p=>[p.key.name,p.key.type,p.value]));
  } catch (e) { console.log('wf failed', e); }
  await env.teardown();
}
main().catch((e) => { console.error(e); process.exit(1); });
