import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { CaseNote } from './entities';
import type { PiiCrypto } from './pii-crypto';

/**
 * Staff-typed texts of human steps (issue 13 item 1): the API stores the text here, encrypted, and sends only the
 * note's ID (`reasonId`) in the Temporal update; the activities read the text back where they need it.
 */
export async function storeCaseNote(
  em: EntityManager,
  pii: PiiCrypto,
  note: { caseId: string; kind: string; text: string; authorId: string },
): Promise<string> {
  const id = randomUUID();
  em.persist(em.create(CaseNote, { ...note, id, text: pii.encrypt(note.text.trim()), createdAt: new Date() }));
  await em.flush();
  return id;
}

/** The text of a note of this case, or undefined if there is none (a reason ID of another case is not read). */
export async function caseNoteText(
  em: EntityManager,
  pii: PiiCrypto,
  caseId: string,
  id: string | undefined,
): Promise<string | undefined> {
  if (!id) return undefined;
  const note = await em.findOne(CaseNote, { id, caseId });
  return note ? pii.decrypt(note.text) : undefined;
}

/** The reason of a case action log entry: its text (entries before issue 13 item 1) or that of its `reasonId`. */
export async function reasonOfAction(
  em: EntityManager,
  pii: PiiCrypto,
  caseId: string,
  detail: Record<string, unknown> | undefined,
): Promise<string | undefined> {
  if (typeof detail?.reason === 'string') return detail.reason;
  return caseNoteText(em, pii, caseId, typeof detail?.reasonId === 'string' ? detail.reasonId : undefined);
}
