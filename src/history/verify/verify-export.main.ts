/**
 * The standalone verifier: `node dist/src/history/verify/verify-export.main.js <export file>`.
 * Reads an export written by `npm run cli -- history export-log` and opens no database (it
 * imports only the verifier, SHA-256 and the file reader). Exit code 0: the log verifies;
 * 1: tampering found (each finding printed); 2: bad usage or an unreadable file.
 */
import { verifyLogExport } from './export-file.js';
import { formatReport } from './report-text.js';

async function main(argv: string[]): Promise<number> {
  const [file] = argv;
  if (!file) {
    process.stderr.write('usage: node dist/src/history/verify/verify-export.main.js <export file>\n');
    return 2;
  }
  const report = await verifyLogExport(file);
  process.stdout.write(formatReport(report));
  return report.ok ? 0 : 1;
}

if (process.argv[1]?.endsWith('verify-export.main.js')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(2);
    },
  );
}
