import { createHash, timingSafeEqual } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import type { Request } from 'express';
import { audit } from '../db/audit-writer';
import { AuditAction } from '../db/entities';

/**
 * Partner authentication of the inbound APIs (issue 13 item 4; README "Security: partner credentials"). Each sending
 * municipality has its own credential: CS_INBOUND_CREDENTIALS maps its code to the SHA-256 of its bearer token, so
 * the token identifies the sender, and the message's `fromMunicipalityCode` must be that sender. Refusals are audited.
 */

/** The sender a CS credential stands for ('*': any sender, development only), or undefined. */
export type Sender = string;

/**
 * The sender code whose credential the bearer token is (CS_INBOUND_CREDENTIALS: code → SHA-256 of its token),
 * compared in constant time against every entry; undefined for an unknown or missing token.
 */
export function partnerSenderOf(
  credentials: Record<string, string>,
  authorization: string | undefined,
): Sender | undefined {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return undefined;
  const got = createHash('sha256').update(token, 'utf8').digest();
  let found: Sender | undefined;
  for (const [code, hash] of Object.entries(credentials)) {
    const want = Buffer.from(hash, 'hex');
    if (want.length === got.length && timingSafeEqual(want, got) && found === undefined) found = code;
  }
  return found;
}

/** A refused partner request, audited (who claimed what, from where; never the token or the body). */
export async function auditPartnerRefusal(
  orm: MikroORM,
  req: Request,
  partner: string,
  detail: { reason: string; credentialOf?: string; claimedSender?: string },
): Promise<void> {
  await orm.em.fork().transactional(async (em) => {
    audit(em, {
      actorId: `partner:${partner}`,
      actorRoles: ['partner'],
      ip: req.ip,
      action: AuditAction.DENIED,
      function: `${partner} ${req.method} ${req.path}`.slice(0, 128),
      outcome: 'denied',
      detail,
    });
  });
}
