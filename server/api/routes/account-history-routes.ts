import { z } from 'zod';
import { AccountsRepository } from '../../../store/repositories/accounts-repository.js';
import { listAccountScanHistory } from '../../../store/repositories/list-account-scan-history.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { accountHistoryQuery, accountHistoryReply, toAccountHistoryEntryReply } from '../schemas/account-history-schemas.js';

/** An account's scan history (accounts:read): every scan that covered it, its outcome, counts and errors, paged newest first. */
export function accountHistoryRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/accounts/{id}/history',
      operationId: 'listAccountHistory',
      summary: "An account's scans, newest first: its outcome in each, posts and new findings, and the kind and text of any error",
      tag: 'accounts',
      permission: 'accounts:read',
      params: z.strictObject({ id: z.uuid() }),
      query: accountHistoryQuery,
      response: accountHistoryReply,
      async handle({ params, query, services }) {
        // An unknown account is a 404, not an empty history.
        const account = await new AccountsRepository(services.db).getById(params.id);
        // One row more than the page tells whether there is a next page.
        const rows = await listAccountScanHistory(services.db, account.id, {
          limit: query.limit + 1,
          ...(query.cursor === undefined ? {} : { beforeScanId: query.cursor }),
        });
        const page = rows.slice(0, query.limit);
        const last = page.at(-1);
        return { items: page.map(toAccountHistoryEntryReply), next_cursor: rows.length > query.limit && last ? last.scanRunId : null };
      },
    }),
  ];
}
