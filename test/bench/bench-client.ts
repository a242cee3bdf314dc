import { DEMO_PASSWORD } from '../../src/db/seed/staff';

export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A minimal staff client of the HTTP API for benchmarks (login, POST, GET; throws on non-2xx). */
export function benchClient(apiUrl: string) {
  const call = async (
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const r = await fetch(apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  return {
    async login(userId: string): Promise<string> {
      const r = await fetch(`${apiUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ userId, password: DEMO_PASSWORD, terminalId: 'T-HONCHO-01' }),
      });
      return ((await r.json()) as { token: string }).token;
    },
    post: (path: string, token: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, token, body ?? {}, headers),
    get: (path: string, token: string) => call('GET', path, token),
  };
}

/** Polls a case until it reaches `status` (benchmarks observe completion the way a clerk's screen would). */
export async function untilStatus(
  get: (path: string) => Promise<any>,
  caseId: string,
  status: string,
  timeoutMs = 120_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await get(`/api/cases/${caseId}`)).status !== status) {
    if (Date.now() > end) throw new Error(`case ${caseId} did not reach ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
