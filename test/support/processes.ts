import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the process printed `text` (bounded). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs a compiled entry point from dist/ (built by `npm test` before jest). */
export function startNode(script: string, env: Record<string, string | undefined>, args: string[] = []): Proc {
  const child = spawn(process.execPath, [resolve(REPO, script), ...args], {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => out,
    waitFor: (text, timeoutMs = 20_000) =>
      new Promise<void>((resolveWait, reject) => {
        const started = Date.now();
        const check = () => {
          if (typeof text === 'string' ? out.includes(text) : text.test(out)) return resolveWait();
          if (child.exitCode !== null) return reject(new Error(`process exited (${child.exitCode}) before printing ${String(text)}:\n${out}`));
          if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${String(text)}:\n${out}`));
          setTimeout(check, 25);
        };
        check();
      }),
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
