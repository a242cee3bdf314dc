/**
 * A simulator's memory on disk, like a real partner's (issue 15 item 2): one JSON snapshot per simulator in the
 * directory given by `SIM_STATE_DIR`, written atomically (temp file, fsync, rename) after every change and before the
 * HTTP answer, loaded on start. A process killed at any point leaves either the old or the new snapshot, never a torn
 * one. Without a directory (tests that start simulators in-process) the state stays in memory.
 * The snapshot holds what the partner remembers (messages with their bodies, idempotency keys, routes and their
 * tokens): it is test data on the developer's disk, written with mode 0600.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type express from 'express';

/** A state that can be written to and read back from a JSON snapshot. */
export interface SnapshotState {
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

export class SimStateFile {
  readonly path: string;

  constructor(dir: string, name: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, `${name}.json`);
  }

  /** The last snapshot written, or undefined when there is none yet. */
  load(): unknown {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return JSON.parse(text) as unknown;
  }

  save(snapshot: unknown): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(snapshot));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}

/**
 * Loads `state` from `{dir}/{name}.json` (if there is one), then saves it after every request that may change something
 * (every method but GET / HEAD), just before the answer leaves; a save that fails drops the connection instead of
 * answering (the caller retries, as with a partner that went down before it answered). Mount it before the routes.
 * Returns the saver for changes made outside a request (deliveries to the towns), or undefined without `dir`.
 */
export function keepStateOnDisk(
  app: express.Express,
  state: SnapshotState,
  dir: string | undefined,
  name: string,
  log: (line: string) => void,
): (() => void) | undefined {
  if (!dir) return undefined;
  const file = new SimStateFile(dir, name);
  const saved = file.load();
  if (saved !== undefined) state.restore(saved);
  const save = () => file.save(state.snapshot());
  app.use((req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') return next();
    const end = res.end.bind(res) as (...args: unknown[]) => express.Response;
    res.end = ((...args: unknown[]) => {
      try {
        save();
      } catch {
        log(`${req.method} ${req.path}: state not saved, connection dropped`);
        req.socket.destroy();
        return res;
      }
      return end(...args);
    }) as typeof res.end;
    next();
  });
  return () => {
    try {
      save();
    } catch {
      log('state not saved');
    }
  };
}
