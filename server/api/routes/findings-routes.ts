import { z } from 'zod';
import { InputValidationError, NotFoundError } from '../../../core/errors.js';
import { FindingsQuery, type FindingListFilter } from '../../../store/repositories/findings-query.js';
import { summarizeFindings } from '../../../store/repositories/summarize-findings.js';
import type { Actor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import {
  findingDetailReply,
  findingListReply,
  findingsQuery,
  findingsSummaryQuery,
  findingsSummaryReply,
  toFindingDetail,
  toFindingItem,
  type FindingsFilterInput,
} from '../schemas/finding-schemas.js';

/** `{id}` of every `/findings/{id}…` route. */
export const findingIdParams = z.strictObject({ id: z.uuid() });

/**
 * Findings for reviewers: the filtered, keyset-paged list and one finding in detail. Evidence is
 * masked in both, in the post text too; only `POST /findings/{id}/reveal` shows it whole.
 */
export function findingsRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/findings',
      operationId: 'listFindings',
      summary: 'Findings, newest first by default, filtered and paged by cursor; evidence masked',
      tag: 'findings',
      permission: 'findings:read',
      query: findingsQuery,
      response: findingListReply,
      async handle({ query, actor, services }) {
        const page = await new FindingsQuery(services.db).list(toListFilter(query, actor), {
          sort: query.sort,
          order: query.order,
          limit: query.limit,
          cursor: query.cursor,
        });
        return { items: page.items.map(toFindingItem), next_cursor: page.nextCursor };
      },
    }),
    // Before /findings/{id}: Express tries routes in order, and `summary` is no finding id.
    defineRoute({
      method: 'get',
      path: '/findings/summary',
      operationId: 'summarizeFindings',
      summary: 'How many findings the filters of GET /findings match, in all and by state and severity',
      tag: 'findings',
      permission: 'findings:read',
      query: findingsSummaryQuery,
      response: findingsSummaryReply,
      async handle({ query, actor, services }) {
        const summary = await summarizeFindings(services.db, toListFilter(query, actor));
        return { total: summary.total, by_state: summary.byState, by_severity: summary.bySeverity };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/findings/{id}',
      operationId: 'getFinding',
      summary: 'One finding with its post (evidence masked), images, score breakdown, history, audit trail and comments',
      tag: 'findings',
      permission: 'findings:read',
      params: findingIdParams,
      response: findingDetailReply,
      async handle({ params, services, actor }) {
        const detail = await new FindingsQuery(services.db).detail(params.id);
        if (!detail) throw new NotFoundError('finding', params.id);
        const reply = toFindingDetail(detail);
        // Who revealed what is for auditors and admins; reviewers' comments may quote evidence, so
        // callers that may not reveal it (siem) get neither, nor the owner's name (events carry ids).
        const mayReveal = actor.permissions.has('evidence:reveal');
        return {
          ...reply,
          audit: actor.permissions.has('audit:read') || mayReveal ? reply.audit : [],
          comments: mayReveal || actor.permissions.has('audit:read') ? reply.comments : [],
          ...(mayReveal || actor.permissions.has('audit:read') ? {} : { account: { ...reply.account, owner_name: null } }),
        };
      },
    }),
  ];
}

/**
 * The store's filter from the query, for the list and its summary alike; `assignee=me` is the caller's
 * user (an API key's creator), and text searches the evidence only for callers who may reveal it.
 */
function toListFilter(query: FindingsFilterInput, actor: Actor): FindingListFilter {
  return {
    ...(query.state ? { states: query.state } : {}),
    ...(query.severity ? { severities: query.severity } : {}),
    ...(query.category ? { categories: query.category } : {}),
    ...(query.rule ? { ruleIds: query.rule } : {}),
    ...(query.platform ? { platforms: query.platform } : {}),
    ...(query.account ? { accountIds: query.account } : {}),
    ...(query.owner !== undefined ? { owner: query.owner } : {}),
    ...(query.assignee ? { assignees: query.assignee.map((assignee) => assigneeOf(assignee, actor)) } : {}),
    ...(query.created_from ? { createdFrom: query.created_from } : {}),
    ...(query.created_to ? { createdTo: query.created_to } : {}),
    ...(query.is_current !== undefined ? { isCurrent: query.is_current } : {}),
    ...(query.text !== undefined ? { text: query.text, isEvidenceSearchable: actor.permissions.has('evidence:reveal') } : {}),
  };
}

function assigneeOf(value: string, actor: Actor): string | null {
  if (value === 'none') return null;
  if (value !== 'me') return value.toLowerCase();
  if (actor.userId === undefined) {
    throw new InputValidationError('the request query', [
      { path: 'query.assignee', message: '`me` needs a user, and this API key has none (its creator was deleted): give a user id' },
    ]);
  }
  return actor.userId;
}
