import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

/** One data row of an import file: its line in the file and its values by column (empty cells absent). */
export interface ImportRow {
  line: number;
  values: Record<string, string>;
  /** Why the row cannot be read at all (wrong number of cells, not a JSON object). */
  unreadable?: string;
}

/** The header's column names (CSV), or undefined for JSON lines, whose rows name their own. */
export interface ImportFileReader {
  format: 'csv' | 'jsonl';
  rows: AsyncIterable<ImportRow>;
}

/** The file is a JSON-lines file when its first non-blank character opens an object, else CSV. */
export function fileFormat(content: Buffer): 'csv' | 'jsonl' {
  const head = content
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  return head.trimStart().startsWith('{') ? 'jsonl' : 'csv';
}

/**
 * Streams the rows of an uploaded file, yielding to the event loop as it goes (a large file must
 * not hold the process). A CSV's first record is its header; a file that cannot be tokenised at
 * all (an unclosed quote) throws, which fails the job as Cognito fails it ("unable to parse").
 */
export function readImportFile(content: Buffer): ImportFileReader {
  const format = fileFormat(content);
  return { format, rows: format === 'csv' ? csvRows(content) : jsonRows(content) };
}

/**
 * How much of the file the parser is handed at a time. Given the whole file as one chunk, csv-parse
 * (and readline) turn all of it into records at once and keep them queued until they are read: a
 * 100,000-row file held 100,000 parsed rows while the worker wrote the first batch. In slices the
 * stream's backpressure applies between them, so about a slice's worth of rows is read ahead.
 */
export const READ_SLICE_BYTES = 65_536;

/** The file in READ_SLICE_BYTES pieces, each produced when the parser asks for it (views, no copies). */
export function fileSlices(content: Buffer, size = READ_SLICE_BYTES): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < content.length; at += size) yield content.subarray(at, at + size);
    })(),
  );
}

async function* csvRows(content: Buffer): AsyncIterable<ImportRow> {
  const parser = fileSlices(content).pipe(parse({ bom: true, relax_column_count: true, skip_empty_lines: true, info: true, trim: true }));
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record.map((name) => name.trim());
      continue;
    }
    const line = info.lines;
    if (record.length !== header.length) {
      yield { line, values: {}, unreadable: `The row has ${record.length} values; the header has ${header.length} columns.` };
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((name, i) => {
      if (record[i] !== '') values[name] = record[i];
    });
    yield { line, values };
  }
}

async function* jsonRows(content: Buffer): AsyncIterable<ImportRow> {
  const lines = createInterface({ input: fileSlices(content), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, values: {}, unreadable: 'The line is not a JSON object.' };
      continue;
    }
    const values: Record<string, string> = {};
    for (const [name, v] of Object.entries(value)) {
      if (v === null || v === '') continue;
      values[name] = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
    }
    yield { line, values };
  }
}

/** The CSV header's columns, read without the rows (checked when the job starts). */
export async function csvHeader(content: Buffer): Promise<string[]> {
  const head = content.subarray(0, 65536);
  const end = head.indexOf(10);
  const parser = Readable.from([end >= 0 ? head.subarray(0, end + 1) : head]).pipe(parse({ bom: true, relax_column_count: true, trim: true }));
  for await (const record of parser as AsyncIterable<string[]>) return record;
  return [];
}
