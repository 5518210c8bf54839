import { readFileSync } from 'node:fs';

/**
 * CPU use over a measured phase. On a 2-core box the benchmark process and the database
 * compete for the same cores, so "is the machine saturated, and by whom" is the first question
 * when reading any rate here.
 */
export interface CpuUse {
  /** This Node process, in % of one core (can exceed 100 with worker threads). */
  processPct: number;
  /** Whole machine, in % of all cores (includes PostgreSQL and any neighbours). */
  machinePct: number;
}

export function cpuMeter(): { stop(): CpuUse } {
  const p0 = process.cpuUsage();
  const t0 = performance.now();
  const s0 = procStat();
  return {
    stop() {
      const p = process.cpuUsage(p0);
      const elapsedUs = (performance.now() - t0) * 1000;
      const s1 = procStat();
      const total = s1 && s0 ? s1.total - s0.total : 0;
      return {
        processPct: ((p.user + p.system) / elapsedUs) * 100,
        machinePct: s0 && s1 && total > 0 ? (1 - (s1.idle - s0.idle) / total) * 100 : Number.NaN,
      };
    },
  };
}

export function formatCpu(c: CpuUse): string {
  return `node ${c.processPct.toFixed(0)}% of a core, machine ${Number.isFinite(c.machinePct) ? c.machinePct.toFixed(0) : 'n/a'}% busy`;
}

/** Aggregate jiffies from /proc/stat (idle includes iowait); undefined off Linux. */
function procStat(): { total: number; idle: number } | undefined {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const f = first.trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: f.reduce((a, b) => a + b, 0), idle: f[3] + f[4] };
  } catch {
    return undefined;
  }
}
