/**
 * Runs every benchmark in turn; each writes its own section of bench/RESULTS.md as soon as it
 * is done, so a failure late in the run keeps the earlier figures.
 *
 *   DATABASE_URL=postgres://... npm run bench
 */
import { benchAppends } from './appends.js';
import { benchArgon2 } from './argon2-bindings.js';
import { benchHistoryAsOf } from './history-as-of.js';
import { benchHistoryChain } from './history-chain.js';
import { benchErasureEnvelope } from './erasure-envelope.js';
import { benchImport } from './import.js';
import { benchInstances } from './instances.js';
import { benchKafkaForwarder } from './kafka-forwarder.js';
import { benchKafkaTriggers } from './kafka-triggers.js';
import { benchOAuth } from './oauth.js';
import { serverUrl } from './support/databases.js';
import { isMain, runAlone } from './support/paths.js';
import { benchProjectionLag } from './projection-lag.js';
import { benchRebuild } from './rebuild.js';
import { benchSearch } from './search.js';
import { benchSignIn } from './sign-in.js';
import { benchSrp } from './srp.js';

const BENCHMARKS: [string, () => Promise<void>][] = [
  ['appends', benchAppends],
  ['projection-lag', benchProjectionLag],
  ['rebuild', benchRebuild],
  ['argon2-bindings', benchArgon2],
  ['sign-in', benchSignIn],
  ['srp', benchSrp],
  ['instances', benchInstances],
  ['history-chain', benchHistoryChain],
  ['history-as-of', benchHistoryAsOf],
  ['erasure-envelope', benchErasureEnvelope],
  ['search', benchSearch],
  ['import', benchImport],
  ['oauth', benchOAuth],
  ['kafka-triggers', benchKafkaTriggers],
  ['kafka-forwarder', benchKafkaForwarder],
];

export async function runAll(): Promise<void> {
  serverUrl(); // fail before anything runs, not after the first benchmark
  const failed: string[] = [];
  for (const [name, run] of BENCHMARKS) {
    const t0 = performance.now();
    console.log(`bench: ${name}`);
    try {
      await run();
      console.log(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    } catch (error) {
      // Keep going: the other benchmarks are independent and their figures are still useful.
      console.error(`bench: ${name} failed:`, error);
      failed.push(name);
    }
  }
  if (failed.length > 0) throw new Error(`benchmarks failed: ${failed.join(', ')}`);
}

if (isMain(import.meta.url)) runAlone(runAll);
