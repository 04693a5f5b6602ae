import { Command, InvalidArgumentError, Option } from 'commander';
import type { FindingState } from '../../store/schema.js';

const FINDING_STATES: readonly FindingState[] = ['new', 'in_review', 'resolved', 'reopened'];

/** `overshare findings list|show`: what the scans found, checked without the web UI. */
export function findingsCommand(): Command {
  const findings = new Command('findings').description('list and inspect findings, newest first');

  findings
    .command('list')
    .description('list findings, newest first (evidence is masked; `findings show` reveals it)')
    .addOption(new Option('--state <state>', 'only findings in this state').choices(FINDING_STATES))
    .option('--limit <n>', 'at most this many (default 100)', parseLimit, 100)
    .option('--json', 'one JSON object per finding (JSON Lines), evidence text masked')
    .action(async (options: { state?: FindingState; limit: number; json?: boolean }) => (await import('./findings-actions.js')).listFindings(options));

  findings
    .command('show')
    .description('show every field of one finding, its evidence as stored and its history (the reveal is audit-logged)')
    .argument('<id>', 'the finding: its id, or its first 8 characters as `findings list` shows')
    .action(async (id: string) => (await import('./findings-actions.js')).showFinding(id));

  return findings;
}

function parseLimit(value: string): number {
  const parsed = Number(value);
  if (!/^\d{1,5}$/u.test(value) || parsed < 1) throw new InvalidArgumentError('must be a whole number from 1 to 99999.');
  return parsed;
}
