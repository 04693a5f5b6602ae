import { Command, InvalidArgumentError, Option } from 'commander';
import type { AnalyzeOptions } from './analyze-actions.js';

/** `overshare analyze`: runs the rules over local files, one JSON line (or table row) per input, in input order. */
export function analyzeCommand(): Command {
  return new Command('analyze')
    .description('analyze local images (.jpg, .png, .webp, .gif), text files (.txt, .md) and post dumps (.json) without database or network')
    .argument('<paths...>', 'files or folders (folders are searched for images, .txt, .md and .json files)')
    .option('--policy <file>', 'policy file (default: OVERSHARE_POLICY_FILE, else the built-in default)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('json'))
    .option('--concurrency <n>', 'inputs analyzed at once (default: twice the OCR workers)', parseConcurrency)
    .action(async (paths: string[], options: AnalyzeOptions) => (await import('./analyze-actions.js')).analyzeFiles(paths, options));
}

function parseConcurrency(value: string): number {
  const parsed = Number(value);
  if (!/^\d{1,3}$/u.test(value) || parsed < 1 || parsed > 256) throw new InvalidArgumentError('must be a whole number from 1 to 256.');
  return parsed;
}
