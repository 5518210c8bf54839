/**
 * BENCH_SCALE shrinks durations and data sizes for a quick smoke run (e.g. 0.1); figures from
 * a scaled run say so in RESULTS.md and are not comparable with full runs.
 */
export const SCALE = (() => {
  const raw = Number(process.env.BENCH_SCALE ?? '1');
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
})();

export const scaled = (value: number): number => Math.max(1, Math.round(value * SCALE));

export const scaleNote = (): string => (SCALE === 1 ? '' : `\n- **Smoke run with BENCH_SCALE=${SCALE}: durations and sizes scaled, figures not comparable.**`);
