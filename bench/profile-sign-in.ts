/**
 * Diagnostic, not a benchmark: where the main thread's time goes on the sign-in, refresh and
 * client_credentials paths. Runs one operation with 32 closed-loop clients for PROFILE_MS against
 * the real app (PostgreSQL, or PROFILE_STORAGE=pglite), takes a V8 CPU profile of that window
 * through the inspector, and prints the self time by package and by function.
 *
 *   DATABASE_URL=postgres://... node dist/bench/profile-sign-in.js signin-stub|signin|refresh
 *
 * `signin-stub` replaces the argon2 verify with a stub (as the sign-in benchmark's diagnostic row
 * does), so the profile shows the rest of a sign-in. PROFILE_OUT=<file> keeps the .cpuprofile.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type BenchStorage, startBenchApp, WireClient } from './support/cognito-app.js';
import { closedLoop } from './support/load.js';
import { isMain, runAlone } from './support/paths.js';

const CLIENTS = 32;
const USERS = 100;
const PASSWORD = 'Bench-Horse-Battery-9';
const TARGET = 'AWSCognitoIdentityProviderService.InitiateAuth';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export async function profileSignIn(op: string): Promise<void> {
  const storage = (process.env.PROFILE_STORAGE ?? 'postgres') as BenchStorage;
  const durationMs = Number(process.env.PROFILE_MS ?? 8_000);
  const app = await startBenchApp(storage);
  const wire = new WireClient(app.url, CLIENTS);
  const sdk = new CognitoIdentityProviderClient({ endpoint: app.url, region: app.platform.config.REGION, credentials: app.admin, maxAttempts: 1 });
  try {
    const poolId = (await sdk.send(new CreateUserPoolCommand({ PoolName: 'profile' }))).UserPool!.Id!;
    const clientId = (
      await sdk.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'p', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
      )
    ).UserPoolClient!.ClientId!;
    for (let i = 0; i < USERS; i++) {
      const Username = `user-${i}`;
      await sdk.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username, TemporaryPassword: PASSWORD, MessageAction: 'SUPPRESS' }));
      await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true }));
    }
    let n = 0;
    const tokens: string[] = [];
    const signIn = async () => {
      const r = await wire.call<{ AuthenticationResult?: { RefreshToken?: string; AccessToken?: string } }>(TARGET, {
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: `user-${n++ % USERS}`, PASSWORD },
      });
      if (!r.AuthenticationResult?.AccessToken) throw new Error('no tokens');
      if (tokens.length < 1000 && r.AuthenticationResult.RefreshToken) tokens.push(r.AuthenticationResult.RefreshToken);
    };
    const refresh = async () => {
      const r = await wire.call<{ AuthenticationResult?: { AccessToken?: string } }>(TARGET, {
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: tokens[n++ % tokens.length] },
      });
      if (!r.AuthenticationResult?.AccessToken) throw new Error('no tokens');
    };
    for (let i = 0; i < USERS; i++) await signIn();
    if (op === 'signin-stub') {
      app.platform.hasher.verify = async () => {
        await new Promise((resolve) => setImmediate(resolve));
        return true;
      };
    }
    const run = op === 'refresh' ? refresh : signIn;
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    let started = false;
    const result = await closedLoop({
      workers: CLIENTS,
      warmupMs: 1_500,
      durationMs,
      op: async () => {
        await run();
      },
      onMeasureStart: () => {
        started = true;
        if (process.env.PROFILE_OFF !== '1') void session.post('Profiler.start');
      },
    });
    if (!started) throw new Error('the window never opened');
    if (process.env.PROFILE_OFF === '1') {
      console.log(
        `${op} on ${storage}: ${result.perSecond.toFixed(0)}/s, node ${result.cpu.processPct.toFixed(0)}% of a core, ${((result.cpu.processPct * durationMs) / 100 / result.ops).toFixed(2)} ms CPU per op`,
      );
      return;
    }
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; startTime: number; endTime: number } };
    session.disconnect();
    if (process.env.PROFILE_OUT) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
    console.log(
      `${op} on ${storage}: ${result.perSecond.toFixed(0)}/s, node ${result.cpu.processPct.toFixed(0)}% of a core, ${((result.cpu.processPct * durationMs) / 100 / result.ops).toFixed(2)} ms CPU per op`,
    );
    summarise(profile.nodes);
  } finally {
    sdk.destroy();
    wire.close();
    await app.destroy();
  }
}

function summarise(nodes: ProfileNode[]): void {
  const total = nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const n of nodes) {
    const hits = n.hitCount ?? 0;
    if (!hits) continue;
    const url = n.callFrame.url;
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.includes('/dist/') ? `cairn:${/\/dist\/(.*)$/.exec(url)?.[1]}` : url || `(${n.callFrame.functionName})`);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
    const fn = `${n.callFrame.functionName || '(anonymous)'} ${pkg}:${n.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, hits]) => `${((100 * hits) / total).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  console.log(`\nself time by package (${total} samples):\n${top(byPackage, 40)}`);
  console.log(`\nself time by function:\n${top(byFunction, 50)}`);
}

if (isMain(import.meta.url)) runAlone(() => profileSignIn(process.argv[2] ?? 'signin-stub'));
