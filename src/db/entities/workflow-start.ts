import { EntitySchema } from '@mikro-orm/core';

/**
 * The start of a case's workflow, written in the intake's transaction beside the case row (an outbox for the start):
 * when the API dies between its commit and the workflow start, a reconciler starts it from here
 * (src/api/workflow-starts.ts). The input is the workflow's own (IDs, flags, timings: never personal data).
 */
export class WorkflowStartRequest {
  caseId!: string;
  workflowType!: string;
  workflowId!: string;
  taskQueue!: string;
  input!: Record<string, unknown>;
  /** The search attributes of the start: CaseStatus and Procedure. */
  caseStatus!: string;
  procedure!: string;
  createdAt: Date = new Date();
  startedAt?: Date;
}

export const WorkflowStartRequestSchema = new EntitySchema<WorkflowStartRequest>({
  class: WorkflowStartRequest,
  tableName: 'workflow_start_request',
  properties: {
    caseId: { type: 'string', length: 64, primary: true },
    workflowType: { type: 'string', length: 64 },
    workflowId: { type: 'string', length: 128 },
    taskQueue: { type: 'string', length: 128 },
    input: { type: 'json' },
    caseStatus: { type: 'string', length: 40 },
    procedure: { type: 'string', length: 40 },
    createdAt: { type: 'datetime' },
    startedAt: { type: 'datetime', nullable: true },
  },
  indexes: [{ properties: ['startedAt', 'createdAt'] }],
});
