import type { CounterCopyInput } from '../activities/counter-certificate';
import { registry } from './shared/proxies';

/**
 * 住民票の写し issued at the counter, outside a procedure: one activity (交付履歴, audit, PDF). The input holds IDs
 * and flags only (宛名番号, requested items, the requester's relation), never personal data.
 */
export async function residentRecordCopyWorkflow(input: CounterCopyInput) {
  return registry.issueCounterResidentRecordCopy(input);
}
