import { createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 now (for a system whose origin must be known before it starts: WebAuthn). */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
