import type { ImportStats } from './import-run';
import type { RejectedInput } from './import-source';

/** What an import did; returned by `runImport` and printed by the CLI. */
export interface ImportSummary extends ImportStats {
  source: string;
  root: string;
  elapsedMs: number;
  /** true when the import was stopped (signal) before it went through everything */
  interrupted: boolean;
  checkpointFile: string;
}

const SHOWN_REJECTIONS = 20;

export function formatRejection(r: RejectedInput): string {
  return `${r.file}${r.line !== undefined ? `:${r.line}` : ''}: ${r.reason}`;
}

/** The end-of-import report: counts, rates, and the first rejected lines as `file:line: reason`. */
export function formatSummary(s: ImportSummary): string {
  const seconds = Math.max((s.bulkMs ?? s.elapsedMs) / 1000, 0.001);
  const mb = s.bytes / (1024 * 1024);
  const took =
    s.bulkMs === undefined
      ? `in ${seconds.toFixed(1)} s`
      : `in ${(s.elapsedMs / 1000).toFixed(1)} s (bulk pass ${seconds.toFixed(1)} s)`;
  const lines = [
    `${s.interrupted ? 'stopped' : 'imported'} ${s.source} from ${s.root}`,
    `  files ${s.files} · lines ${s.lines} · ${mb.toFixed(1)} MB ${took}` +
      ` (${Math.round(s.lines / seconds)} lines/s, ${(mb / seconds).toFixed(1)} MB/s)`,
    `  events sent ${s.eventsSent} · accepted ${s.eventsAccepted} · rejected lines/events ${s.rejected.length}`,
    `  checkpoint ${s.checkpointFile}`,
  ];
  for (const r of s.rejected.slice(0, SHOWN_REJECTIONS)) lines.push(`  ${formatRejection(r)}`);
  if (s.rejected.length > SHOWN_REJECTIONS)
    lines.push(`  and ${s.rejected.length - SHOWN_REJECTIONS} more`);
  return `${lines.join('\n')}\n`;
}
