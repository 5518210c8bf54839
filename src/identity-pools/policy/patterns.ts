import { BlockList, isIP } from 'node:net';

/**
 * Matching as IAM does it: `*` (any run of characters) and `?` (one character) in actions,
 * resources and StringLike / ArnLike values; `${*}`, `${?}` and `${$}` stand for the literal
 * characters. Values put in by policy variables arrive escaped that way, so a tag value with
 * a `*` in it matches only a `*`.
 */
const compiled = new Map<string, RegExp>();

export function globMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let regex = compiled.get(key);
  if (!regex) {
    let source = '';
    for (let i = 0; i < pattern.length; i++) {
      const literal = /^\$\{([*?$])\}/.exec(pattern.slice(i));
      if (literal) {
        source += escapeRegex(literal[1]);
        i += 3;
      } else if (pattern[i] === '*') source += '.*';
      else if (pattern[i] === '?') source += '.';
      else source += escapeRegex(pattern[i]);
    }
    regex = new RegExp(`^${source}$`, ignoreCase ? 'si' : 's');
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(key, regex);
  }
  return regex.test(value);
}

/** A pattern with its `${*}`-style escapes turned back into plain characters (for exact comparisons). */
export function unescapePattern(pattern: string): string {
  return pattern.replace(/\$\{([*?$])\}/g, '$1');
}

/** Escapes a substituted value so the glob compiler takes it literally. */
export function escapeForPattern(value: string): string {
  return value.replace(/[*?$]/g, (c) => `\${${c}}`);
}

/**
 * ARN matching (Resource, ArnLike, ArnEquals): the first five `:`-separated parts are matched
 * part by part, the resource part as a whole (it may hold further colons or slashes).
 */
export function arnMatch(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return globMatch(pattern, arn);
  return p.every((part, i) => globMatch(part, a[i]));
}

function splitArn(value: string): string[] | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** Whether an address lies in a CIDR range (or equals an address), IPv4 or IPv6. */
export function ipMatch(range: string, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const [base, bits] = range.split('/');
  const rangeFamily = isIP(base);
  if (rangeFamily === 0) return false;
  const list = new BlockList();
  const type = rangeFamily === 4 ? 'ipv4' : 'ipv6';
  const prefix = bits === undefined ? (rangeFamily === 4 ? 32 : 128) : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (rangeFamily === 4 ? 32 : 128)) return false;
  list.addSubnet(base, prefix, type);
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
