import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/domain/ajv';
import {
  OnlineMoveOutContentSchema,
  OnlineMoveOutEnvelopeSchema,
  type OnlineMoveOutContent,
  type OnlineMoveOutEnvelope,
} from '../../src/procedures/online-move-out/schema';

const envelope = compileSchema<OnlineMoveOutEnvelope>(OnlineMoveOutEnvelopeSchema);
const content = compileSchema<OnlineMoveOutContent>(OnlineMoveOutContentSchema);
const mover = { familyName: '佐藤', givenName: '一郎', birthDate: '1980-04-01', sex: '1' as const };
const good: OnlineMoveOutContent = {
  applicationDate: '2025-03-20',
  applicant: { ...mover, isMover: true },
  currentAddress: '東京都さくら市本町一丁目1番1号',
  movers: [mover],
  destination: { address: '神奈川県相模原市中央区中央二丁目1番1号', municipalityCode: '141500' },
  plannedMoveOutDate: '2025-04-01',
  plannedVisitDate: '2025-04-03',
  contactPhone: '090-1234-5678',
};
const fields = (r: ReturnType<typeof content>) => (r.ok ? [] : r.errors.map((e) => `${e.field} ${e.rule}`));

describe('online 転出 payload (portal boundary)', () => {
  it('accepts a complete application and envelope', () => {
    expect(content(good).ok).toBe(true);
    expect(
      envelope({
        applicationId: 'MP-2025-000123',
        signedContent: JSON.stringify(good),
        signature: 'AAAA',
        signerCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      }).ok,
    ).toBe(true);
  });
  it('refuses a 個人番号 anywhere in the content, naming the field', () => {
    expect(fields(content({ ...good, movers: [{ ...mover, individualNumber: '123456789018' }] }))).toContain(
      '/movers/0/individualNumber additionalProperties',
    );
    expect(fields(content({ ...good, individualNumber: '123456789018' } as never))).toContain(
      '/individualNumber additionalProperties',
    );
  });
  it('limits sizes and shapes', () => {
    expect(envelope({ applicationId: 'x', signedContent: '{}', signature: '!!', signerCertificate: 'nope' }).ok).toBe(
      false,
    );
    expect(
      envelope({
        applicationId: 'MP-2025-000123',
        signedContent: 'x'.repeat(40_000),
        signature: 'AAAA',
        signerCertificate: '-----BEGIN CERTIFICATE-----',
      }).ok,
    ).toBe(false);
    expect(fields(content({ ...good, movers: Array(13).fill(mover) }))).toContain('/movers maxItems');
    expect(fields(content({ ...good, contactPhone: 'call me' }))).toContain('/contactPhone pattern');
  });
});
