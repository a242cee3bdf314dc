import { readFileSync, statSync } from 'node:fs';
import type { PortalTrustConfig } from '../domain/portal-signature';
import { ApiError } from './errors';

/** Where the portal intake gets its trust configuration: anchors, intermediates and the revocation list. */
export type PortalTrustSource = () => Omit<PortalTrustConfig, 'at'>;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** PEM certificates in a bundle file. */
export const pemBundle = (text: string): string[] => text.match(PEM_BLOCK) ?? [];

/** Hex serials, one per line; blank lines and `#` comments ignored. */
export const serialList = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);

/**
 * Trust from files (production: the J-LIS CA bundle and its revocation list as published to the city). The files
 * are re-read when they change, so an updated revocation list applies without a restart. A missing or empty anchor
 * file is a deployment error and stops the intake (no application is ever accepted without a trust anchor).
 */
export function fileTrustSource(files: {
  anchors: string;
  intermediates?: string;
  revokedSerials?: string;
}): PortalTrustSource {
  let cached: { key: string; trust: Omit<PortalTrustConfig, 'at'> } | undefined;
  const stamp = (f?: string) => (f ? `${f}:${statSync(f).mtimeMs}` : '-');
  return () => {
    const key = [stamp(files.anchors), stamp(files.intermediates), stamp(files.revokedSerials)].join('|');
    if (cached?.key === key) return cached.trust;
    const anchors = pemBundle(readFileSync(files.anchors, 'utf8'));
    if (!anchors.length) throw new Error('portal trust configuration: PORTAL_TRUST_ANCHORS holds no certificate');
    const trust = {
      anchors,
      intermediates: files.intermediates ? pemBundle(readFileSync(files.intermediates, 'utf8')) : [],
      revokedSerials: files.revokedSerials ? serialList(readFileSync(files.revokedSerials, 'utf8')) : [],
    };
    cached = { key, trust };
    return trust;
  };
}

/** No trust configured (PORTAL_TRUST_ANCHORS unset in production): the intake refuses every application. */
export const unconfiguredTrust: PortalTrustSource = () => {
  throw new ApiError(
    503,
    'PORTAL_NOT_CONFIGURED',
    'マイナポータル連携の信頼点（PORTAL_TRUST_ANCHORS）が設定されていません',
  );
};
