import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The breach corpus compromised-credentials detection checks passwords against, supplied by the
 * operator (COMPROMISED_PASSWORDS_FILE) in the k-anonymity range format of Have I Been Pwned:
 *
 * - a folder of range files, one per 5-hex-digit SHA-1 prefix (`<PREFIX>` or `<PREFIX>.txt`),
 *   each line `<35-hex suffix>:<count>`, as the range API answers; only the one range file
 *   of the password's prefix is read (and kept, a few thousand at most);
 * - or one file of `<40-hex SHA-1>:<count>` lines (the downloader's single-file output),
 *   read once into memory: for small corpora and tests; a full corpus belongs in a folder.
 *
 * Entries with a count of 0 are padding and do not count. The password itself is hashed in
 * memory, never stored, logged or sent anywhere.
 */
export interface CompromisedPasswords {
  readonly configured: boolean;
  isCompromised(password: string): Promise<boolean>;
}

export const COMPROMISED_PASSWORDS = Symbol('CompromisedPasswords');

const LINE = /^([0-9A-Fa-f]+):(\d+)\s*$/;

/** The suffixes (upper-case hex) of a range text whose count is not 0. */
function suffixes(text: string, hexLength: number): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = LINE.exec(line.trim());
    if (m && m[1].length === hexLength && Number(m[2]) > 0) out.push(m[1].toUpperCase());
  }
  return out;
}

export const sha1Hex = (password: string) => createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();

const MAX_CACHED_RANGES = 4096;

class RangeCorpus implements CompromisedPasswords {
  readonly configured = true;
  private kind: Promise<'folder' | 'file'> | undefined;
  private whole: Promise<Set<string>> | undefined;
  private readonly ranges = new Map<string, Promise<Set<string>>>();

  constructor(private readonly path: string) {}

  async isCompromised(password: string): Promise<boolean> {
    const hash = sha1Hex(password);
    this.kind ??= stat(this.path).then((s) => (s.isDirectory() ? 'folder' : 'file'));
    if ((await this.kind) === 'file') {
      this.whole ??= readFile(this.path, 'utf8').then((text) => new Set(suffixes(text, 40)));
      return (await this.whole).has(hash);
    }
    const prefix = hash.slice(0, 5);
    let range = this.ranges.get(prefix);
    if (!range) {
      range = this.readRange(prefix);
      if (this.ranges.size >= MAX_CACHED_RANGES) this.ranges.delete(this.ranges.keys().next().value as string);
      this.ranges.set(prefix, range);
    }
    return (await range).has(hash.slice(5));
  }

  private async readRange(prefix: string): Promise<Set<string>> {
    for (const name of [prefix, `${prefix}.txt`, prefix.toLowerCase(), `${prefix.toLowerCase()}.txt`]) {
      try {
        return new Set(suffixes(await readFile(join(this.path, name), 'utf8'), 35));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    // No range file for the prefix: no known password has it.
    return new Set();
  }
}

const NONE: CompromisedPasswords = { configured: false, isCompromised: () => Promise.resolve(false) };

/** The corpus at `path`, or none (then no password is ever found compromised). */
export function compromisedPasswords(path: string | undefined): CompromisedPasswords {
  return path ? new RangeCorpus(path) : NONE;
}
