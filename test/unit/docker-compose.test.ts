/**
 * docker-compose.yml (the production shape; no Docker engine here, so it is checked by reading it): it parses, and it
 * describes what `npm run cluster` runs — Temporal server (not auto-setup) on PostgreSQL after a schema job, mTLS,
 * 4 history shards, the registry on MySQL, 2 workers and 2 APIs that wait for the setup jobs.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

type Service = {
  image?: string;
  restart?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  healthcheck?: unknown;
};

const file = path.resolve(__dirname, '../../docker-compose.yml');
// PyYAML (Debian's python3-yaml, on the machine): the project has no YAML parser of its own
const compose = JSON.parse(
  execFileSync('python3', ['-c', 'import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', file], {
    encoding: 'utf8',
  }),
) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const s = compose.services;

describe('docker-compose.yml', () => {
  it('runs the Temporal server image on PostgreSQL after the schema job, with 4 shards and mTLS', () => {
    expect(s.temporal!.image).toBe('temporalio/server:1.29.1');
    expect(JSON.stringify(compose)).not.toContain('auto-setup');
    expect(s.temporal!.depends_on).toEqual({
      postgresql: { condition: 'service_healthy' },
      'temporal-schema': { condition: 'service_completed_successfully' },
    });
    expect(s.temporal!.environment).toMatchObject({
      DB: 'postgres12',
      NUM_HISTORY_SHARDS: '4',
      TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true',
    });
    expect(s.temporal!.healthcheck).toBeDefined();
    expect(s['temporal-schema']!.image).toBe('temporalio/admin-tools:1.29.1');
    expect(s['temporal-register']!.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
  });

  it('has 2 workers and 2 APIs on the shared environment, each with its client certificate, after the setup jobs', () => {
    for (const name of ['worker', 'api']) {
      const svc = s[name]!;
      expect(svc.deploy?.replicas).toBe(2);
      expect(svc.restart).toBe('unless-stopped');
      expect(svc.depends_on).toEqual({
        'temporal-register': { condition: 'service_completed_successfully' },
        migrate: { condition: 'service_completed_successfully' },
      });
      expect(svc.environment).toMatchObject({
        NODE_ENV: 'production',
        TEMPORAL_ADDRESS: 'temporal:7233',
        TEMPORAL_TLS_CERT: '/etc/juki/temporal/client.pem',
        TEMPORAL_TLS_SERVER_NAME: 'temporal',
      });
      expect(svc.environment!.DATABASE_URL).toMatch(/^mysql:\/\/registry:/);
    }
    for (const name of ['mysql', 'postgresql', 'temporal', 'temporal-ui'])
      expect(s[name]!.restart, name).toBe('unless-stopped');
    for (const name of ['mysql', 'postgresql']) expect(s[name]!.healthcheck, name).toBeDefined();
  });
});
