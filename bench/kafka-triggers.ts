/**
 * Added latency of a pre sign-up hook over the Kafka transport: SignUp through the AWS SDK on
 * three pools of one app on PostgreSQL, without a hook (the reference), with the hook in-process
 * (module transport) and with it over Kafka request/reply, answered by the example handlers run
 * through the trigger SDK as a Kafka consumer group in a separate process
 * (dist/examples/triggers/consumer.js). The hook lets the sign-up through unchanged, so the three
 * sign-ups do the same work besides the hook. Also the hook call alone (Triggers.invoke), Kafka
 * against in-process.
 *
 *   npm run build && DATABASE_URL=... KAFKA_BROKERS=... node dist/bench/kafka-triggers.js
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CognitoIdentityProviderClient, CreateUserPoolClientCommand, CreateUserPoolCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokersFromEnv } from './kafka-forwarder.js';
import { startBenchApp, type BenchApp } from './support/cognito-app.js';
import { serverUrl } from './support/databases.js';
import { closedLoop, type ClosedLoopResult } from './support/load.js';
import { formatMachine, machineInfo } from './support/machine.js';
import { isMain, repoPath, runAlone } from './support/paths.js';
import { writeSection } from './support/results.js';
import { scaled, scaleNote } from './support/scale.js';
import { distribution, markdownTable, ms, num, ratio, type Distribution } from './support/stats.js';

const VARIANTS = ['none', 'module', 'kafka'] as const;
type Variant = (typeof VARIANTS)[number];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SEQ_MS = scaled(4_000);
const CONC_MS = scaled(4_000);
const WARMUP_MS = scaled(1_000);
const CONCURRENT = 16;
const INVOKES = scaled(400);
const PASSWORD = 'Bench-Horse-Battery-9';
const ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** The example hooks as a Kafka consumer group in a process of their own; resolves once they consume. */
async function startConsumer(topic: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [repoPath('dist/examples/triggers/consumer.js')], {
    env: { ...process.env, TRIGGER_TOPIC: topic, TRIGGER_GROUP: `bench-hooks-${randomBytes(3).toString('hex')}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the trigger consumer did not start within 60 s')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('consuming')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the trigger consumer exited with ${code}`)));
  });
  return child;
}

interface Measured {
  sequential: Record<Variant, ClosedLoopResult[]>;
  concurrent: Record<Variant, ClosedLoopResult[]>;
  invoke: Record<'module' | 'kafka', Distribution[]>;
  invokeFailures: Record<'module' | 'kafka', number>;
}

export async function benchKafkaTriggers(): Promise<void> {
  const machine = await machineInfo(serverUrl());
  const brokers = kafkaBrokersFromEnv();
  const suffix = `${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
  const topics = { hooks: `bench.hooks.${suffix}`, replies: `bench.replies.${suffix}`, events: `bench.events.${suffix}` };
  const admin = new Kafka({ clientId: 'bench-triggers', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  let consumer: ChildProcess | undefined;
  let app: BenchApp | undefined;
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topics.hooks, numPartitions: 1, replicationFactor: 1 }] });
    consumer = await startConsumer(topics.hooks);
    app = await startBenchApp('postgres', {
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC: topics.events,
      TRIGGER_REPLY_TOPIC: topics.replies,
      TRIGGER_FUNCTIONS: JSON.stringify({ 'pre-module': `module:${repoPath('dist/examples/triggers/handlers.js')}`, 'pre-kafka': `kafka:${topics.hooks}` }),
    });
    const cognito = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'us-east-1', credentials: app.admin, maxAttempts: 1 });
    const pools = {} as Record<Variant, { poolId: string; clientId: string }>;
    for (const variant of VARIANTS) {
      const poolId = (
        await cognito.send(
          new CreateUserPoolCommand({
            PoolName: `bench-${variant}`,
            AutoVerifiedAttributes: ['email'],
            ...(variant === 'none' ? {} : { LambdaConfig: { PreSignUp: ARN(`pre-${variant}`) } }),
          }),
        )
      ).UserPool!.Id!;
      const clientId = (await cognito.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
      pools[variant] = { poolId, clientId };
    }
    let n = 0;
    // An address the example hook neither trusts nor blocks: it answers the event unchanged.
    const signUp = (variant: Variant) => async () => {
      const username = `u${(n++).toString(36)}${randomBytes(2).toString('hex')}`;
      await cognito.send(
        new SignUpCommand({
          ClientId: pools[variant].clientId,
          Username: username,
          Password: PASSWORD,
          UserAttributes: [{ Name: 'email', Value: `${username}@bench.test` }],
        }),
      );
    };
    // The first Kafka call joins the reply topic's consumer group: warm up until sign-ups pass.
    const until = Date.now() + 90_000;
    for (let ok = 0; ok < 20;) {
      try {
        await signUp('kafka')();
        ok++;
      } catch (error) {
        if (Date.now() > until) throw error;
      }
    }

    const measured: Measured = {
      sequential: { none: [], module: [], kafka: [] },
      concurrent: { none: [], module: [], kafka: [] },
      invoke: { module: [], kafka: [] },
      invokeFailures: { module: 0, kafka: 0 },
    };
    const invokeOnce = (variant: 'module' | 'kafka') =>
      app!.platform.triggers.invoke({
        kind: 'PreSignUp',
        triggerSource: 'PreSignUp_SignUp',
        poolId: pools[variant].poolId,
        region: 'us-east-1',
        lambdaConfig: { PreSignUp: ARN(`pre-${variant}`) },
        userName: 'bench-invoke',
        clientId: pools[variant].clientId,
        request: { userAttributes: { email: 'bench-invoke@bench.test' }, validationData: {} },
      });
    // Rounds alternate the variants, so a neighbour's burst on the shared machine hits all of them.
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of VARIANTS) {
        measured.sequential[variant].push(await closedLoop({ workers: 1, warmupMs: WARMUP_MS, durationMs: SEQ_MS, op: signUp(variant) }));
      }
      for (const variant of VARIANTS) {
        measured.concurrent[variant].push(await closedLoop({ workers: CONCURRENT, warmupMs: WARMUP_MS, durationMs: CONC_MS, op: signUp(variant) }));
      }
      for (const variant of ['module', 'kafka'] as const) {
        const times: number[] = [];
        for (let i = 0; i < INVOKES; i++) {
          const t0 = performance.now();
          try {
            await invokeOnce(variant);
            times.push(performance.now() - t0);
          } catch {
            measured.invokeFailures[variant]++; // past the deadline (UnexpectedLambdaException): counted, not timed
          }
        }
        measured.invoke[variant].push(distribution(times));
      }
      console.log(`bench: kafka-triggers round ${round + 1} of ${ROUNDS} done`);
    }
    writeSection('kafka-triggers', report(machine, measured));
  } finally {
    await app?.destroy().catch(() => undefined);
    consumer?.kill('SIGTERM');
    await admin.deleteTopics({ topics: Object.values(topics), timeout: 10_000 }).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

const all = (results: ClosedLoopResult[]) => distribution(results.flatMap((r) => r.latencies));
const rate = (results: ClosedLoopResult[]) => results.reduce((s, r) => s + r.perSecond, 0) / results.length;
const failures = (results: ClosedLoopResult[]) => results.reduce((s, r) => s + [...r.failures.values()].reduce((a, b) => a + b, 0), 0);
const spread = (values: number[]) => `${ms(Math.min(...values))}–${ms(Math.max(...values))}`;

function report(machine: Awaited<ReturnType<typeof machineInfo>>, m: Measured): string {
  const table = (mode: 'sequential' | 'concurrent') => {
    const ref = all(m[mode].none);
    return markdownTable(
      ['Pre sign-up hook', 'Sign-ups/s', 'p50 / p99 (all rounds)', 'p50 per round', 'Added p50 / p99 vs no hook', 'p50 ratio to no hook', 'Failed'],
      VARIANTS.map((variant) => {
        const d = all(m[mode][variant]);
        const label = variant === 'none' ? 'none (reference)' : variant === 'module' ? 'in-process module' : 'Kafka, trigger SDK consumer (separate process)';
        return [
          label,
          num(rate(m[mode][variant])),
          `${ms(d.p50)} / ${ms(d.p99)}`,
          spread(m[mode][variant].map((r) => distribution(r.latencies).p50)),
          variant === 'none' ? '—' : `**${ms(d.p50 - ref.p50)}** / **${ms(d.p99 - ref.p99)}**`,
          variant === 'none' ? '1.00×' : `**${ratio(d.p50, ref.p50)}**`,
          String(failures(m[mode][variant])),
        ];
      }),
    );
  };
  const inv = (v: 'module' | 'kafka') => distribution(m.invoke[v].flatMap((d) => [d.p50]));
  const invokeRows = (['module', 'kafka'] as const).map((v) => [
    v === 'module' ? 'in-process module' : 'Kafka request/reply',
    m.invoke[v].map((d) => `${ms(d.p50)} / ${ms(d.p99)}`).join('; '),
    v === 'kafka' ? `**${ratio(inv('kafka').p50, inv('module').p50)}**` : '1.00×',
    String(m.invokeFailures[v]),
  ]);
  const seqRef = all(m.sequential.none);
  const seqKafka = all(m.sequential.kafka);
  return `## Pre sign-up hook over Kafka: added sign-up latency

${formatMachine(machine, 'node dist/bench/kafka-triggers.js')}
- Kafka: the single-node KRaft test broker on loopback; the app (in this process, PostgreSQL) has KAFKA_BROKERS set, so its Kafka forwarder runs too, for every variant alike${scaleNote()}
- One app, three pools: no hook (the reference), \`PreSignUp\` on an in-process module, and \`PreSignUp\` over Kafka (request topic of 1 partition, replies on the reply topic) answered by examples/triggers/handlers.ts through the trigger SDK (\`runTriggerConsumer\`) in a separate node process. The hook answers the event unchanged, so each sign-up does the same work besides the hook (argon2id hash, append, a code to the dev outbox).
- SignUp through @aws-sdk/client-cognito-identity-provider over keep-alive HTTP. ${ROUNDS} rounds; each round runs every variant in turn (sequential: 1 caller for ${num(SEQ_MS / 1000)} s; concurrent: ${CONCURRENT} callers for ${num(CONC_MS / 1000)} s; ${num(WARMUP_MS / 1000)} s warm-up before each), so a neighbour's burst on the shared machine falls on all variants.

Sequential (1 caller):

${table('sequential')}

Concurrent (${CONCURRENT} callers):

${table('concurrent')}

The hook call alone (\`Triggers.invoke\`, PreSignUp, ${num(INVOKES)} sequential calls per round; p50 / p99 per round):

${markdownTable(['Transport', 'p50 / p99 per round', 'p50 ratio to in-process', 'Past the deadline'], invokeRows)}

- Added latency of a pre sign-up hook over Kafka, sequential: **p50 ${ms(seqKafka.p50 - seqRef.p50)}, p99 ${ms(seqKafka.p99 - seqRef.p99)}** over a sign-up without a hook (p50 ${ms(seqRef.p50)}).

**What this means / next steps**

- A Kafka hook call is two produce round trips (the request, then the consumer's reply) and two consumer fetches (the SDK consumer's, then the service's reply reader), each with acks and fetch waits; the in-process module is a function call. The sign-up's own cost (argon2id, the append, the code) is the same in all three variants, so the difference of the latencies is the hook's.
- The tail is the machine's: on a 2-core box shared with other test runs, the broker's JVM, the SDK consumer process and this process queue for CPU, and a hook round trip that waits behind them shows up in the p99 (and, past the 5 s deadline, as UnexpectedLambdaException, counted as failed).
- Next steps: measure on a machine with idle cores, where the two round trips, not CPU queueing, bound the added latency; a sign-up path that waits on a hook should keep the hook consumer off the API instances' cores.
`;
}

if (isMain(import.meta.url)) runAlone(benchKafkaTriggers);
