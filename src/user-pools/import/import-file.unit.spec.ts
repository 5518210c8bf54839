import { fileSlices, READ_SLICE_BYTES, readImportFile, type ImportRow } from './import-file.js';

async function all(rows: AsyncIterable<ImportRow>): Promise<ImportRow[]> {
  const out: ImportRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

describe('readImportFile over a file larger than one read slice', () => {
  // Multi-byte characters and quoted line breaks everywhere, so slice edges fall inside them.
  const csvRows = 5_000;
  const csv = Buffer.from(
    ['cognito:username,name,email', ...Array.from({ length: csvRows }, (_, i) => `usér-${i},"Zoë ${i}\nsecond line 😀",u${i}@example.com`)].join('\n'),
  );
  const jsonl = Buffer.from(Array.from({ length: csvRows }, (_, i) => JSON.stringify({ 'cognito:username': `usér-${i}`, name: `Zoë 😀 ${i}` })).join('\n'));

  it('is larger than a slice', () => {
    expect(csv.length).toBeGreaterThan(4 * READ_SLICE_BYTES);
    expect(jsonl.length).toBeGreaterThan(2 * READ_SLICE_BYTES);
  });

  it('reads every CSV row whole, wherever the slices end', async () => {
    const rows = await all(readImportFile(csv).rows);
    expect(rows).toHaveLength(csvRows);
    expect(rows.every((r) => !r.unreadable)).toBe(true);
    expect(rows[0]).toEqual({ line: 3, values: { 'cognito:username': 'usér-0', name: 'Zoë 0\nsecond line 😀', email: 'u0@example.com' } });
    const last = rows[csvRows - 1];
    expect(last.values).toEqual({
      'cognito:username': `usér-${csvRows - 1}`,
      name: `Zoë ${csvRows - 1}\nsecond line 😀`,
      email: `u${csvRows - 1}@example.com`,
    });
    expect(new Set(rows.map((r) => r.values['cognito:username'])).size).toBe(csvRows);
  });

  it('reads every JSON line whole, wherever the slices end', async () => {
    const rows = await all(readImportFile(jsonl).rows);
    expect(rows).toHaveLength(csvRows);
    rows.forEach((r, i) => expect(r).toEqual({ line: i + 1, values: { 'cognito:username': `usér-${i}`, name: `Zoë 😀 ${i}` } }));
  });

  it('hands the file on in slices, each only when asked for', async () => {
    const stream = fileSlices(csv);
    const first = (await stream[Symbol.asyncIterator]().next()) as IteratorResult<Buffer>;
    expect(first.value.length).toBe(READ_SLICE_BYTES);
    stream.destroy();
    const pieces: Buffer[] = [];
    for await (const piece of fileSlices(csv, 1001)) pieces.push(piece as Buffer);
    expect(Buffer.concat(pieces).equals(csv)).toBe(true);
    expect(pieces).toHaveLength(Math.ceil(csv.length / 1001));
  });
});
