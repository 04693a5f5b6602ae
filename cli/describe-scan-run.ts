import type { ScanRun } from '../store/schema.js';
import { plural } from './plural.js';

/** One line on a finished scan: status, time, and what it collected, read and found. */
export function describeScanRun(run: ScanRun): string {
  const seconds = run.started_at && run.finished_at ? ((run.finished_at.getTime() - run.started_at.getTime()) / 1_000).toFixed(1) : '?';
  const { counts } = run;
  return (
    `Scan ${run.id} ${run.status} in ${seconds} s: ${plural(counts.accounts, 'account')}, ${plural(counts.posts, 'new or changed post')}, ` +
    `${plural(counts.images, 'image')} read, ${plural(counts.findings, 'new finding')}, ${plural(counts.errors, 'error')}.`
  );
}
