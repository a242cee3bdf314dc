import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { compileSchema } from '../domain/ajv';
import { jstDate } from '../domain/dates';
import { can } from '../domain/roles';
import {
  checkConfirmation,
  checkEnding,
  checkExtension,
  extendedEnd,
  MeasureKind,
  MeasureLevel,
  MeasureProcess,
  MeasureState,
  PendingAction,
  periodAlert,
  ProvisionalReason,
  supportPeriodEnd,
  type Check,
} from '../domain/support-measures';
import { actorFields, audit } from '../db/audit-writer';
import { AuditAction, Resident, SupportMeasure, SupportMeasureEvent } from '../db/entities';
import type { ApiDeps } from './api-deps';
import type { StaffContext } from './auth';
import { authorize } from './authorize';
import { parseApplication } from './case-intake';
import { ApiError } from './errors';

/**
 * The 支援措置 / 抑止 register (domain.md §8.6; standard spec 3.1, 3.4) for the JSON API and the web screen. Only the
 * 支援措置責任者 (`supportMeasureOfficer`, domain.md §2.1) may use it. Entering, extending and ending are made by one
 * user and take effect when another confirms (four-eyes, domain.md §8.3); a 仮支援措置 protects from the request on.
 * Every action and every read of the applicant / 加害者 data is audited; the history keeps every change.
 */
export interface Perpetrator {
  name: string;
  birthDate?: string;
  sex?: '1' | '2' | '9';
  address?: string;
}
export interface MeasurePersonal {
  applicant: { relation: 'self' | 'other'; name?: string };
  perpetrators?: Perpetrator[];
}
export interface EnterMeasureRequest extends MeasurePersonal {
  kind: MeasureKind;
  targetAddresseeNumber: string;
  companionAddresseeNumbers?: string[];
  processes: MeasureProcess[];
  level?: MeasureLevel;
  startDate: string;
  endDate?: string;
}

const addressee = { type: 'string', pattern: '^[0-9]{7}$' } as const;
export const EnterMeasureRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'targetAddresseeNumber', 'processes', 'startDate', 'applicant'],
  properties: {
    kind: { enum: Object.values(MeasureKind) },
    targetAddresseeNumber: addressee,
    companionAddresseeNumbers: { type: 'array', items: addressee, maxItems: 10, uniqueItems: true },
    processes: {
      type: 'array',
      items: { enum: Object.values(MeasureProcess) },
      minItems: 1,
      maxItems: 3,
      uniqueItems: true,
    },
    level: { enum: Object.values(MeasureLevel) },
    startDate: { type: 'string', format: 'iso-date' },
    endDate: { type: 'string', format: 'iso-date' },
    applicant: {
      type: 'object',
      additionalProperties: false,
      required: ['relation'],
      properties: {
        relation: { enum: ['self', 'other'] },
        name: { type: 'string', minLength: 1, maxLength: 100 },
      },
    },
    perpetrators: {
      type: 'array',
      maxItems: 5,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100 },
          birthDate: { type: 'string', format: 'iso-date' },
          sex: { enum: ['1', '2', '9'] },
          address: { type: 'string', minLength: 1, maxLength: 255 },
        },
      },
    },
  },
  allOf: [
    // a 支援措置 always blocks (ERROR) and its end is set automatically (1 year)
    {
      if: { properties: { kind: { const: MeasureKind.SUPPORT } }, required: ['kind'] },
      then: { properties: { level: { const: MeasureLevel.ERROR }, endDate: false } },
    },
  ],
} as const;
const validateEnter = compileSchema<EnterMeasureRequest>(EnterMeasureRequestSchema);

export const EndMeasureRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;
const validateEnd = compileSchema<{ reason: string }>(EndMeasureRequestSchema);

export interface MeasureView {
  measureId: string;
  kind: MeasureKind;
  state: MeasureState;
  provisionalReason?: string;
  targetAddresseeNumber: string;
  addresseeNumbers: string[];
  processes: string[];
  level: MeasureLevel;
  startDate: string;
  endDate?: string;
  alert?: 'FINAL_MONTH' | 'EXPIRED';
  pending?: { action: string; by: string; at: string };
  enteredBy: string;
  confirmedBy?: string;
  releasedUntil?: string;
}

const view = (m: SupportMeasure, today: string): MeasureView => ({
  measureId: m.measureId,
  kind: m.kind,
  state: m.state,
  ...(m.provisionalReason ? { provisionalReason: m.provisionalReason } : {}),
  targetAddresseeNumber: m.targetAddresseeNumber,
  addresseeNumbers: m.addresseeNumbers,
  processes: m.processes,
  level: m.level,
  startDate: m.startDate,
  ...(m.endDate ? { endDate: m.endDate } : {}),
  ...(periodAlert(m, today) ? { alert: periodAlert(m, today) } : {}),
  ...(m.pending ? { pending: { action: m.pending.action, by: m.pending.by, at: m.pending.at } } : {}),
  enteredBy: m.enteredBy,
  ...(m.confirmedBy ? { confirmedBy: m.confirmedBy } : {}),
  ...(m.releasedUntil && m.releasedUntil > new Date() ? { releasedUntil: m.releasedUntil.toISOString() } : {}),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function supportMeasureService(deps: Pick<ApiDeps, 'orm' | 'pii' | 'config'>) {
  const { orm } = deps;
  const fn = (op: string) => `${op} /api/support-measures`;
  const gate = (staff: StaffContext, op: string) => authorize(orm, staff, can.manageSupportMeasures, fn(op));
  const base = (staff: StaffContext) => ({
    ...actorFields(staff),
    ip: staff.ip,
  });
  const record = (
    em: EntityManager,
    staff: StaffContext,
    m: SupportMeasure,
    action: string,
    op: string,
    detail: Record<string, unknown> = {},
  ) => {
    em.persist(
      em.create(SupportMeasureEvent, {
        measureId: m.measureId,
        at: new Date(),
        actorId: staff.userId,
        action,
        state: m.state,
        detail,
      }),
    );
    audit(
      em,
      ...m.addresseeNumbers.map((a) => ({
        ...base(staff),
        action: AuditAction.SUPPORT_MEASURE,
        function: op,
        targetAddresseeNumber: a,
        detail: { measureId: m.measureId, action, ...detail },
      })),
    );
  };
  const load = async (em: EntityManager, staff: StaffContext, measureId: string, op: string) => {
    const m = UUID.test(measureId) ? await em.findOne(SupportMeasure, { measureId }) : null;
    if (!m) {
      audit(em, {
        ...base(staff),
        action: AuditAction.DENIED,
        function: op,
        outcome: 'denied',
        detail: { measureId: 'unknown' },
      });
      await em.flush();
      throw new ApiError(404, 'MEASURE_NOT_FOUND', '該当する支援措置・抑止はありません');
    }
    return m;
  };
  const refuse = async (em: EntityManager, staff: StaffContext, m: SupportMeasure, op: string, c: Check) => {
    if (c.ok) return;
    audit(
      em,
      ...m.addresseeNumbers.map((a) => ({
        ...base(staff),
        action: AuditAction.DENIED,
        function: op,
        targetAddresseeNumber: a,
        outcome: 'denied' as const,
        detail: { measureId: m.measureId, rule: c.code },
      })),
    );
    await em.flush();
    throw new ApiError(c.code === 'FOUR_EYES' ? 403 : 409, c.code, c.message);
  };
  const today = () => jstDate(new Date());

  return {
    /** 支援措置 / 抑止 in the register, newest first; `all` includes the ended ones. */
    async list(staff: StaffContext, o: { all?: boolean } = {}): Promise<MeasureView[]> {
      await gate(staff, 'GET');
      const em = orm.em.fork();
      const rows = await em.find(SupportMeasure, o.all ? {} : { state: { $ne: MeasureState.ENDED } }, {
        orderBy: { createdAt: 'desc' },
        limit: 500,
      });
      return rows.map((m) => view(m, today()));
    },

    /** One measure with its history; the applicant and 加害者 data are decrypted only on request, and audited. */
    async get(staff: StaffContext, measureId: string, o: { personal?: boolean } = {}) {
      await gate(staff, 'GET');
      const em = orm.em.fork();
      const m = await load(em, staff, measureId, fn('GET'));
      const events = await em.find(SupportMeasureEvent, { measureId }, { orderBy: { id: 'asc' } });
      let personal: MeasurePersonal | undefined;
      if (o.personal) {
        await em.populate(m, ['personalEnc']);
        personal = m.personalEnc ? (JSON.parse(deps.pii.decrypt(m.personalEnc)) as MeasurePersonal) : undefined;
      }
      audit(
        em,
        ...m.addresseeNumbers.map((a) => ({
          ...base(staff),
          action: AuditAction.INQUIRY,
          function: fn('GET'),
          targetAddresseeNumber: a,
          detail: { measureId, personal: Boolean(o.personal) },
        })),
      );
      await em.flush();
      return {
        ...view(m, today()),
        history: events.map((e) => ({
          at: e.at.toISOString(),
          actorId: e.actorId,
          action: e.action,
          state: e.state,
          detail: e.detail,
        })),
        ...(personal ? { personal } : {}),
      };
    },

    /** Enter a request: 仮支援措置 (protecting at once) until another user confirms it. */
    async enter(staff: StaffContext, body: unknown): Promise<MeasureView> {
      await gate(staff, 'POST');
      const req = parseApplication(validateEnter, body);
      const em = orm.em.fork();
      const nums = [req.targetAddresseeNumber, ...(req.companionAddresseeNumbers ?? [])];
      if (new Set(nums).size !== nums.length)
        throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', [
          { field: '/companionAddresseeNumbers', rule: 'distinct', message: '支援対象者と同じ方は指定できません' },
        ]);
      const found = await em.count(Resident, { addresseeNumber: { $in: nums } });
      if (found !== nums.length) throw new ApiError(422, 'PERSON_NOT_FOUND', '住民票のない宛名番号が含まれています');
      if (req.endDate && req.endDate < req.startDate)
        throw new ApiError(400, 'VALIDATION_FAILED', '入力内容に誤りがあります', [
          { field: '/endDate', rule: 'afterStart', message: '終了日は開始日以降にしてください' },
        ]);
      const personal: MeasurePersonal = {
        applicant: req.applicant,
        ...(req.perpetrators?.length ? { perpetrators: req.perpetrators } : {}),
      };
      const now = new Date();
      const m = em.create(SupportMeasure, {
        measureId: randomUUID(),
        kind: req.kind,
        state: MeasureState.PROVISIONAL,
        provisionalReason: ProvisionalReason.REQUEST,
        targetAddresseeNumber: req.targetAddresseeNumber,
        addresseeNumbers: nums,
        processes: req.processes,
        level: req.kind === MeasureKind.SUPPORT ? MeasureLevel.ERROR : (req.level ?? MeasureLevel.ERROR),
        startDate: req.startDate,
        endDate: req.kind === MeasureKind.SUPPORT ? supportPeriodEnd(req.startDate) : req.endDate,
        personalEnc: deps.pii.encrypt(JSON.stringify(personal)),
        pending: { action: PendingAction.ENTER, by: staff.userId, at: now.toISOString() },
        enteredBy: staff.userId,
        createdAt: now,
        updatedAt: now,
      });
      em.persist(m);
      record(em, staff, m, 'ENTER', fn('POST'), {
        kind: m.kind,
        startDate: m.startDate,
        endDate: m.endDate,
        perpetrators: personal.perpetrators?.length ?? 0,
      });
      await em.flush();
      return view(m, today());
    },

    /** The second user confirms the pending change: the decision (支援措置), the extension or the end. */
    async confirm(staff: StaffContext, measureId: string): Promise<MeasureView> {
      const op = fn('POST /:id/confirm');
      await gate(staff, 'POST /:id/confirm');
      const em = orm.em.fork();
      const m = await load(em, staff, measureId, op);
      await refuse(em, staff, m, op, checkConfirmation(m, staff.userId));
      const pending = m.pending!;
      const detail: Record<string, unknown> = { change: pending.action, by: pending.by };
      if (pending.action === PendingAction.ENTER) {
        m.state = MeasureState.ACTIVE;
        m.provisionalReason = undefined;
        m.confirmedBy = staff.userId;
      } else if (pending.action === PendingAction.EXTEND) {
        detail.from = m.endDate;
        m.endDate = extendedEnd(m.endDate!);
        detail.to = m.endDate;
      } else {
        m.state = MeasureState.ENDED;
        m.releasedUntil = undefined;
        detail.reason = pending.reason;
      }
      m.pending = undefined;
      m.updatedAt = new Date();
      record(em, staff, m, 'CONFIRM', op, detail);
      await em.flush();
      return view(m, today());
    },

    /** Ask for the extension by 1 year (from 1 month before the end); another user confirms. */
    async extend(staff: StaffContext, measureId: string): Promise<MeasureView> {
      const op = fn('POST /:id/extend');
      await gate(staff, 'POST /:id/extend');
      const em = orm.em.fork();
      const m = await load(em, staff, measureId, op);
      await refuse(em, staff, m, op, checkExtension(m, today()));
      m.pending = { action: PendingAction.EXTEND, by: staff.userId, at: new Date().toISOString() };
      m.updatedAt = new Date();
      record(em, staff, m, 'EXTEND_REQUEST', op, { endDate: m.endDate, newEndDate: extendedEnd(m.endDate!) });
      await em.flush();
      return view(m, today());
    },

    /** Ask to end the measure (the only way it ends); another user confirms. */
    async end(staff: StaffContext, measureId: string, body: unknown): Promise<MeasureView> {
      const op = fn('POST /:id/end');
      await gate(staff, 'POST /:id/end');
      const { reason } = parseApplication(validateEnd, body);
      const em = orm.em.fork();
      const m = await load(em, staff, measureId, op);
      await refuse(em, staff, m, op, checkEnding(m));
      m.pending = { action: PendingAction.END, by: staff.userId, at: new Date().toISOString(), reason };
      m.updatedAt = new Date();
      record(em, staff, m, 'END_REQUEST', op);
      await em.flush();
      return view(m, today());
    },

    /** 一時解除 by the 支援措置責任者 for one issuance; it reverts by itself after the configured minutes. */
    async release(staff: StaffContext, measureId: string): Promise<MeasureView> {
      const op = fn('POST /:id/release');
      await gate(staff, 'POST /:id/release');
      const em = orm.em.fork();
      const m = await load(em, staff, measureId, op);
      await refuse(em, staff, m, op, m.state === MeasureState.ENDED ? checkEnding(m) : { ok: true });
      const until = new Date(Date.now() + deps.config.supportReleaseMinutes * 60_000);
      m.releasedUntil = until;
      m.releasedBy = staff.userId;
      m.updatedAt = new Date();
      record(em, staff, m, 'RELEASE', op, { until: until.toISOString() });
      await em.flush();
      return view(m, today());
    },
  };
}

export type SupportMeasureService = ReturnType<typeof supportMeasureService>;
