import { realpathSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Compiled to dist/bench/support/, so the repository root is three folders up. */
const ROOT = new URL('../../../', import.meta.url);

export function repoPath(relative: string): string {
  return fileURLToPath(new URL(relative, ROOT));
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}

/** Runs one benchmark as a script: errors print and set the exit code instead of hanging. */
export function runAlone(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
