import { Command, Option } from 'commander';
import { PLATFORM_NAMES } from '../../crawler/platform-adapter.js';
import type { CoverageOptions } from './coverage-actions.js';

/** `overshare coverage`: platform health and the accounts not covered, with an exit code monitoring can alert on. */
export function coverageCommand(): Command {
  return new Command('coverage')
    .description('show each platform\'s health and the accounts not covered now (since when, and why)')
    .option('--all', 'also list the gaps closed in the last 7 days, with the posts caught up afterwards')
    .addOption(new Option('--platform <platform>', 'only this platform').choices(PLATFORM_NAMES))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      '\nHealth is judged over the collections of the last 6 hours: ok, degraded, down, blocked (login walls), or unknown\n' +
        '(none ran). An account is not covered from its last successful collection until one succeeds again; a canary is\n' +
        'a known public account read only to watch its platform (`overshare accounts add --canary`).\n' +
        '--format json prints one JSON object: the reply of GET /api/v1/coverage with `gaps`, as GET /api/v1/coverage/gaps\n' +
        'gives them.\n\n' +
        'Exit codes, for cron and monitoring: 0 every active account is covered and no platform is down or blocked;\n' +
        '3 some account is not covered, or some platform is down or blocked; 2 the command line was wrong; 1 it failed.',
    )
    .action(async (options: CoverageOptions) => (await import('./coverage-actions.js')).printCoverage(options));
}
