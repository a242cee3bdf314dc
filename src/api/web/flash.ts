import type { Request, Response } from 'express';
import { cookieHeader, parseCookies, secureCookie } from '../auth';
import type { Notice } from './layout';

/**
 * One-time messages after a redirect (post/redirect/get), kept in a short-lived HttpOnly cookie rather than in the
 * URL. They carry outcomes and refusal messages only, never personal data.
 */
const FLASH_COOKIE = 'juki_flash';

export function setFlash(req: Request, res: Response, n: Notice): void {
  const value = Buffer.from(
    JSON.stringify({
      kind: n.kind,
      text: n.text.slice(0, 300),
      details: n.details?.slice(0, 30),
      formId: n.formId,
      fieldErrors: n.fieldErrors,
    }),
    'utf8',
  ).toString('base64url');
  res.append('Set-Cookie', cookieHeader(FLASH_COOKIE, value, { secure: secureCookie(req), maxAgeSec: 60 }));
}

export function takeFlash(req: Request, res: Response): Notice | undefined {
  const v = parseCookies(req.get('cookie'))[FLASH_COOKIE];
  if (!v) return undefined;
  res.append('Set-Cookie', cookieHeader(FLASH_COOKIE, '', { secure: secureCookie(req), maxAgeSec: 0 }));
  try {
    const n = JSON.parse(Buffer.from(v, 'base64url').toString('utf8')) as Notice;
    return n && typeof n.text === 'string' && ['ok', 'error', 'info'].includes(n.kind) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Only a local path may be a redirect target (no open redirect). */
export const safeReturn = (v: unknown, fallback: string): string =>
  typeof v === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(v) ? v : fallback;
