import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import Ajv from 'ajv';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricsAllowed, registerRegistryCollectors, registry } from '../../src/observability/metrics';

const root = join(__dirname, '..', '..');
const alertsFile = join(root, 'ops', 'prometheus', 'alerts.yml');
const alerts = parse(readFileSync(alertsFile, 'utf8')) as { groups: Array<{ name: string; rules: unknown[] }> };
const dashboard = JSON.parse(readFileSync(join(root, 'ops', 'grafana', 'juki.json'), 'utf8')) as {
  uid: string;
  panels: Array<{ type: string; title: string; targets?: Array<{ expr: string }> }>;
};

/** The metric names our processes expose: the registry collectors (API), the process registry (worker, both). */
function ourMetricNames(): Set<string> {
  const api = new Registry();
  registerRegistryCollectors(
    {} as MikroORM,
    { groupOf: () => 'run', residentCodePoolThreshold: 1, partnerDownAfterFailures: 3 },
    api,
  );
  const names = new Set<string>();
  for (const m of [...api.getMetricsAsArray(), ...registry.getMetricsAsArray()]) {
    const { name, type } = m as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(name + s);
  }
  return names;
}
/** Temporal Core's metrics the rules and the dashboard use (seen by test/integration/metrics.integration.test.ts). */
const TEMPORAL = new Set([
  'temporal_worker_task_slots_available',
  'temporal_workflow_completed_total',
  'temporal_activity_execution_failed_total',
]);
const metricsIn = (expr: string) => [...expr.matchAll(/\b(juki_[a-z0-9_]+|temporal_[a-z0-9_]+)\b/g)].map((m) => m[1]!);

describe('ops/prometheus/alerts.yml and ops/grafana/juki.json (README "Operations: Alerts")', () => {
  it('every alert rule has a name, an expression, a duration, a severity and a Japanese summary', () => {
    const validate = new Ajv({ allErrors: true }).compile({
      type: 'object',
      required: ['groups'],
      properties: {
        groups: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['name', 'rules'],
            additionalProperties: false,
            properties: {
              name: { type: 'string', pattern: '^juki-' },
              rules: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  required: ['alert', 'expr', 'for', 'labels', 'annotations'],
                  additionalProperties: false,
                  properties: {
                    alert: { type: 'string', pattern: '^Juki[A-Za-z]+$' },
                    expr: { type: 'string', minLength: 1 },
                    for: { type: 'string', pattern: '^[0-9]+[smh]$' },
                    labels: {
                      type: 'object',
                      required: ['severity'],
                      properties: { severity: { enum: ['critical', 'warning', 'info'] } },
                    },
                    annotations: {
                      type: 'object',
                      required: ['summary'],
                      properties: { summary: { type: 'string', pattern: '[\\u3040-\\u30ff\\u4e00-\\u9fff]' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    });
    expect(validate(alerts) ? [] : validate.errors).toEqual([]);
    const names = alerts.groups.flatMap((g) => (g.rules as Array<{ alert: string }>).map((r) => r.alert));
    expect(new Set(names).size).toBe(names.length);
    // the conditions the supervisor console shows
    for (const a of [
      'JukiPartnerDown',
      'JukiCasesNeedAttention',
      'JukiQueueStuck',
      'JukiQueueOverdue',
      'JukiHeldCertificatePurgeOverdue',
      'JukiResidentCodePoolLow',
      'JukiWorkerDown',
    ])
      expect(names).toContain(a);
  });

  it('the rules and the dashboard use only metrics our processes expose', () => {
    const ours = ourMetricNames();
    const exprs = [
      ...alerts.groups.flatMap((g) => (g.rules as Array<{ expr: string }>).map((r) => r.expr)),
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
    ];
    const unknown = exprs.flatMap(metricsIn).filter((m) => !ours.has(m) && !TEMPORAL.has(m));
    expect(unknown).toEqual([]);
    expect(dashboard.uid).toBe('juki-operations');
    expect(dashboard.panels.filter((p) => p.type !== 'row').every((p) => (p.targets ?? []).length > 0)).toBe(true);
  });

  it('promtool accepts the rules and their unit tests (when promtool is installed: apt package prometheus)', (ctx) => {
    let promtool: string;
    try {
      promtool = execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim();
    } catch {
      return ctx.skip();
    }
    const cwd = join(root, 'ops', 'prometheus');
    expect(execFileSync(promtool, ['check', 'rules', 'alerts.yml'], { cwd, encoding: 'utf8' })).toContain('SUCCESS');
    expect(execFileSync(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd, encoding: 'utf8' })).toContain(
      'SUCCESS',
    );
  });
});

describe('/metrics access (METRICS_TOKEN)', () => {
  it('with a token: only a scraper presenting it; without: loopback peers only', () => {
    const token = 'metrics-token-0123456789';
    expect(metricsAllowed({ token }, `Bearer ${token}`, '10.0.0.5')).toBe(true);
    expect(metricsAllowed({ token }, 'Bearer wrong', '127.0.0.1')).toBe(false);
    expect(metricsAllowed({ token }, undefined, '127.0.0.1')).toBe(false);
    expect(metricsAllowed({}, undefined, '127.0.0.1')).toBe(true);
    expect(metricsAllowed({}, undefined, '::ffff:127.0.0.1')).toBe(true);
    expect(metricsAllowed({}, undefined, '10.0.0.5')).toBe(false);
    // a reverse proxy on this host forwards requests from anywhere: not a loopback scraper
    expect(metricsAllowed({}, undefined, '127.0.0.1', true)).toBe(false);
  });
});
