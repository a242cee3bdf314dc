import type { MikroORM } from '@mikro-orm/core';
import { formatBirthDate } from '../../domain/dates';
import { HeldCertificateState, HeldMoveOutCertificate } from '../../db/entities';
import type { PiiCrypto } from '../../db/pii-crypto';
import type { MoveOutCertificateInfo } from '../../partners/cs-move-messages';
import type { StaffContext } from '../../api/auth';
import { actorFields, audit } from '../../db/audit-writer';
import { AuditAction } from '../../db/entities';
import type { FormValues } from '../../api/web/intake/form-input';
import { normalizeName } from '../../domain/resident-search';
import { municipalityByCode } from '../../../templates/reference/reference-data';

/**
 * Pre-fill of the 特例転入届 from a held 転出証明書情報 (domain.md §4.2 step 4): the persons of the same 転出届 (same
 * origin and mover group, still held) with their 住民票コード, 4情報 and 続柄, and the origin's code. The 個人番号 is not
 * copied into the form: the workflow takes it from the held information. Reading it is an audited 照会.
 */
export async function prefillFromHeld(
  orm: MikroORM,
  pii: PiiCrypto,
  staff: StaffContext,
  heldId: string,
): Promise<FormValues | undefined> {
  const em = orm.em.fork();
  const held = await em.findOne(HeldMoveOutCertificate, { heldId });
  if (!held?.payloadEnc || held.state !== HeldCertificateState.HELD) return undefined;
  const first = JSON.parse(pii.decrypt(held.payloadEnc)) as MoveOutCertificateInfo;
  const group = await em.find(
    HeldMoveOutCertificate,
    { originMunicipalityCode: held.originMunicipalityCode, state: HeldCertificateState.HELD },
    { orderBy: { receivedAt: 'asc' }, limit: 200 },
  );
  const certs = [first.certificate];
  for (const h of group) {
    if (h.heldId === heldId || !h.payloadEnc) continue;
    const c = (JSON.parse(pii.decrypt(h.payloadEnc)) as MoveOutCertificateInfo).certificate;
    if (c.moverGroupId === first.certificate.moverGroupId && certs.length < 12) certs.push(c);
  }
  const f: FormValues = {
    originMunicipalityCode: held.originMunicipalityCode,
    rows: String(certs.length),
    held: heldId,
    // the 転出先住所 the person gave at the origin (issue 14 bug 9): a start the clerk completes from the card
    address: first.certificate.plannedDestinationAddress,
  };
  certs.forEach((c, i) => {
    const [familyName, ...given] = c.name.split(/[\s\u3000]+/);
    Object.assign(f, {
      [`p${i}.residentRecordCode`]: c.residentRecordCode,
      [`p${i}.familyName`]: familyName ?? '',
      [`p${i}.givenName`]: given.join('　'),
      [`p${i}.birthDate`]: formatBirthDate(c.birthDate),
      [`p${i}.sex`]: c.sex,
      [`p${i}.relationshipToHead`]: c.relationshipToHead,
    });
  });
  audit(em, {
    ...actorFields(staff),
    ip: staff.ip,
    action: AuditAction.INQUIRY,
    function: 'GET /intake/special-move-in (転出証明書情報)',
    caseId: heldId,
    detail: { persons: certs.length },
  });
  await em.flush();
  return f;
}

/** A held 転出証明書情報 found by name: what the clerk needs to pick it (no 個人番号). */
export interface HeldMatch {
  heldId: string;
  name: string;
  nameKana: string;
  birthDate: string;
  origin: string;
  plannedMoveOutDate: string;
  plannedVisitDate?: string;
}

/** The held rows searched at most (a 転出証明書情報 is held 30 days: a city's month of incoming moves). */
export const HELD_SEARCH_SCAN = 5000;

/**
 * Held 転出証明書情報 whose 氏名 or フリガナ contains the typed name (spaces ignored, hiragana as katakana), for a person
 * at the counter without a 来庁予定日 (issue 14 bug 9). The content is encrypted, so the held rows are read and matched
 * here; every listed certificate is an audited 照会 (caseId = its ID).
 */
export async function findHeldByName(
  orm: MikroORM,
  pii: PiiCrypto,
  staff: StaffContext,
  typed: string,
): Promise<HeldMatch[]> {
  const q = normalizeName(typed);
  const em = orm.em.fork();
  const rows = await em.find(
    HeldMoveOutCertificate,
    { state: HeldCertificateState.HELD },
    { orderBy: { receivedAt: 'desc' }, limit: HELD_SEARCH_SCAN },
  );
  const out: HeldMatch[] = [];
  for (const h of rows) {
    if (!h.payloadEnc) continue;
    const c = (JSON.parse(pii.decrypt(h.payloadEnc)) as MoveOutCertificateInfo).certificate;
    if (!normalizeName(c.name).includes(q) && !normalizeName(c.nameKana).includes(q)) continue;
    out.push({
      heldId: h.heldId,
      name: c.name,
      nameKana: c.nameKana,
      birthDate: c.birthDate,
      origin: municipalityByCode(h.originMunicipalityCode)?.name ?? h.originMunicipalityCode,
      plannedMoveOutDate: c.plannedMoveOutDate,
      ...(c.plannedVisitDate ? { plannedVisitDate: c.plannedVisitDate } : {}),
    });
    if (out.length >= 50) break;
  }
  audit(em, {
    ...actorFields(staff),
    ip: staff.ip,
    action: AuditAction.INQUIRY,
    function: 'POST /intake/special-move-in/find-held',
    detail: { results: out.length },
  });
  audit(
    em,
    ...out.map((m) => ({
      ...actorFields(staff),
      ip: staff.ip,
      action: AuditAction.INQUIRY,
      function: 'POST /intake/special-move-in/find-held',
      caseId: m.heldId,
      detail: { listed: true },
    })),
  );
  await em.flush();
  return out;
}
