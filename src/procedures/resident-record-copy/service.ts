import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Client } from '@temporalio/client';
import type { AppConfig } from '../../config';
import { compileSchema } from '../../domain/ajv';
import { ISSUANCE_REFUSAL_MESSAGE } from '../../domain/support-measures';
import { actorFields, audit } from '../../db/audit-writer';
import { AuditAction, Resident } from '../../db/entities';
import { issuanceBlocked } from '../../db/issuance-blocks';
import type { StaffContext } from '../../api/auth';
import { parseApplication } from '../../api/case-intake';
import { ApiError } from '../../api/errors';
import { evaluateCounterCopy } from './rules';
import { ResidentRecordCopyRequestSchema, type CounterCopyInput, type ResidentRecordCopyRequest } from './schema';
import { residentRecordCopyWorkflow, residentRecordCopyWorkflowId } from './workflow';

export interface CounterCopyDeps {
  orm: MikroORM;
  temporal: Client;
  config: Pick<AppConfig, 'taskQueue' | 'householdMemberMayRequestIndividualNumber' | 'timings'>;
}
export interface CounterCopyResult {
  certificateId: string;
  issueNumber: string;
  pages: number;
  href: string;
}

const validate = compileSchema<ResidentRecordCopyRequest>(ResidentRecordCopyRequestSchema);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * POST /api/certificates/resident-record-copy: validate (ajv, then the rules of domain.md §5.2 and §8.6 against the
 * current registry: rules.ts), then issue through `residentRecordCopyWorkflow` and wait for it. A refusal stores
 * nothing but an audit row (refused provision attempts are recorded, domain.md §8.4). X-Request-Id (a UUID) makes a
 * double submit issue one copy.
 */
export async function issueCounterCopy(
  deps: CounterCopyDeps,
  staff: StaffContext,
  body: unknown,
  requestId: string | undefined,
): Promise<CounterCopyResult> {
  const req = parseApplication(validate, body);
  const em = deps.orm.em.fork();
  const found = new Map(
    (await em.find(Resident, { addresseeNumber: { $in: req.addresseeNumbers } })).map((p) => [p.addresseeNumber, p]),
  );
  const errors = evaluateCounterCopy(req, {
    persons: req.addresseeNumbers.map((a) => found.get(a)),
    householdMemberMayRequestIndividualNumber: deps.config.householdMemberMayRequestIndividualNumber,
  });
  const blocked = errors.length ? new Set<string>() : await issuanceBlocked(em, req.addresseeNumbers);
  if (errors.length || blocked.size) {
    audit(
      em,
      ...req.addresseeNumbers.map((a) => ({
        ...actorFields(staff),
        ip: staff.ip,
        action: AuditAction.DENIED,
        function: 'POST /api/certificates/resident-record-copy',
        targetAddresseeNumber: a,
        outcome: 'denied' as const,
        individualNumberAccessed: false,
        detail: {
          rules: [...errors.map((e) => e.rule), ...(blocked.has(a) ? ['SUPPORT_MEASURE'] : [])],
          blocked: blocked.has(a),
        },
      })),
    );
    await em.flush();
    if (blocked.size) throw new ApiError(403, 'ISSUANCE_BLOCKED', ISSUANCE_REFUSAL_MESSAGE);
    throw new ApiError(422, 'RULE_VIOLATION', '請求の内容が交付の規則に合いません', errors);
  }
  const id = requestId && UUID.test(requestId.toLowerCase()) ? requestId.toLowerCase() : randomUUID();
  const input: CounterCopyInput = {
    requestId: id,
    ...(req.kind === 'removedRecord' ? { kind: 'removedRecord' as const } : {}),
    addresseeNumbers: req.addresseeNumbers,
    requester: req.requester.relation,
    operatorId: staff.userId,
    terminalId: staff.terminalId,
    options: {
      includeHouseholdHead: Boolean(req.options.includeHouseholdHead),
      includeDomicile: Boolean(req.options.includeDomicile),
      includeResidentRecordCode: Boolean(req.options.includeResidentRecordCode),
      includeIndividualNumber: Boolean(req.options.includeIndividualNumber),
    },
  };
  const result = await deps.temporal.workflow.execute(residentRecordCopyWorkflow, {
    workflowId: residentRecordCopyWorkflowId(id),
    taskQueue: deps.config.taskQueue,
    args: [{ ...input, timings: deps.config.timings }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return { ...result, href: `/api/certificates/${result.certificateId}/pdf` };
}
