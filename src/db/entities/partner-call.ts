import { EntitySchema } from '@mikro-orm/core';

export const PartnerName = { CS: 'CS', JLIS: 'JLIS', PORTAL: 'PORTAL' } as const;
export type PartnerName = (typeof PartnerName)[keyof typeof PartnerName];

/**
 * One call to an external partner (CS, J-LIS, マイナポータル) and its outcome, for partner health on the dashboard
 * and the supervisor console (recent error rate, outages). No message content: operation, status, error code.
 */
export class PartnerCall {
  id!: number;
  partner!: PartnerName;
  operation!: string;
  ok!: boolean;
  httpStatus?: number;
  errorCode?: string;
  durationMs!: number;
  caseId?: string;
  at: Date = new Date();
}

export const PartnerCallSchema = new EntitySchema<PartnerCall>({
  class: PartnerCall,
  tableName: 'partner_call',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    partner: { type: 'string', length: 10 },
    operation: { type: 'string', length: 40 },
    ok: { type: 'boolean' },
    httpStatus: { type: 'integer', nullable: true },
    errorCode: { type: 'string', length: 64, nullable: true },
    durationMs: { type: 'integer' },
    caseId: { type: 'string', length: 64, nullable: true },
    at: { type: 'datetime' },
  },
  indexes: [{ properties: ['partner', 'at'] }, { properties: ['at'] }],
});
