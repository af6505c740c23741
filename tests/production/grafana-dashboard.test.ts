/** The exam-day dashboard in deploy/ only queries series that /metrics really exposes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registry } from '../../server/src/platform/metrics.ts';

describe('deploy/grafana-dashboard.json', () => {
  it('names only series the registry exposes', async () => {
    const dashboard = JSON.parse(readFileSync('deploy/grafana-dashboard.json', 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const exposed = await registry.metrics();
    const names = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(/\b(cpt|nodejs)_[a-z0-9_]+/g) ?? [])));
    expect(names.size).toBeGreaterThan(8);
    // The dashboard's series are the registry's plus the histogram suffixes; cpt_sessions and the pool gauge are added
    // per app, so they are checked by name in metrics.ts.
    const source = readFileSync('server/src/platform/metrics.ts', 'utf8');
    for (const name of names) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      expect(exposed.includes(`# TYPE ${base} `) || source.includes(`'${base}'`), name).toBe(true);
    }
  });
});
