import type { VerifyReport } from './verifier.js';

/** A verification report as the CLI and the standalone verifier print it. */
export function formatReport(report: VerifyReport): string {
  const lines = [
    `${report.ok ? 'OK' : 'TAMPERED'}: ${report.events} events in ${report.streams} streams; ${report.chained} chained, ${report.preChain} written before the chain`,
    `checkpoints: ${report.checkpoints.sealed} sealed, ${report.checkpoints.open} open; ${report.checkpoints.eventsCovered} events covered, ${report.checkpoints.eventsAfter} after the last checkpoint`,
    `anchor (newest sealed checkpoint): ${report.anchor ?? 'none yet'}`,
  ];
  report.findings.forEach((f, i) => {
    const where = [f.streamId && `${f.streamId}@${f.revision}`, f.position && `position ${f.position}`, f.eventId && `event ${f.eventId}`, f.type]
      .filter(Boolean)
      .join(', ');
    lines.push(`${i === 0 ? 'FIRST ' : ''}${f.kind.toUpperCase()} (${f.by})${where ? ` ${where}` : ''}: ${f.detail}`);
  });
  return `${lines.join('\n')}\n`;
}
