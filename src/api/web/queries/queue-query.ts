import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/core';
import { actorFields, audit, type AuditEntry } from '../../../db/audit-writer';
import { AuditAction, CaseApplication, CaseRecord, HeldMoveOutCertificate, Resident } from '../../../db/entities';
import type { PiiCrypto } from '../../../db/pii-crypto';
import type { MoveOutCertificateInfo } from '../../../partners/cs-move-messages';
import { heldCertificateDefinition } from '../../../procedures/held-certificate/definition';
import { municipalityByCode } from '../../../../templates/reference/reference-data';
import type { StaffContext } from '../../auth';
import {
  QUEUE_IDS,
  queueFilter,
  queueVisible,
  sortRows,
  type QueueId,
  type QueueStaff,
  type SortKey,
} from './queue-filters';

export const QUEUE_PAGE_LIMIT = 200;

export interface QueueResult {
  queue: QueueId; // the queue shown (the requested one if visible, else the first visible)
  counts: Partial<Record<QueueId, number>>;
  rows: CaseRecord[];
  truncated: boolean;
  visibleQueues: QueueId[];
  /** The persons of each case by case ID (names and where they come from; queuePersons). */
  persons: Record<string, QueuePersons>;
}

/** Counts of every queue the staff member sees, and the rows of the chosen one (filtered by procedure, sorted). */
export async function loadQueues(
  orm: MikroORM,
  pii: PiiCrypto,
  staff: QueueStaff & Partial<Pick<StaffContext, 'terminalId' | 'ip'>>,
  q: { queue: QueueId; procedure?: string; sort: SortKey; today: string },
): Promise<QueueResult> {
  const em = orm.em.fork();
  const visibleQueues = QUEUE_IDS.filter((id) => queueVisible(id, staff));
  const byProcedure = q.procedure ? { procedure: q.procedure } : {};
  const filter = (id: QueueId) => ({ ...queueFilter(id, staff, q.today), ...byProcedure }) as never;
  const counts: QueueResult['counts'] = {};
  for (const id of visibleQueues) counts[id] = await em.count(CaseRecord, filter(id));
  const queue = visibleQueues.includes(q.queue) ? q.queue : visibleQueues[0]!;
  const found = await em.find(CaseRecord, filter(queue), {
    orderBy: { createdAt: 'asc' },
    limit: QUEUE_PAGE_LIMIT + 1,
  });
  const rows = sortRows(found.slice(0, QUEUE_PAGE_LIMIT), q.sort);
  return {
    queue,
    counts,
    rows,
    truncated: found.length > QUEUE_PAGE_LIMIT,
    visibleQueues,
    persons: await queuePersons(em, pii, staff, rows),
  };
}

/** Who a queue row is about: names (staff view, each listed person audited) and the municipality they come from. */
export interface QueuePersons {
  names: string[];
  /** 転出地 / 前住所地: the municipality name from the shipped reference data, else its code. */
  origin?: string;
}

const nameOf = (p: { familyName?: unknown; givenName?: unknown }) =>
  typeof p.familyName === 'string'
    ? `${p.familyName}　${typeof p.givenName === 'string' ? p.givenName : ''}`
    : undefined;
const originOf = (code: unknown) =>
  typeof code === 'string' && code ? (municipalityByCode(code)?.name ?? code) : undefined;

/**
 * The persons of each row (issue 14 bug 9: names, not 「2名」): the registry's 氏名 of the subjects once known, else the
 * application's; a held 転出証明書情報 its own 氏名 and 転出地. Every listed person is an audited 照会 (as the search and
 * the card queues list them: README "Audit"); a person not yet in the registry is audited by the case ID.
 */
async function queuePersons(
  em: EntityManager,
  pii: PiiCrypto,
  staff: QueueStaff & Partial<Pick<StaffContext, 'terminalId' | 'ip'>>,
  rows: CaseRecord[],
): Promise<Record<string, QueuePersons>> {
  const out: Record<string, QueuePersons> = {};
  const subjects = rows.flatMap((r) => r.subjectAddresseeNumbers ?? []);
  const residents = new Map(
    (subjects.length ? await em.find(Resident, { addresseeNumber: { $in: subjects } }) : []).map((r) => [
      r.addresseeNumber,
      r,
    ]),
  );
  const ids = rows.map((r) => r.caseId);
  const apps = new Map(
    (ids.length ? await em.find(CaseApplication, { caseId: { $in: ids } }, { fields: ['caseId', 'payload'] }) : []).map(
      (a) => [a.caseId, a.payload as Record<string, any>],
    ),
  );
  const heldIds = rows.filter((r) => r.procedure === heldCertificateDefinition.code).map((r) => r.caseId);
  const held = new Map(
    (heldIds.length ? await em.find(HeldMoveOutCertificate, { heldId: { $in: heldIds } }) : []).map((h) => [
      h.heldId,
      h,
    ]),
  );
  const listed: AuditEntry[] = [];
  const base = {
    ...actorFields(staff),
    ip: staff.ip,
    action: AuditAction.INQUIRY,
    function: 'GET /queues',
  };
  for (const r of rows) {
    const app = apps.get(r.caseId) ?? {};
    const origin = originOf(app.originMunicipalityCode ?? app.previousMunicipalityCode);
    const known = (r.subjectAddresseeNumbers ?? []).filter((a) => residents.has(a));
    let names: string[];
    if (known.length) {
      names = known.map((a) => nameOf(residents.get(a)!)!);
      for (const a of known)
        listed.push({ ...base, caseId: r.caseId, targetAddresseeNumber: a, detail: { listed: true } });
    } else {
      const h = held.get(r.caseId);
      const cert = h?.payloadEnc
        ? (JSON.parse(pii.decrypt(h.payloadEnc)) as MoveOutCertificateInfo).certificate
        : undefined;
      const people = [
        ...(Array.isArray(app.movers) ? app.movers : []),
        ...(Array.isArray(app.persons) ? app.persons : []),
        ...(app.child ? [app.child] : []),
      ];
      names = cert ? [cert.name] : people.map(nameOf).filter((n): n is string => Boolean(n));
      if (cert) out[r.caseId] = { names, origin: originOf(h!.originMunicipalityCode) };
      if (names.length) listed.push({ ...base, caseId: r.caseId, detail: { listed: true, persons: names.length } });
    }
    out[r.caseId] ??= { names, ...(origin ? { origin } : {}) };
  }
  audit(em, ...listed);
  await em.flush();
  return out;
}
