// The Grafana dashboard (docs/grafana-dashboard.json) only queries metrics Solde really exports, grouped
// by labels those metrics really have: a renamed metric or label fails here, not silently on a wall screen.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../core/metrics';
// Each layer declares its metrics in its own module; the process loads them all, and so does this test.
import '../src/metrics';
import '../sip/metrics';
import '../sip/announce/metrics';
import '../rating/funds/metrics';

interface Panel { type: string; title: string; targets?: { expr: string }[] }

const dashboard = JSON.parse(readFileSync('docs/grafana-dashboard.json', 'utf8')) as { panels: Panel[]; uid: string };
const HISTOGRAM_SUFFIXES = /_(bucket|count|sum)$/;
const SERIES_LABELS = new Set(['le', 'instance', 'job']);

function exported(name: string): { labelNames: readonly string[] } | undefined {
  const metric = registry.getSingleMetric(name) ?? registry.getSingleMetric(name.replace(HISTOGRAM_SUFFIXES, ''));
  return metric as unknown as { labelNames: readonly string[] } | undefined;
}

const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));

describe('Grafana dashboard', () => {
  it('has a stable uid and queries in every graph', () => {
    expect(dashboard.uid).toBe('solde-overview');
    expect(queries.length).toBeGreaterThan(15);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
  });

  it.each(queries.map((q) => [q.panel, q.expr] as const))('%s: %s', (_panel, expr) => {
    const names = [...expr.matchAll(/\bsolde_[a-z0-9_]+/g)].map((m) => m[0]);
    expect(names.length).toBeGreaterThan(0);
    const metrics = names.map((name) => {
      const metric = exported(name);
      expect(metric, `${name} is not exported by src/metrics.ts`).toBeDefined();
      return metric!;
    });
    const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((label) => label.trim()));
    for (const label of grouped.filter((l) => !SERIES_LABELS.has(l))) {
      expect(metrics.some((m) => m.labelNames.includes(label)), `no metric in "${expr}" has the label ${label}`).toBe(true);
    }
  });

  it('covers every metric the issue asks for', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const name of ['solde_calls_total', 'solde_authorization_seconds_bucket', 'solde_active_calls', 'solde_holds_active',
      'solde_funds_reserved_micros_total', 'solde_funds_debited_micros_total', 'solde_topups_total', 'solde_dependency_errors_total']) {
      expect(all).toContain(name);
    }
  });
});
