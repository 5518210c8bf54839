import { readFileSync } from 'node:fs';
import os from 'node:os';
import pg from 'pg';

/**
 * What a figure was measured on. Every section of RESULTS.md carries this, because sections
 * are updated one at a time and a number means little without the box it came from.
 */
export interface MachineInfo {
  nproc: number;
  memGiB: number;
  cpuModel: string;
  node: string;
  /** Server version plus the settings that move commit rates the most. */
  postgres?: string;
  measuredAt: string;
  /** 1-minute load average when the benchmark started: the machine is shared. */
  loadAverage: number;
}

export async function machineInfo(databaseUrl?: string): Promise<MachineInfo> {
  return {
    // Same as `nproc`: honours CPU affinity, unlike os.cpus().length.
    nproc: os.availableParallelism(),
    memGiB: os.totalmem() / 2 ** 30,
    cpuModel: cpuModel(),
    node: process.version,
    postgres: databaseUrl ? await postgresInfo(databaseUrl) : undefined,
    measuredAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAverage: os.loadavg()[0],
  };
}

export function formatMachine(m: MachineInfo, command: string): string {
  const lines = [
    `- Measured ${m.measuredAt} with \`${command}\``,
    `- Machine: ${m.nproc} CPUs (nproc), ${m.cpuModel}, ${m.memGiB.toFixed(1)} GiB RAM; Node ${m.node}; ` +
      `1-min load average ${m.loadAverage.toFixed(1)} at the start / ${os.loadavg()[0].toFixed(1)} at the end ` +
      `(shared machine: other processes ran too)`,
  ];
  if (m.postgres) lines.push(`- ${m.postgres}`);
  return lines.join('\n');
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1].trim();
  } catch {
    // not Linux: fall through
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

async function postgresInfo(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, application_name: 'cairn-bench' });
  await client.connect();
  try {
    const r = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings
        WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'shared_buffers', 'max_connections')`,
    );
    const s = Object.fromEntries(r.rows.map((row) => [row.name, row.setting]));
    // fsync and synchronous_commit decide whether a commit waits for the disk: without them a
    // figure is not comparable with another server's.
    return (
      `PostgreSQL ${s.server_version} on loopback (fsync=${s.fsync}, synchronous_commit=${s.synchronous_commit}, ` +
      `shared_buffers=${(Number(s.shared_buffers) * 8) / 1024} MiB, max_connections=${s.max_connections})`
    );
  } finally {
    await client.end();
  }
}
