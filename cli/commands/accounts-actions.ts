import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InputValidationError } from '../../core/errors.js';
import type { Database } from '../../store/open-database.js';
import { AccountsRepository, type AccountInput } from '../../store/repositories/accounts-repository.js';
import { CoverageQuery } from '../../store/repositories/coverage-query.js';
import type { Account, CoverageGap } from '../../store/schema.js';
import { createCommandContext } from '../command-context.js';
import { formatTable, formatTime } from '../format-table.js';
import { openMigratedDatabase } from '../open-migrated-database.js';
import { plural } from '../plural.js';
import { parseAccountFields, readAccountsCsv, type AccountColumn } from '../../server/api/read-accounts-csv.js';
import { readSelectors } from '../read-selectors.js';
import { recordCliAudit } from '../record-cli-audit.js';
import { terminalSafe } from '../terminal-safe.js';

/** The options of `accounts add`, as commander parses them. */
export interface AddAccountOptions {
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
  canary?: boolean;
}

/** `accounts add`: registers one account, refusing one already registered; it is due for a scan at once. */
export async function addAccount(options: AddAccountOptions): Promise<void> {
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
      `Registered ${reference(account)} (${account.kind}${account.is_canary ? ', canary: read only to watch its platform' : ''}) as ${account.id}; ` +
        (account.is_active ? 'its first scan is due now.' : 'it is inactive and will not be scanned until `overshare accounts enable`.'),
    );
  });
}

/** `accounts import FILE`: registers the good rows of a CSV file, reports every bad row by line, exit code 1 when any was bad. */
export async function importAccounts(file: string): Promise<void> {
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
}

/** `accounts list`: the active accounts (all with --all) as a table, or as JSON Lines with --json. */
export async function listAccounts(options: { all?: boolean; json?: boolean }): Promise<void> {
  await withDatabase(async (database) => {
    const list = await new AccountsRepository(database.db).list(options.all === true ? {} : { isActive: true });
    const gaps = await new CoverageQuery(database.db).openGapsOf(list.map((account) => account.id));
    if (options.json === true) {
      for (const account of list) console.log(JSON.stringify(accountJson(account, gaps.get(account.id))));
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
      account.is_canary ? `${account.kind}, canary` : account.kind,
      account.owner_name ?? account.owner_employee_id ?? '-',
      [account.status, account.is_active ? '' : 'disabled', uncovered(gaps.get(account.id))].filter((part) => part !== '').join(', '),
      account.schedule ?? 'default',
      formatTime(account.last_scanned_at),
      formatTime(account.next_scan_at),
    ]);
    console.log(formatTable(['ID', 'PLATFORM', 'HANDLE', 'KIND', 'OWNER', 'STATUS', 'SCHEDULE', 'LAST SCANNED', 'NEXT SCAN'], rows));
    const uncoveredCount = list.filter((account) => gaps.has(account.id)).length;
    console.log(`\n${plural(list.length, 'account')}.${uncoveredCount === 0 ? '' : ` ${uncoveredCount} not covered: \`overshare coverage\` says since when and why.`}`);
  });
}

/** `accounts show REF`: every field of one account, with what it holds. */
export async function showAccount(ref: string): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new AccountsRepository(database.db);
    const account = await repository.resolve(ref);
    const held = await repository.dependents(account.id);
    const gap = (await new CoverageQuery(database.db).openGapsOf([account.id])).get(account.id);
    console.log(describeAccount(account, gap, `${plural(held.posts, 'post')} (${plural(held.media, 'image')}), ${plural(held.findings, 'finding')}`));
  });
}

/** `accounts disable REF`: stops scanning the account, keeping its posts and findings. */
export async function disableAccount(ref: string): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new AccountsRepository(database.db);
    const account = await repository.disable((await repository.resolve(ref)).id);
    await recordCliAudit(database, { action: 'account.disable', targetType: 'account', targetId: account.id });
    console.log(`Disabled ${reference(account)}: it will not be scanned; its posts and findings are kept. \`overshare accounts enable ${account.id.slice(0, 8)}\` resumes.`);
  });
}

/** `accounts enable REF`: scans a disabled account again, starting now. */
export async function enableAccount(ref: string): Promise<void> {
  await withDatabase(async (database) => {
    const repository = new AccountsRepository(database.db);
    const account = await repository.enable((await repository.resolve(ref)).id);
    await recordCliAudit(database, { action: 'account.enable', targetType: 'account', targetId: account.id });
    console.log(`Enabled ${reference(account)}: a scan is due now.`);
  });
}

/** `accounts remove REF`: without --yes says what would go and exits 2; with it deletes the account and all it holds. */
export async function removeAccount(ref: string, options: { yes?: boolean }, command: Command): Promise<void> {
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
async function accountFromOptions(options: AddAccountOptions): Promise<AccountInput> {
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
    is_canary: options.canary === true ? 'yes' : 'no',
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

/** The status cell's coverage part: empty while covered. */
function uncovered(gap: CoverageGap | undefined): string {
  return gap === undefined ? '' : `not covered since ${formatTime(gap.started_at)} (${gap.reason})`;
}

function accountJson(account: Account, gap: CoverageGap | undefined): Record<string, unknown> {
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
    isCanary: account.is_canary,
    lastSuccessAt: account.last_success_at?.toISOString() ?? null,
    consecutiveFailures: account.consecutive_failures,
    coverageGap:
      gap === undefined
        ? null
        : { id: gap.id, reason: gap.reason, lastError: gap.last_error, startedAt: gap.started_at.toISOString(), detectedAt: gap.detected_at.toISOString(), failures: gap.failures },
    createdAt: account.created_at.toISOString(),
    updatedAt: account.updated_at.toISOString(),
  };
}

function describeAccount(account: Account, gap: CoverageGap | undefined, holds: string): string {
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
    ['canary', account.is_canary ? 'yes: read only to watch its platform; its posts are not stored' : 'no'],
    ['covered up to', formatTime(account.last_success_at)],
    ['not covered', gap === undefined ? null : `since ${formatTime(gap.started_at)}: ${plural(gap.failures, 'failed collection')} (${gap.reason}), the last: ${gap.last_error}`],
    ['next scan', account.is_active ? formatTime(account.next_scan_at) : '- (disabled)'],
    ['selectors', account.settings.selectors === undefined ? null : JSON.stringify(account.settings.selectors)],
    ['holds', holds],
    ['registered', formatTime(account.created_at)],
    ['updated', formatTime(account.updated_at)],
  ];
  const width = Math.max(...fields.map(([name]) => name.length)) + 1;
  return fields.map(([name, value]) => `${`${name}:`.padEnd(width)} ${terminalSafe(value ?? '-')}`).join('\n');
}
