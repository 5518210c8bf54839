import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class MasterKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyError';
  }
}

export function parseMasterKey(text: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== 32) throw new MasterKeyError('MASTER_KEY must be 32 bytes, base64url-encoded');
  return key;
}

/**
 * The master key from MASTER_KEY, or (embedded default only) from `<dataDir>/master.key`,
 * generated on first start. `created` tells the caller to say it once.
 */
export async function loadOrCreateMasterKey(options: {
  fromEnv?: string;
  dataDir: string;
  production: boolean;
}): Promise<{ key: Buffer; created: boolean; path?: string }> {
  if (options.fromEnv) return { key: parseMasterKey(options.fromEnv), created: false };
  if (options.production) throw new MasterKeyError('production mode needs MASTER_KEY');
  const path = join(options.dataDir, 'master.key');
  try {
    return { key: parseMasterKey(await readFile(path, 'utf8')), created: false, path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx': never overwrite a key another process just wrote.
  await writeFile(path, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, created: true, path };
}
