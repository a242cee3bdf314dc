/**
 * The thread of a certificate render pool (certificate-render-pool.ts): renders with its own renderer (its own parsed
 * fonts) and hands the PDF back as a transferred buffer. Only the error's name leaves the thread (no personal data).
 */
import { parentPort } from 'node:worker_threads';
import { createCertificateRenderer, type CertificateRenderer } from './certificate-renderer';

export interface RenderRequest {
  id: number;
  method: keyof CertificateRenderer;
  input: unknown;
}
export type RenderReply = { id: number; bytes: Uint8Array } | { id: number; error: string };

const renderer = createCertificateRenderer();
const port = parentPort!;
port.on('message', (m: RenderRequest) => {
  // a render that throws at once is a failed render too, never the thread's end
  Promise.resolve(m.input)
    .then((input) => (renderer[m.method] as (i: unknown) => Promise<Buffer>)(input))
    .then(
      (pdf) => {
        const bytes = new Uint8Array(pdf.byteLength); // its own ArrayBuffer: a Buffer may sit in a shared pool
        bytes.set(pdf);
        port.postMessage({ id: m.id, bytes } satisfies RenderReply, [bytes.buffer]);
      },
      (e: unknown) =>
        port.postMessage({ id: m.id, error: e instanceof Error ? e.name : 'Error' } satisfies RenderReply),
    );
});
