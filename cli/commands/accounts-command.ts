import { Command, Option } from 'commander';
import { PLATFORM_NAMES } from '../../crawler/platform-adapter.js';
import { ACCOUNT_CSV_COLUMNS } from '../../server/api/read-accounts-csv.js';
import type { AddAccountOptions } from './accounts-actions.js';

const REF_HELP = 'the account: its id (or its first 8 characters, as `accounts list` shows), or platform:handle';

/** `overshare accounts add|import|list|show|disable|enable|remove`: the registry of watched accounts. */
export function accountsCommand(): Command {
  const accounts = new Command('accounts').description('register, list and remove the social accounts overshare watches');

  accounts
    .command('add')
    .description('register one account; it is due for a scan at once')
    .addOption(new Option('--platform <platform>', 'platform of the account').choices(PLATFORM_NAMES).makeOptionMandatory())
    .requiredOption('--handle <handle>', 'the account on its platform: channel or user name, handle, feed or page URL')
    .addOption(new Option('--kind <kind>', "the organisation's own account, or an employee's").choices(['corporate', 'employee']).makeOptionMandatory())
    .option('--url <url>', 'base URL of the platform or instance (a self-hosted Mastodon, say); default: the public one')
    .option('--display-name <name>', 'a name to show for the account')
    .option('--owner-employee-id <id>', "owner's employee id (an employee account needs this or --owner-name)")
    .option('--owner-name <name>', "owner's name")
    .option('--owner-email <email>', "owner's e-mail address")
    .option('--owner-department <department>', "owner's department")
    .option('--notice-given-at <date>', 'when the owner was told the account is watched (YYYY-MM-DD or ISO 8601, UTC)')
    .option('--legal-basis <text>', 'the legal basis for watching it (e.g. "consent", "legitimate interest, policy IS-7")')
    .option('--legal-basis-at <date>', 'when that basis was established or last confirmed (YYYY-MM-DD or ISO 8601, UTC)')
    .option('--schedule <schedule>', 'how often to scan: 30m, 6h, 1d, 2h30m, or cron such as "0 9 * * 1-5" (UTC); default: SCAN_DEFAULT_SCHEDULE')
    .option('--selectors <json-or-file>', 'generic platform only: CSS selectors as JSON, or a JSON file ({"post": "article", …})')
    .option('--inactive', 'register it without scanning it (until `accounts enable`)')
    .option('--canary', 'a known public account that always has posts, read only to watch its platform (its posts are never stored or analyzed)')
    .action(async (options: AddAccountOptions) => (await import('./accounts-actions.js')).addAccount(options));

  accounts
    .command('import')
    .description('register the accounts of a CSV file; reports every bad row by line and imports the good ones')
    .argument('<file>', 'CSV file, UTF-8, with a header naming its columns')
    .addHelpText('after', `\nColumns (platform, handle and kind required): ${ACCOUNT_CSV_COLUMNS.join(', ')}.\n` +
      'Dates are YYYY-MM-DD or ISO 8601 (UTC); active is yes/no (default yes); is_canary is yes/no (default no).\n' +
      'Accounts already registered are skipped.\n' +
      'Bad rows are printed as FILE:LINE: problem on standard error; the exit code is 1 when any row was bad.')
    .action(async (file: string) => (await import('./accounts-actions.js')).importAccounts(file));

  accounts
    .command('list')
    .description('list the active accounts and whether each is covered (with --all, the disabled ones too)')
    .option('--all', 'include disabled accounts')
    .option('--json', 'one JSON object per account (JSON Lines)')
    .action(async (options: { all?: boolean; json?: boolean }) => (await import('./accounts-actions.js')).listAccounts(options));

  accounts
    .command('show')
    .description('show every field of one account, with its last error and what it holds')
    .argument('<ref>', REF_HELP)
    .action(async (ref: string) => (await import('./accounts-actions.js')).showAccount(ref));

  accounts
    .command('disable')
    .description('stop scanning an account; its posts and findings are kept')
    .argument('<ref>', REF_HELP)
    .action(async (ref: string) => (await import('./accounts-actions.js')).disableAccount(ref));

  accounts
    .command('enable')
    .description('scan a disabled account again, starting now')
    .argument('<ref>', REF_HELP)
    .action(async (ref: string) => (await import('./accounts-actions.js')).enableAccount(ref));

  accounts
    .command('remove')
    .description('delete an account with its posts and findings (asks for --yes)')
    .argument('<ref>', REF_HELP)
    .option('--yes', 'confirm: delete the account, its posts, their images and its findings')
    .addHelpText('after', '\nRemoving deletes the account together with every post collected from it, their images and its findings\n' +
      "(the findings' events already sent to the SIEM stay in the event log). Without --yes nothing is deleted and the\n" +
      'command says what would be (exit code 2). To stop scanning but keep the evidence, use `overshare accounts disable`.')
    .action(async (ref: string, options: { yes?: boolean }, command: Command) => (await import('./accounts-actions.js')).removeAccount(ref, options, command));

  return accounts;
}
