import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { InputValidationError } from '../../core/errors.js';
import { PLATFORM_NAMES } from '../../crawler/platform-adapter.js';
import type { Database } from '../../store/open-database.js';
import { AccountsRepository, type AccountInput } from '../../store/repositories/accounts-repository.js';
import type { Account } from '../../store/schema.js';
import { createCommandContext } from '../command-context.js';
import { formatTable, formatTime } from '../format-table.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';
import { parseAccountFields, readAccountsCsv, ACCOUNT_CSV_COLUMNS, type AccountColumn } from '../../server/api/read-accounts-csv.js';
import { readSelectors } from '../read-selectors.js';
import { recordCliAudit } from '../record-cli-audit.js';
import { terminalSafe } from '../terminal-safe.js';

const REF_HELP = 'the account: its id (or its first 8 characters, as `accounts list` shows), or platform:handle';

interface AddOptions {
  platform: string;
  handle: string;
  kind: string;
  url?: string;
  displayName?: string;
  ownerEmployeeId?: string;
  ownerName?: string;
  ownerEmail?: string;
  ownerDepartment?: string;
  noticeGivenAt?: string;
  legalBasis?: string;
  legalBasisAt?: string;
  schedule?: string;
  selectors?: string;
  inactive?: boolean;
}

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
    .action(async (options: AddOptions) => {
      const input = await accountFromOptions(options);
      await withDatabase(async (database) => {
        const repository = new AccountsRepository(database.db);
        const existing = await repository.findByHandle(input.platform, input.handle);
        if (existing) {
          throw new InputValidationError('accounts add', [
            { path: '--handle', message: `${input.platform}:${input.handle} is already registered (id ${existing.id}); \`overshare accounts show ${input.platform}:${input.handle}\` shows it` },
          ]);
        }
        const account = await repository.create(input);
        await recordCliAudit(database, { action: 'account.create', targetType: 'account', targetId: account.id, details: { platform: account.platform, handle: account.handle } });
        console.log(
          `Registered ${reference(account)} (${account.kind}) as ${account.id}; ` +
            (account.is_active ? 'its first scan is due now.' : 'it is inactive and will not be scanned until `overshare accounts enable`.'),
        );
      });
    });

  accounts
    .command('import')
    .description('register the accounts of a CSV file; reports every bad row by line and imports the good ones')
    .argument('<file>', 'CSV file, UTF-8, with a header naming its columns')
    .addHelpText('after', `\nColumns (platform, handle and kind required): ${ACCOUNT_CSV_COLUMNS.join(', ')}.\n` +
      'Dates are YYYY-MM-DD or ISO 8601 (UTC); active is yes/no (default yes). Accounts already registered are skipped.\n' +
      'Bad rows are printed as FILE:LINE: problem on standard error; the exit code is 1 when any row was bad.')
    .action(async (file: string) => {
      const text = await readFile(file, 'utf8').catch((error: unknown) => {
        throw new InputValidationError('accounts import', [{ path: file, message: `cannot read the file (${error instanceof Error ? error.message : 'unknown error'})` }]);
      });
      const { rows, problems, isReadable } = readAccountsCsv(text);
      for (const problem of problems) console.error(`${file}:${problem.line}: ${problem.message}`);
      if (!isReadable) {
        console.log('Imported nothing: the file itself must be fixed first.');
        process.exitCode = 1;
        return;
      }
      await withDatabase(async (database) => {
        const repository = new AccountsRepository(database.db);
        let imported = 0;
        let skipped = 0;
        for (const row of rows) {
          // One insert per row: a duplicate is skipped and the rest still go in.
          try {
            await repository.create(row.account);
            imported += 1;
          } catch (error) {
            if (!(error instanceof InputValidationError)) throw error;
            skipped += 1;
            console.error(`${file}:${row.line}: ${row.account.platform}:${row.account.handle} is already registered; skipped`);
          }
        }
        const badRows = new Set(problems.map((problem) => problem.line)).size;
        await recordCliAudit(database, { action: 'account.import', targetType: 'account', details: { file, imported, skipped, badRows } });
        console.log(`imported ${imported}, skipped ${skipped} (already registered), ${plural(badRows, 'bad row')}`);
        if (badRows > 0) process.exitCode = 1;
      });
    });

  accounts
    .command('list')
    .description('list the active accounts (with --all, the disabled ones too)')
    .option('--all', 'include disabled accounts')
    .option('--json', 'one JSON object per account (JSON Lines)')
    .action(async (options: { all?: boolean; json?: boolean }) => {
      await withDatabase(async (database) => {
        const list = await new AccountsRepository(database.db).list(options.all === true ? {} : { isActive: true });
        if (options.json === true) {
          for (const account of list) console.log(JSON.stringify(accountJson(account)));
          return;
        }
        if (list.length === 0) {
          console.log(
            options.all === true
              ? 'No accounts are registered. Add one with `overshare accounts add` or `overshare accounts import FILE.csv`.'
              : 'No active accounts. `overshare accounts list --all` shows disabled ones too.',
          );
          return;
        }
        const rows = list.map((account) => [
          account.id.slice(0, 8),
          account.platform,
          account.handle,
          account.kind,
          account.owner_name ?? account.owner_employee_id ?? '-',
          account.is_active ? account.status : `${account.status}, disabled`,
          account.schedule ?? 'default',
          formatTime(account.last_scanned_at),
          formatTime(account.next_scan_at),
        ]);
        console.log(formatTable(['ID', 'PLATFORM', 'HANDLE', 'KIND', 'OWNER', 'STATUS', 'SCHEDULE', 'LAST SCANNED', 'NEXT SCAN'], rows));
        console.log(`\n${plural(list.length, 'account')}.`);
      });
    });

  accounts
    .command('show')
    .description('show every field of one account, with its last error and what it holds')
    .argument('<ref>', REF_HELP)
    .action(async (ref: string) => {
      await withDatabase(async (database) => {
        const repository = new AccountsRepository(database.db);
        const account = await repository.resolve(ref);
        const held = await repository.dependents(account.id);
        console.log(describeAccount(account, `${plural(held.posts, 'post')} (${plural(held.media, 'image')}), ${plural(held.findings, 'finding')}`));
      });
    });

  accounts
    .command('disable')
    .description('stop scanning an account; its posts and findings are kept')
    .argument('<ref>', REF_HELP)
    .action(async (ref: string) => {
      await withDatabase(async (database) => {
        const repository = new AccountsRepository(database.db);
        const account = await repository.disable((await repository.resolve(ref)).id);
        await recordCliAudit(database, { action: 'account.disable', targetType: 'account', targetId: account.id });
        console.log(`Disabled ${reference(account)}: it will not be scanned; its posts and findings are kept. \`overshare accounts enable ${account.id.slice(0, 8)}\` resumes.`);
      });
    });

  accounts
    .command('enable')
    .description('scan a disabled account again, starting now')
    .argument('<ref>', REF_HELP)
    .action(async (ref: string) => {
      await withDatabase(async (database) => {
        const repository = new AccountsRepository(database.db);
        const account = await repository.enable((await repository.resolve(ref)).id);
        await recordCliAudit(database, { action: 'account.enable', targetType: 'account', targetId: account.id });
        console.log(`Enabled ${reference(account)}: a scan is due now.`);
      });
    });

  accounts
    .command('remove')
    .description('delete an account with its posts and findings (asks for --yes)')
    .argument('<ref>', REF_HELP)
    .option('--yes', 'confirm: delete the account, its posts, their images and its findings')
    .addHelpText('after', '\nRemoving deletes the account together with every post collected from it, their images and its findings\n' +
      "(the findings' events already sent to the SIEM stay in the event log). Without --yes nothing is deleted and the\n" +
      'command says what would be (exit code 2). To stop scanning but keep the evidence, use `overshare accounts disable`.')
    .action(async (ref: string, options: { yes?: boolean }, command: Command) => {
      await withDatabase(async (database) => {
        const repository = new AccountsRepository(database.db);
        const account = await repository.resolve(ref);
        const held = await repository.dependents(account.id);
        const what = `${reference(account)} with ${plural(held.posts, 'post')} (${plural(held.media, 'image')}) and ${plural(held.findings, 'finding')}`;
        if (options.yes !== true) {
          const keep = account.is_active
            ? `or \`overshare accounts disable ${account.id.slice(0, 8)}\` to stop scanning and keep them`
            : 'or leave it disabled, which stops scanning and keeps them';
          command.error(
            `overshare: removing deletes ${what}. Run again with --yes to confirm, ${keep}.`,
            { exitCode: 2, code: 'overshare.confirmationRequired' },
          );
        }
        await repository.remove(account.id);
        // The entry outlives the account: it names it by id and platform, never by its handle.
        await recordCliAudit(database, { action: 'account.remove', targetType: 'account', targetId: account.id, details: { platform: account.platform, ...held } });
        console.log(`Removed ${what}.`);
      });
    });

  return accounts;
}

async function withDatabase(work: (database: Database) => Promise<void>): Promise<void> {
  const database = await openMigratedDatabase(createCommandContext('warn'));
  try {
    await work(database);
  } finally {
    await database.close();
  }
}

/** `accounts add` options, validated exactly as a CSV row is. */
async function accountFromOptions(options: AddOptions): Promise<AccountInput> {
  const fields: Partial<Record<AccountColumn, string>> = {
    platform: options.platform,
    handle: options.handle,
    kind: options.kind,
    url: options.url,
    display_name: options.displayName,
    owner_employee_id: options.ownerEmployeeId,
    owner_name: options.ownerName,
    owner_email: options.ownerEmail,
    owner_department: options.ownerDepartment,
    notice_given_at: options.noticeGivenAt,
    legal_basis: options.legalBasis,
    legal_basis_at: options.legalBasisAt,
    schedule: options.schedule,
    active: options.inactive === true ? 'no' : 'yes',
  };
  const result = parseAccountFields(fields);
  if ('problems' in result) {
    throw new InputValidationError(
      'accounts add',
      result.problems.map((problem) => ({ path: `--${problem.column.replaceAll('_', '-')}`, message: problem.message })),
    );
  }
  if (options.platform === 'generic') {
    if (options.selectors === undefined) {
      throw new InputValidationError('accounts add', [{ path: '--selectors', message: 'the generic platform needs CSS selectors: --selectors \'{"post":"article"}\' or a JSON file' }]);
    }
    return { ...result.account, settings: { selectors: await readSelectors(options.selectors) } };
  }
  if (options.selectors !== undefined) {
    throw new InputValidationError('accounts add', [{ path: '--selectors', message: `only the generic platform takes selectors; ${options.platform} knows where its posts are` }]);
  }
  return result.account;
}

function reference(account: Account): string {
  return terminalSafe(`${account.platform}:${account.handle}`);
}

function accountJson(account: Account): Record<string, unknown> {
  return {
    id: account.id,
    platform: account.platform,
    handle: account.handle,
    kind: account.kind,
    url: account.url,
    displayName: account.display_name,
    owner: {
      employeeId: account.owner_employee_id,
      name: account.owner_name,
      email: account.owner_email,
      department: account.owner_department,
    },
    noticeGivenAt: account.notice_given_at?.toISOString() ?? null,
    legalBasis: account.legal_basis,
    legalBasisAt: account.legal_basis_at?.toISOString() ?? null,
    schedule: account.schedule,
    isActive: account.is_active,
    status: account.status,
    lastError: account.last_error,
    lastErrorAt: account.last_error_at?.toISOString() ?? null,
    lastScannedAt: account.last_scanned_at?.toISOString() ?? null,
    nextScanAt: account.next_scan_at?.toISOString() ?? null,
    settings: account.settings,
    createdAt: account.created_at.toISOString(),
    updatedAt: account.updated_at.toISOString(),
  };
}

function describeAccount(account: Account, holds: string): string {
  const fields: [string, string | null][] = [
    ['id', account.id],
    ['platform', account.platform],
    ['handle', account.handle],
    ['kind', account.kind],
    ['url', account.url],
    ['display name', account.display_name],
    ['owner name', account.owner_name],
    ['owner employee id', account.owner_employee_id],
    ['owner e-mail', account.owner_email],
    ['owner department', account.owner_department],
    ['notice given', account.notice_given_at && formatTime(account.notice_given_at)],
    ['legal basis', account.legal_basis],
    ['legal basis since', account.legal_basis_at && formatTime(account.legal_basis_at)],
    ['schedule', account.schedule ?? 'default (SCAN_DEFAULT_SCHEDULE)'],
    ['active', account.is_active ? 'yes' : 'no (disabled)'],
    ['status', account.status],
    ['last error', account.last_error],
    ['last error at', account.last_error_at && formatTime(account.last_error_at)],
    ['last scanned', formatTime(account.last_scanned_at)],
    ['next scan', account.is_active ? formatTime(account.next_scan_at) : '- (disabled)'],
    ['selectors', account.settings.selectors === undefined ? null : JSON.stringify(account.settings.selectors)],
    ['holds', holds],
    ['registered', formatTime(account.created_at)],
    ['updated', formatTime(account.updated_at)],
  ];
  const width = Math.max(...fields.map(([name]) => name.length)) + 1;
  return fields.map(([name, value]) => `${`${name}:`.padEnd(width)} ${terminalSafe(value ?? '-')}`).join('\n');
}
