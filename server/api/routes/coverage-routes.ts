import { HEALTH_WINDOW_MS } from '../../../pipeline/platform-health.js';
import { CoverageQuery } from '../../../store/repositories/coverage-query.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import { coverageGapListReply, coverageGapsQuery, coverageReply, toCoverageGapReply, toCoverageReply } from '../schemas/coverage-schemas.js';

/**
 * Coverage, read-only: each platform's health and the spans accounts were not covered, so nobody
 * takes "no findings" for "clean" while a platform is down or has locked the crawler out.
 */
export function coverageRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/coverage',
      operationId: 'getCoverage',
      summary: "Each platform's health over the last hours (state, success share, failures by kind, canary) and how many accounts are not covered now",
      tag: 'coverage',
      permission: 'coverage:read',
      response: coverageReply,
      async handle({ actor, services }) {
        const now = services.now();
        const snapshot = await new CoverageQuery(services.db).snapshot(new Date(now.getTime() - HEALTH_WINDOW_MS));
        return toCoverageReply(snapshot, now, actor.permissions.has('accounts:read'));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/coverage/gaps',
      operationId: 'listCoverageGaps',
      summary:
        'Spans accounts were not covered, newest detected first: open ones by default, or closed ones with the posts caught up ' +
        "afterwards; the account's handle and display name need accounts:read too (null without it)",
      tag: 'coverage',
      permission: 'coverage:read',
      query: coverageGapsQuery,
      response: coverageGapListReply,
      async handle({ query, actor, services }) {
        const page = await new CoverageQuery(services.db).page(
          {
            state: query.state,
            ...(query.platform === undefined ? {} : { platform: query.platform }),
            ...(query.account_id === undefined ? {} : { accountId: query.account_id }),
            ...(query.since === undefined ? {} : { since: query.since }),
          },
          query.limit,
          query.cursor,
        );
        const mayReadAccounts = actor.permissions.has('accounts:read');
        return { items: page.items.map((gap) => toCoverageGapReply(gap, mayReadAccounts)), next_cursor: page.nextCursor };
      },
    }),
  ];
}
