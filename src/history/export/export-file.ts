import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, unlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Secrets } from '../../crypto/secrets.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { Users } from '../../user-pools/users.js';
import type { PersonalDataKeys } from '../erasure/erasure.ports.js';
import { exportLines, importLines, type ImportResult } from './deployment-export.js';

/**
 * Export and import from the command line (`history export` / `history import`): the same
 * `cairn-export` file as POST /v1/admin/export and /v1/admin/import, streamed to and from a file
 * line by line, so its size is bounded by neither BODY_LIMIT nor memory.
 */

/** Where the passphrase comes from: never an argument (it would show in `ps` and in shell history). */
export const PASSPHRASE_ENV = 'CAIRN_EXPORT_PASSPHRASE';
const MIN_PASSPHRASE = 12;
const MAX_PASSPHRASE = 1024;

export class PassphraseError extends Error {}

/** The passphrase from `--passphrase-file <path>` (its first line) or the CAIRN_EXPORT_PASSPHRASE variable. */
export async function readPassphrase(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const value = file !== undefined ? (await readFile(file, 'utf8')).split(/\r?\n/)[0] : env[PASSPHRASE_ENV];
  if (value === undefined || value === '')
    throw new PassphraseError(`the passphrase comes from --passphrase-file <path> or the ${PASSPHRASE_ENV} variable (never an argument)`);
  if (value.length < MIN_PASSPHRASE || value.length > MAX_PASSPHRASE)
    throw new PassphraseError(`the passphrase must be ${MIN_PASSPHRASE} to ${MAX_PASSPHRASE} characters long`);
  return value;
}

/**
 * Writes the export to `path`: to `<path>.partial` first, renamed when its end line is written,
 * so a failed export leaves no file that looks whole (and a truncated one would not import).
 */
export async function writeDeploymentExport(
  path: string,
  options: { store: EventStore; keys: PersonalDataKeys; secrets: Secrets; passphrase: string; poolId?: string; now: Date },
): Promise<{ events: number; streams: number; erasedStreamsLeftOut: number }> {
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, { encoding: 'utf8', mode: 0o600 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  let end: { events: number; streams: number; erasedStreamsLeftOut: number } | undefined;
  try {
    for await (const line of exportLines(options)) {
      if (line.startsWith('{"end":')) end = (JSON.parse(line) as { end: typeof end }).end;
      if (!out.write(`${line}\n`)) await Promise.race([once(out, 'drain'), failed]);
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
    await rename(partial, path);
  } catch (error) {
    out.destroy();
    await unlink(partial).catch(() => undefined);
    throw error;
  }
  return end!;
}

/**
 * Imports the export at `path` into this (empty of its pools) deployment, reading it line by line.
 * The file is read through once first: a truncated file (no end line, or fewer events than it
 * says) is refused before anything is appended.
 */
export async function readDeploymentImport(
  path: string,
  options: { store: EventStore; secrets: Secrets; users: Users; passphrase: string },
): Promise<ImportResult> {
  await checkWhole(path);
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    return await importLines(lines, options);
  } finally {
    lines.close();
    input.destroy();
  }
}

async function checkWhole(path: string): Promise<void> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let events = 0;
  let end: number | undefined;
  try {
    for await (const line of lines) {
      if (line.startsWith('{"event":')) events++;
      else if (line.startsWith('{"end":')) end = (JSON.parse(line) as { end: { events: number } }).end.events;
    }
  } finally {
    input.destroy();
  }
  if (end === undefined) throw new Error('the export is truncated (no end line)');
  if (end !== events) throw new Error(`the file ends after ${events} events but says it holds ${end}`);
}
