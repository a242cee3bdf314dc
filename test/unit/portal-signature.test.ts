import { beforeAll, describe, expect, it } from 'vitest';
import {
  PortalSignatureFailure,
  verifySignedApplication,
  type SignatureVerification,
} from '../../src/domain/portal-signature';
import { RSA_BITS, getTestCa, signContent, type TestCa, type TestSigner } from '../../src/partners/sim/test-pki';

// The signed application content (I-1: no 個人番号). Values are checked never to leak into messages.
const application = {
  movers: [{ name: '桜田　一郎', birthDate: '1975-06-12' }],
  newAddress: '北海道札幌市中央区北一条西二丁目1番地',
  plannedMoveOutDate: '2026-12-01',
  contactTelephone: '090-1234-5678',
};
const content = JSON.stringify(application);
const contentValues = ['桜田', '1975-06-12', '札幌', '2026-12-01', '090-1234-5678'];

let ca: TestCa;
let keygenMs = 0;
beforeAll(async () => {
  const started = performance.now();
  ca = await getTestCa();
  keygenMs = performance.now() - started;
}, 60_000);

const trust = (over: Partial<TestCa['trust']> = {}) => ({ ...ca.trust, ...over, at: new Date() });
const signedBy = async (signer: TestSigner, text = content) => ({
  content: text,
  signature: await signContent(text, signer.privateKey),
  signerCertificate: signer.certificate,
});

const expectRejected = (result: SignatureVerification, reason: PortalSignatureFailure) => {
  expect(result).toMatchObject({ ok: false, reason });
  if (result.ok) return;
  expect(result.message).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/); // Japanese
  for (const value of contentValues) expect(result.message).not.toContain(value);
  expect(result.message).not.toMatch(/\d{4,}/); // no serials, dates or numbers of any kind
  expect(result.message).not.toContain('TEST SIGNER');
};

describe('verifySignedApplication', () => {
  it('accepts content signed by a valid certificate that chains to the anchor', async () => {
    console.info(`test CA generation (11 RSA-${RSA_BITS} keys): ${Math.round(keygenMs)} ms`);
    const result = verifySignedApplication(await signedBy(ca.valid), trust());
    expect(result).toEqual({
      ok: true,
      signer: {
        serialNumber: ca.valid.serialNumber,
        subject: expect.stringContaining('CN=TEST SIGNER VALID'),
        notAfter: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      },
    });
  });

  it('rejects tampered content (one character changed after signing)', async () => {
    const signed = await signedBy(ca.valid);
    const tampered = { ...signed, content: signed.content.replace('2026-12-01', '2026-12-02') };
    expectRejected(verifySignedApplication(tampered, trust()), PortalSignatureFailure.BAD_SIGNATURE);
  });

  it('rejects content re-serialised with different whitespace (the exact bytes are signed)', async () => {
    const signed = await signedBy(ca.valid);
    const reformatted = { ...signed, content: JSON.stringify(application, null, 1) };
    expectRejected(verifySignedApplication(reformatted, trust()), PortalSignatureFailure.BAD_SIGNATURE);
  });

  it("rejects a signature made with another key than the certificate's", async () => {
    const forged = {
      content,
      signature: await signContent(content, ca.otherKey),
      signerCertificate: ca.valid.certificate,
    };
    expectRejected(verifySignedApplication(forged, trust()), PortalSignatureFailure.BAD_SIGNATURE);
  });

  it('rejects a signature value that is not base64', async () => {
    const signed = await signedBy(ca.valid);
    expectRejected(
      verifySignedApplication({ ...signed, signature: '***not base64***' }, trust()),
      PortalSignatureFailure.BAD_SIGNATURE,
    );
  });

  it('rejects an expired signer certificate', async () => {
    expectRejected(
      verifySignedApplication(await signedBy(ca.expired), trust()),
      PortalSignatureFailure.CERTIFICATE_EXPIRED,
    );
  });

  it('rejects a signer certificate that is not yet valid', async () => {
    expectRejected(
      verifySignedApplication(await signedBy(ca.notYetValid), trust()),
      PortalSignatureFailure.CERTIFICATE_NOT_YET_VALID,
    );
  });

  it('judges validity at the given instant, not at the current time', async () => {
    const signed = await signedBy(ca.expired);
    const duringValidity = new Date(ca.generatedAt.getTime() - 100 * 86_400_000);
    expect(verifySignedApplication(signed, { ...ca.trust, at: duringValidity }).ok).toBe(true);
  });

  it('rejects a revoked signer certificate', async () => {
    expectRejected(
      verifySignedApplication(await signedBy(ca.revoked), trust()),
      PortalSignatureFailure.CERTIFICATE_REVOKED,
    );
  });

  it('matches revoked serials regardless of case and leading zeros', async () => {
    const result = verifySignedApplication(
      await signedBy(ca.valid),
      trust({ revokedSerials: [`00${ca.valid.serialNumber.toLowerCase()}`] }),
    );
    expectRejected(result, PortalSignatureFailure.CERTIFICATE_REVOKED);
  });

  it('rejects a valid signer whose intermediate CA is revoked', async () => {
    const signed = await signedBy(ca.underRevokedIntermediate);
    expect(verifySignedApplication(signed, trust({ revokedSerials: [] })).ok).toBe(true);
    expectRejected(verifySignedApplication(signed, trust()), PortalSignatureFailure.CERTIFICATE_REVOKED);
  });

  it("rejects a certificate from an untrusted CA that carries the trusted root's name", async () => {
    const signed = await signedBy(ca.untrusted);
    expectRejected(verifySignedApplication(signed, trust()), PortalSignatureFailure.UNTRUSTED_CHAIN);
    // Sanity: the impostor chain is otherwise sound.
    expect(verifySignedApplication(signed, trust({ anchors: [ca.untrustedRoot] })).ok).toBe(true);
  });

  it('rejects a chain whose intermediate is not configured', async () => {
    expectRejected(
      verifySignedApplication(await signedBy(ca.valid), trust({ intermediates: [] })),
      PortalSignatureFailure.UNTRUSTED_CHAIN,
    );
  });

  it('rejects a CA certificate presented as the signer', async () => {
    const signed = await signedBy(ca.valid);
    expectRejected(
      verifySignedApplication({ ...signed, signerCertificate: ca.intermediate }, trust()),
      PortalSignatureFailure.UNTRUSTED_CHAIN,
    );
  });

  it('rejects garbage instead of a PEM certificate', async () => {
    const signed = await signedBy(ca.valid);
    for (const garbage of ['', 'not a certificate', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']) {
      expectRejected(
        verifySignedApplication({ ...signed, signerCertificate: garbage }, trust()),
        PortalSignatureFailure.MALFORMED_CERTIFICATE,
      );
    }
  });

  it('throws on a broken trust configuration (deployment error, not a rejection)', async () => {
    expect(() =>
      verifySignedApplication(
        { content, signature: '', signerCertificate: ca.valid.certificate },
        trust({ anchors: ['nope'] }),
      ),
    ).toThrow(/anchors\[0\]/);
  });
});
