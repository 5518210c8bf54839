import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Metrics } from '../../src/observability/metrics.js';

/** The Grafana dashboard may only chart metrics the registry declares (renamed ones would go blank). */
describe('docs/grafana-dashboard.json', () => {
  it('every metric its queries name is declared by the registry', async () => {
    const dashboard = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../docs/grafana-dashboard.json'), 'utf8')) as {
      panels: { targets?: { expr: string }[] }[];
    };
    const used = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => t.expr.match(/\b(?:cairn|nodejs|process)_[a-z0-9_]+/g) ?? []));
    const declared = new Set([...(await new Metrics().render()).matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const missing = [...used].filter((name) => !declared.has(name.replace(/_(bucket|count|sum)$/, '')));
    expect(used.size).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  });
});
