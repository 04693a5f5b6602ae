import type { Kysely } from 'kysely';
import { z } from 'zod';
import { InputValidationError } from '../../../core/errors.js';
import { AccountsRepository, type AccountChanges, type AccountInput } from '../../../store/repositories/accounts-repository.js';
import { AuditLogRepository } from '../../../store/repositories/audit-log-repository.js';
import { CoverageQuery } from '../../../store/repositories/coverage-query.js';
import type { Account, Schema } from '../../../store/schema.js';
import { auditActor, type Actor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { ConflictError } from '../http-errors.js';
import { parseAccountFields, readAccountsCsv, type AccountColumn } from '../read-accounts-csv.js';
import {
  accountCursor,
  accountDetailReply,
  accountListReply,
  accountReply,
  accountsQuery,
  accountStatusReply,
  createAccountBody,
  deleteAccountQuery,
  deleteAccountReply,
  importAccountsBody,
  importAccountsReply,
  parseAccountCursor,
  toAccountCounts,
  toAccountReply,
  toAccountScanReply,
  updateAccountBody,
} from '../schemas/accounts-schemas.js';
import { startScanReply } from '../schemas/scans-schemas.js';
import { startApiScan } from './scans-routes.js';

const idParams = z.strictObject({ id: z.uuid() });
const scanNowBody = z
  .strictObject({ full: z.boolean().default(false).describe("Read back past the account's cursor, to catch edited posts.") })
  .optional();

/**
 * The accounts registry: list, show, register (one or a CSV file), change, remove, and scan now.
 * Input is checked exactly as `overshare accounts add` and `accounts import` check it, and every
 * change is in the audit log (ids, platform and kind only: no handle or owner details).
 */
export function accountsRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/accounts',
      operationId: 'listAccounts',
      summary: 'Registered accounts by platform and handle, with any open coverage gap; filtered by platform, kind, status, active, owner, text or coverage',
      tag: 'accounts',
      permission: 'accounts:read',
      query: accountsQuery,
      response: accountListReply,
      async handle({ query, services }) {
        const rows = await new AccountsRepository(services.db).page(
          {
            ...(query.platform === undefined ? {} : { platform: query.platform }),
            ...(query.kind === undefined ? {} : { kind: query.kind }),
            ...(query.status === undefined ? {} : { status: query.status }),
            ...(query.active === undefined ? {} : { isActive: query.active }),
            ...(query.owner === undefined ? {} : { owner: query.owner }),
            ...(query.q === undefined ? {} : { q: query.q }),
            ...(query.coverage === 'uncovered' ? { isUncovered: true } : {}),
            ...(query.cursor === undefined ? {} : { after: parseAccountCursor(query.cursor) }),
          },
          query.limit + 1,
        );
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        const gaps = await new CoverageQuery(services.db).openGapsOf(page.map((account) => account.id));
        return {
          items: page.map((account) => toAccountReply(account, gaps.get(account.id))),
          next_cursor: rows.length > query.limit && last ? accountCursor(last) : null,
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/accounts/{id}',
      operationId: 'getAccount',
      summary: 'One account with its status, last error, coverage gap, last and next scan, and what it holds',
      tag: 'accounts',
      permission: 'accounts:read',
      params: idParams,
      response: accountDetailReply,
      async handle({ params, services }) {
        const accounts = new AccountsRepository(services.db);
        const account = await accounts.getById(params.id);
        const [held, open, current, last, gaps] = await Promise.all([
          accounts.dependents(account.id),
          accounts.countOpenFindings(account.id),
          accounts.currentScanOf(account.id),
          accounts.lastScanOf(account.id),
          new CoverageQuery(services.db).openGapsOf([account.id]),
        ]);
        return { ...toAccountReply(account, gaps.get(account.id)), counts: toAccountCounts(held, open), current_scan: toAccountScanReply(current), last_scan: toAccountScanReply(last) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/accounts/{id}/status',
      operationId: 'getAccountStatus',
      summary: 'Where an account stands: collection status, last error, the scan it waits in, its last scan',
      tag: 'accounts',
      permission: 'accounts:read',
      params: idParams,
      response: accountStatusReply,
      async handle({ params, services }) {
        const accounts = new AccountsRepository(services.db);
        const account = await accounts.getById(params.id);
        const [current, last] = await Promise.all([accounts.currentScanOf(account.id), accounts.lastScanOf(account.id)]);
        const reply = toAccountReply(account, undefined);
        return {
          id: reply.id,
          active: reply.active,
          status: reply.status,
          last_error: reply.last_error,
          last_error_at: reply.last_error_at,
          last_scanned_at: reply.last_scanned_at,
          next_scan_at: reply.next_scan_at,
          current_scan: toAccountScanReply(current),
          last_scan: toAccountScanReply(last),
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/accounts',
      operationId: 'createAccount',
      summary: 'Register an account; an active one is due for a scan at once',
      tag: 'accounts',
      permission: 'accounts:write',
      body: createAccountBody,
      response: accountReply,
      status: 201,
      errors: [409],
      async handle({ body, actor, services, ip }) {
        const input = accountInput(body);
        const existing = await new AccountsRepository(services.db).findByHandle(input.platform, input.handle);
        if (existing) {
          throw new ConflictError(`${input.platform}:${input.handle} is registered already, as account ${existing.id}: change it with PATCH /api/v1/accounts/${existing.id}.`);
        }
        // A new account has no gap yet.
        return toAccountReply(await registerAccount(services.db, input, actor, ip, 'api'), undefined);
      },
    }),
    defineRoute({
      method: 'patch',
      path: '/accounts/{id}',
      operationId: 'updateAccount',
      summary: "Change an account's display name, owner, schedule, legal basis, notice date, whether it is scanned or whether it is a canary",
      tag: 'accounts',
      permission: 'accounts:write',
      params: idParams,
      body: updateAccountBody,
      response: accountReply,
      async handle({ params, body, actor, services, ip }) {
        return services.db.transaction().execute(async (trx) => {
          const accounts = new AccountsRepository(trx);
          const current = await accounts.getById(params.id);
          const changes = accountChanges(current, body);
          const updated = await accounts.update(current.id, changes);
          const fields = Object.keys(body).filter((key) => body[key as keyof typeof body] !== undefined);
          await new AuditLogRepository(trx).append({
            ...auditActor(actor),
            action: 'account.updated',
            targetType: 'account',
            targetId: updated.id,
            // The names of the fields changed, never their values (owner details are personal data).
            details: {
              fields,
              ...(body.active === undefined ? {} : { active: body.active }),
              ...(body.is_canary === undefined ? {} : { is_canary: body.is_canary }),
            },
            ...(ip === undefined ? {} : { ip }),
          });
          return toAccountReply(updated, (await new CoverageQuery(trx).openGapsOf([updated.id])).get(updated.id));
        });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/accounts/{id}',
      operationId: 'deleteAccount',
      summary: 'Delete an account with its posts, their images and its findings (refused while it has findings unless force=true)',
      tag: 'accounts',
      permission: 'accounts:write',
      params: idParams,
      query: deleteAccountQuery,
      response: deleteAccountReply,
      errors: [409],
      async handle({ params, query, actor, services, ip }) {
        return services.db.transaction().execute(async (trx) => {
          const accounts = new AccountsRepository(trx);
          const account = await accounts.getById(params.id);
          const held = await accounts.dependents(account.id);
          if (held.findings > 0 && !query.force) {
            throw new ConflictError(
              `Account ${account.id} has ${held.findings} finding(s) (${await accounts.countOpenFindings(account.id)} not resolved), which would be deleted with it and its ` +
                `${held.posts} post(s): send DELETE again with ?force=true to delete them all, or PATCH it with {"active": false} to stop ` +
                'scanning it and keep the evidence.',
            );
          }
          await accounts.remove(account.id);
          await new AuditLogRepository(trx).append({
            ...auditActor(actor),
            action: 'account.deleted',
            targetType: 'account',
            targetId: account.id,
            details: { platform: account.platform, kind: account.kind, posts: held.posts, images: held.media, findings: held.findings, force: query.force },
            ...(ip === undefined ? {} : { ip }),
          });
          return { id: account.id, deleted: { posts: held.posts, images: held.media, findings: held.findings } };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/accounts/import',
      operationId: 'importAccounts',
      summary:
        'Register the accounts of a CSV file (Content-Type: text/csv, at most 5 MB, columns as `overshare accounts import`). ' +
        'Answers 200 when the file could be read, whether or not some rows were bad: good rows are registered and every bad ' +
        'or already registered row is listed in `errors` by line (like 207 Multi-Status); 400 when the file itself is unreadable.',
      tag: 'accounts',
      permission: 'accounts:write',
      body: importAccountsBody,
      consumes: 'text/csv',
      response: importAccountsReply,
      errors: [413],
      async handle({ body, actor, services, ip }) {
        const { rows, problems, isReadable } = readAccountsCsv(body);
        if (!isReadable) {
          throw new InputValidationError(
            'the CSV file',
            problems.map((problem) => ({ path: `line ${problem.line}`, message: problem.message, line: problem.line })),
          );
        }
        const errors = problems.map((problem) => ({ line: problem.line, problem: problem.message }));
        let imported = 0;
        let skipped = 0;
        for (const row of rows) {
          // One transaction per row: a row registered already is skipped and the rest still go in.
          try {
            await registerAccount(services.db, row.account, actor, ip, 'import');
            imported += 1;
          } catch (error) {
            if (!(error instanceof InputValidationError)) throw error;
            skipped += 1;
            errors.push({ line: row.line, problem: `${row.account.platform}:${row.account.handle} is registered already; skipped` });
          }
        }
        errors.sort((a, b) => a.line - b.line);
        const badRows = new Set(problems.map((problem) => problem.line)).size;
        await new AuditLogRepository(services.db).append({
          ...auditActor(actor),
          action: 'account.imported',
          targetType: 'account',
          details: { imported, skipped, bad_rows: badRows },
          ...(ip === undefined ? {} : { ip }),
        });
        return { imported, skipped, errors };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/accounts/{id}/scan',
      operationId: 'scanAccount',
      summary: 'Scan one account now (202: the scan is queued; follow it at GET /scans/{id})',
      tag: 'accounts',
      permission: 'scans:write',
      params: idParams,
      body: scanNowBody,
      response: startScanReply,
      status: 202,
      errors: [409, 503],
      async handle({ params, body, actor, services, ip }) {
        const accounts = new AccountsRepository(services.db);
        const account = await accounts.getById(params.id);
        if (!account.is_active) {
          throw new ConflictError(`Account ${account.id} is disabled: enable it with PATCH /api/v1/accounts/${account.id} {"active": true}, which also makes a scan due at once.`);
        }
        const current = await accounts.currentScanOf(account.id);
        if (current) {
          throw new ConflictError(`Account ${account.id} waits in scan ${current.scanRunId} already: follow it at GET /api/v1/scans/${current.scanRunId}.`);
        }
        return startApiScan(services, { actor, ip, accountIds: [account.id], isFull: body?.full ?? false });
      },
    }),
  ];
}

/** Registers an account and audits it in one transaction; a platform and handle registered already throw InputValidationError. */
async function registerAccount(db: Kysely<Schema>, input: AccountInput, actor: Actor, ip: string | undefined, via: 'api' | 'import'): Promise<Account> {
  return db.transaction().execute(async (trx) => {
    const account = await new AccountsRepository(trx).create(input);
    await new AuditLogRepository(trx).append({
      ...auditActor(actor),
      action: 'account.created',
      targetType: 'account',
      targetId: account.id,
      details: { platform: account.platform, kind: account.kind, active: account.is_active, ...(account.is_canary ? { is_canary: true } : {}), via },
      ...(ip === undefined ? {} : { ip }),
    });
    return account;
  });
}

/** A `POST /accounts` body, checked as `accounts add` checks its options. */
function accountInput(body: z.output<typeof createAccountBody>): AccountInput {
  const { selectors, active, is_canary: isCanary, ...fields } = body;
  const result = parseAccountFields({ ...fields, active: active ? 'yes' : 'no', is_canary: isCanary ? 'yes' : 'no' });
  if ('problems' in result) {
    throw new InputValidationError(
      'the request body',
      result.problems.map((problem) => ({ path: `body.${problem.column}`, message: problem.message })),
    );
  }
  if (body.platform === 'generic' && selectors === undefined) {
    throw new InputValidationError('the request body', [{ path: 'body.selectors', message: 'the generic platform needs CSS selectors, such as {"post": "article"}' }]);
  }
  if (body.platform !== 'generic' && selectors !== undefined) {
    throw new InputValidationError('the request body', [{ path: 'body.selectors', message: `only the generic platform takes selectors; ${body.platform} knows where its posts are` }]);
  }
  return selectors === undefined ? result.account : { ...result.account, settings: { selectors } };
}

/**
 * A `PATCH /accounts/{id}` body as changes, each field checked as `accounts add` checks it; when
 * an owner field changes, an employee account must keep its owner's name or employee id.
 */
function accountChanges(current: Account, body: z.output<typeof updateAccountBody>): AccountChanges {
  const given = (Object.keys(CHANGE_NAMES) as TextField[]).filter((key) => body[key] !== undefined);
  const isOwnerChanged = given.includes('owner_name') || given.includes('owner_employee_id');
  // The stored platform, handle and kind make a whole row; as corporate unless the owner changes,
  // so the owner rule is only this change's problem when it touches the owner.
  const fields: Partial<Record<AccountColumn, string>> = {
    platform: current.platform,
    handle: current.handle,
    kind: isOwnerChanged ? current.kind : 'corporate',
    ...(isOwnerChanged ? { owner_name: current.owner_name ?? '', owner_employee_id: current.owner_employee_id ?? '' } : {}),
  };
  for (const key of given) fields[key] = body[key] ?? '';
  const result = parseAccountFields(fields);
  if ('problems' in result) {
    throw new InputValidationError(
      'the request body',
      result.problems.map((problem) => ({ path: `body.${problem.column}`, message: problem.message })),
    );
  }
  const { account } = result;
  const parsed: Record<TextField, unknown> = {
    display_name: account.displayName,
    owner_employee_id: account.owner?.employeeId,
    owner_name: account.owner?.name,
    owner_email: account.owner?.email,
    owner_department: account.owner?.department,
    notice_given_at: account.noticeGivenAt,
    legal_basis: account.legalBasis,
    legal_basis_at: account.legalBasisAt,
    schedule: account.schedule,
  };
  const changes: AccountChanges = {
    ...(body.active === undefined ? {} : { isActive: body.active }),
    ...(body.is_canary === undefined ? {} : { isCanary: body.is_canary }),
  };
  // Each value has its field's type: parseAccountFields made it from that field.
  for (const key of given) Object.assign(changes, { [CHANGE_NAMES[key]]: parsed[key] ?? null });
  return changes;
}

const CHANGE_NAMES = {
  display_name: 'displayName',
  owner_employee_id: 'ownerEmployeeId',
  owner_name: 'ownerName',
  owner_email: 'ownerEmail',
  owner_department: 'ownerDepartment',
  notice_given_at: 'noticeGivenAt',
  legal_basis: 'legalBasis',
  legal_basis_at: 'legalBasisAt',
  schedule: 'schedule',
} as const satisfies Record<TextField, keyof AccountChanges>;

/** The fields of `PATCH /accounts/{id}` that are texts (all but `active` and `is_canary`). */
type TextField = Exclude<keyof z.output<typeof updateAccountBody>, 'active' | 'is_canary'>;
