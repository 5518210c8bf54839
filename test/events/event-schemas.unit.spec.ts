import { readFile, writeFile } from 'node:fs/promises';
import { GENERATED_FILE, generateEventSchemas } from '../../scripts/event-schemas.js';

/**
 * The event schemas the AsyncAPI document is built from are derived from the TypeScript types,
 * not kept by hand: the checked-in file must be what scripts/event-schemas.ts writes from the
 * types as they are. After changing or adding an event type, run
 *   node scripts/event-schemas.ts        (or WRITE_API_DOCS=1 with this test)
 * then refresh docs/asyncapi.json (WRITE_API_DOCS=1 with test/events/asyncapi.e2e.spec.ts).
 */
describe('event schemas', () => {
  test(`${GENERATED_FILE} is generated from the current event and message types`, async () => {
    const generated = await generateEventSchemas();
    if (process.env.WRITE_API_DOCS === '1') await writeFile(GENERATED_FILE, generated);
    expect(generated).toBe(await readFile(GENERATED_FILE, 'utf8'));
  }, 60_000);
});
