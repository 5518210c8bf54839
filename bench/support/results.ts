import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { repoPath } from './paths.js';

/**
 * bench/RESULTS.md holds one section per benchmark between HTML-comment markers, so a
 * benchmark run alone replaces only its own section and keeps the others' last figures.
 */
const FILE = 'bench/RESULTS.md';

/** Sections in the order the file shows them. */
export const SECTIONS = [
  'appends',
  'projection-lag',
  'rebuild',
  'argon2-bindings',
  'sign-in',
  'srp',
  'search',
  'history-chain',
  'history-as-of',
  'erasure-envelope',
  'instances',
  'import',
  'oauth',
  'kafka-triggers',
  'kafka-forwarder',
] as const;
export type SectionId = (typeof SECTIONS)[number];

const HEADER = `# Benchmark results

Written by \`npm run bench\` (all of them) or \`node dist/bench/<name>.js\` (one section) after
\`npm run build\`; needs \`DATABASE_URL\` (a PostgreSQL server; each run creates and drops its own
\`bench_<random>\` database). Every figure comes with a reference measured in the same run on
the same machine and database, and the ratio to it: absolute numbers move with the machine,
ratios much less. Each section says which machine it was measured on, since sections are
updated independently. On a shared 2-core machine the spread between runs is large (2× on
absolute rates is common): compare ratios within one run, and re-run before acting on a
single absolute figure.
`;

const marker = (id: string, end = false) => `<!-- bench:${id}${end ? ':end' : ''} -->`;

export function writeSection(id: SectionId, body: string): void {
  const path = repoPath(FILE);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const sections = new Map<string, string>();
  const pattern = /<!-- bench:([a-z0-9-]+) -->\n([\s\S]*?)\n<!-- bench:\1:end -->/g;
  for (const match of text.matchAll(pattern)) sections.set(match[1], match[2]);
  sections.set(id, body.trim());
  const order = [...SECTIONS, ...[...sections.keys()].filter((k) => !(SECTIONS as readonly string[]).includes(k))];
  const parts = order.filter((k) => sections.has(k)).map((k) => `${marker(k)}\n${sections.get(k)}\n${marker(k, true)}`);
  writeFileSync(path, `${HEADER}\n${parts.join('\n\n')}\n`);
  console.log(`bench: wrote the "${id}" section of ${FILE}`);
}
