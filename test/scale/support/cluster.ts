import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { ADMIN, freePort } from '../../support/app.js';
import { freshDatabase } from '../../support/postgres.js';
import { type Proc, startNode } from '../../support/processes.js';
import { eventually } from '../../support/wait.js';
import { type RoundRobin, roundRobin } from './round-robin.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** A pino line of one of the processes. */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface ApiInstance {
  index: number;
  port: number;
  /** The instance itself, bypassing the balancer. */
  url: string;
  proc: Proc;
}

export interface ProjectionProcess {
  name: string;
  proc: Proc;
}

/**
 * N API instances (`node dist/src/main.js`, PROJECTIONS=external) and projection processes
 * (`node dist/projections/main.js`) on one fresh PostgreSQL database, behind a round-robin
 * balancer whose address is every instance's PUBLIC_BASE_URL, as docker-compose.yml deploys them.
 * Every process gets the same MASTER_KEY, bootstrap admin key and SMTP server (codes go by email:
 * production mode has no dev outbox, and an outbox would be per process anyway).
 */
export interface Cluster {
  /** The balancer: the one address clients (and token issuers) use. */
  url: string;
  balancer: RoundRobin;
  apis: ApiInstance[];
  projections: ProjectionProcess[];
  mails: Mail[];
  databaseUrl: string;
  /** The environment every process shares. */
  env: Record<string, string>;
  /** Starts another projection process (a standby while another leads). */
  startProjections(name: string): Promise<ProjectionProcess>;
  /** Starts one more API process outside the balancer, with `env` on top of the shared settings. */
  startApi(env?: Record<string, string>): Promise<ApiInstance>;
  /** Parsed log lines of every process, each with the process it came from. */
  logs(): Array<LogLine & { process: string }>;
  stop(): Promise<void>;
}

export async function startCluster(options: { apis?: number; projections?: number; env?: Record<string, string> } = {}): Promise<Cluster> {
  const ports = await Promise.all(Array.from({ length: options.apis ?? 3 }, () => freePort()));
  const balancer = await roundRobin(ports);
  const smtp = await startSmtp();
  const db = await freshDatabase('scale');
  const dirs: string[] = [];
  const procs = new Map<string, Proc>();
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    // Empty counts as unset: no Kafka, no EventStoreDB from the test run's environment.
    KAFKA_BROKERS: '',
    EVENTSTORE_URL: '',
    PRODUCTION: 'true',
    MASTER_KEY: randomBytes(32).toString('base64url'),
    ADMIN_ACCESS_KEY_ID: ADMIN.id,
    ADMIN_SECRET_ACCESS_KEY: ADMIN.secret,
    PUBLIC_BASE_URL: balancer.url,
    PROJECTIONS: 'external',
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    MAIL_FROM: 'auth@cairn.test',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SHUTDOWN_TIMEOUT_MS: '5000',
    OTEL_SDK_DISABLED: 'true',
    ...options.env,
  };
  const own = async (name: string, script: string, extra: Record<string, string>): Promise<Proc> => {
    const dataDir = await mkdtemp(join(tmpdir(), `cairn-scale-${name}-`));
    dirs.push(dataDir);
    const proc = startNode(script, { ...env, DATA_DIR: dataDir, ...extra });
    procs.set(name, proc);
    return proc;
  };
  const apiAt = async (index: number, port: number, extra: Record<string, string> = {}): Promise<ApiInstance> => {
    const proc = await own(`api${index}`, 'dist/src/main.js', { PORT: String(port), ...extra });
    return { index, port, url: `http://127.0.0.1:${port}`, proc };
  };
  const projectionsNamed = async (name: string): Promise<ProjectionProcess> => ({ name, proc: await own(name, 'dist/projections/main.js', {}) });
  const cluster: Cluster = {
    url: balancer.url,
    balancer,
    apis: [],
    projections: [],
    mails: smtp.mails,
    databaseUrl: db.url,
    env,
    startProjections: async (name) => {
      const p = await projectionsNamed(name);
      cluster.projections.push(p);
      await p.proc.waitFor('projection runner started', 30_000);
      return p;
    },
    startApi: async (extra = {}) => {
      const api = await apiAt(100 + procs.size, await freePort(), extra);
      await api.proc.waitFor('cairn listening', 30_000);
      return api;
    },
    logs: () =>
      [...procs].flatMap(([name, proc]) =>
        proc
          .output()
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => ({ ...(JSON.parse(l) as LogLine), process: name })),
      ),
    stop: async () => {
      // SIGTERM: each process drains and exits within SHUTDOWN_TIMEOUT_MS; a straggler is killed.
      await Promise.all(
        [...procs.values()].map(async (p) => {
          const killer = setTimeout(() => p.child.kill('SIGKILL'), 8000);
          await p.kill('SIGTERM');
          clearTimeout(killer);
        }),
      );
      await balancer.close();
      await smtp.close();
      await db.drop().catch(() => undefined);
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
  try {
    // All at once on the empty database, as `docker compose up` starts replicas.
    const first = projectionsNamed('projections-a');
    cluster.apis = await Promise.all(ports.map((port, i) => apiAt(i, port)));
    cluster.projections.push(await first);
    await Promise.all(cluster.apis.map((a) => a.proc.waitFor('cairn listening', 60_000)));
    await cluster.projections[0].proc.waitFor('projections: this runner is the leader', 30_000);
    for (const api of cluster.apis) {
      await eventually(async () => (await fetch(`${api.url}/health/ready`)).status === 200, 30_000, `instance ${api.index} ready`);
    }
    for (let i = 1; i < (options.projections ?? 2); i++) await cluster.startProjections(`projections-${String.fromCharCode(97 + i)}`);
    return cluster;
  } catch (error) {
    const output = [...procs].map(([name, p]) => `--- ${name}\n${p.output().slice(-3000)}`).join('\n');
    await cluster.stop();
    throw new Error(`the cluster did not start: ${String(error)}\n${output}`, { cause: error });
  }
}

/** A real SMTP server on loopback (smtp-server); every instance sends its mail here. */
async function startSmtp(): Promise<{ port: number; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text;
          mails.push({ to: to ?? '', subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The latest 6-digit code mailed to `to` after `count` mails had arrived for that address. */
export async function codeFor(mails: Mail[], to: string, after = 0): Promise<string> {
  const mail = await eventually(() => mails.filter((m) => m.to === to)[after], 15_000, `mail #${after + 1} to ${to}`);
  const code = /(\d{6})/.exec(mail.text)?.[1];
  if (!code) throw new Error(`no code in the mail to ${to}: ${mail.text}`);
  return code;
}
