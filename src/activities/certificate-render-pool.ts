/**
 * Certificates rendered off the main thread (issue 15). Rendering a PDF is CPU work of 5–20 ms that blocks the event
 * loop; on the SQLite shape the API and the worker share one main thread, which is the first thing to saturate under
 * load. The pool runs renderers in `threads` worker threads (started on first use, so a worker that renders nothing
 * — the held-certificate sweep — holds no fonts), hands each render to the thread with the fewest in flight, and
 * restarts a thread that died (its renders fail; the activity's retry renders again). `threads: 0` renders in-process.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { createCertificateRenderer, type CertificateRenderer } from './certificate-renderer';
import type { RenderReply, RenderRequest } from './certificate-render-thread';

export type PooledCertificateRenderer = CertificateRenderer & { close(): Promise<void> };

const METHODS = [
  'renderResidentRecordCopy',
  'renderMoveOutCertificate',
  'renderHouseholdHeadChangeNotice',
  'renderExOfficioRecordNotice',
  'renderResidentCodeNotice',
  'renderCardIssuanceNotice',
] as const satisfies ReadonlyArray<keyof CertificateRenderer>;

/** The thread's entry: compiled JavaScript beside this file, or the TypeScript source loaded through tsx (dev, tests). */
function threadEntry(): { code: string; eval: true } {
  const js = `${__dirname}/certificate-render-thread.js`;
  if (existsSync(js)) return { code: `require(${JSON.stringify(js)})`, eval: true };
  const ts = `${__dirname}/certificate-render-thread.ts`;
  return { code: `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(ts)})`, eval: true };
}

export function createCertificateRendererPool(threads: number): PooledCertificateRenderer {
  if (threads <= 0) return Object.assign(createCertificateRenderer(), { close: async () => undefined });
  interface Slot {
    worker?: Worker;
    pending: Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>;
  }
  const slots: Slot[] = Array.from({ length: threads }, () => ({ pending: new Map() }));
  let nextId = 0;
  let closed = false;

  const start = (slot: Slot): Worker => {
    const entry = threadEntry();
    const worker = new Worker(entry.code, { eval: entry.eval });
    worker.unref(); // never what keeps a process alive
    worker.on('message', (reply: RenderReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      if ('bytes' in reply) p.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
      else p.reject(new Error(`certificate render failed in its thread (${reply.error})`));
    });
    const fail = (why: string) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      for (const p of slot.pending.values()) p.reject(new Error(`certificate render thread ${why}`));
      slot.pending.clear();
    };
    worker.on('error', (e) => fail(`failed (${e.name})`));
    worker.on('exit', (code) => fail(`exited (${code})`));
    slot.worker = worker;
    return worker;
  };

  const render = (method: (typeof METHODS)[number], input: unknown): Promise<Buffer> => {
    if (closed) return Promise.reject(new Error('certificate render pool closed'));
    const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const worker = slot.worker ?? start(slot);
    const id = nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, input } satisfies RenderRequest);
    });
  };

  const renderer = Object.fromEntries(
    METHODS.map((m) => [m, (input: unknown) => render(m, input)]),
  ) as unknown as CertificateRenderer;
  return Object.assign(renderer, {
    close: async () => {
      closed = true;
      await Promise.all(slots.map((s) => s.worker?.terminate()));
    },
  });
}
