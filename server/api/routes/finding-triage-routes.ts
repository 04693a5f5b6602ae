import type { Request } from 'express';
import { z } from 'zod';
import { InputValidationError, NotFoundError, TransientError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import {
  FindingTriageRepository,
  MAX_COMMENT_LENGTH,
  StaleVersionError,
  transitionInputIssues,
  TransitionNotAllowedError,
  type TransitionInput,
} from '../../../store/repositories/finding-triage-repository.js';
import { FindingsQuery } from '../../../store/repositories/findings-query.js';
import type { FindingState, Resolution } from '../../../store/schema.js';
import type { Actor } from '../actor.js';
import { defineRoute, type AnyApiRoute } from '../api-route.js';
import type { ApiServices } from '../api-services.js';
import { ConflictError, HttpError, PreconditionFailedError } from '../http-errors.js';
import { commentReply, FINDING_STATES, findingItemReply, RESOLUTIONS, toCommentReply, toFindingItem, type FindingItemReply } from '../schemas/finding-schemas.js';
import { findingIdParams } from './findings-routes.js';

/** The most findings one bulk request changes. */
export const MAX_BULK_IDS = 500;

const version = z.number().int().min(1).optional().describe('Change only if the finding is still at this version (412 otherwise); the If-Match header does the same.');
const transitionFields = {
  to: z.enum(FINDING_STATES).describe('new → in_review | resolved; in_review → resolved; resolved → reopened; reopened → in_review | resolved.'),
  resolution: z.enum(RESOLUTIONS).optional().describe('Required when resolving, refused otherwise.'),
  comment: z.string().max(MAX_COMMENT_LENGTH).optional().describe('Stored as a comment; required for false_positive and accepted_risk.'),
  expires_at: z.iso.datetime({ offset: true }).optional().describe('accepted_risk only, and required for it: in the future, at most two years ahead.'),
  duplicate_of: z.uuid().optional().describe('duplicate only: the finding this one repeats.'),
};
const transitionBody = z.strictObject({ ...transitionFields, version });
const assigneeId = z.uuid().nullable().describe('An active admin or reviewer; null unassigns.');
const assignBody = z.strictObject({ assignee_id: assigneeId, version });
const commentBody = z.strictObject({ body: z.string().min(1).max(MAX_COMMENT_LENGTH) });
const ids = z
  .array(z.uuid())
  .min(1)
  .max(MAX_BULK_IDS)
  .refine((list) => new Set(list).size === list.length, 'each id at most once');
const bulkBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('transition'), ids, ...transitionFields }),
  z.strictObject({ action: z.literal('assign'), ids, assignee_id: assigneeId }),
]);
const problem = z.object({ status: z.number().int(), title: z.string(), detail: z.string() });
const bulkReply = z.object({
  results: z.array(z.object({ id: z.string(), status: z.enum(['ok', 'error']), error: problem.optional() })),
});
const commentListReply = z.object({ items: z.array(commentReply), next_cursor: z.null().describe('Always null: every comment is in one reply.') });

type TransitionFields = { to: FindingState; resolution?: Resolution | undefined; comment?: string | undefined; expires_at?: string | undefined; duplicate_of?: string | undefined };

/**
 * Triage: state transitions, assignment, comments and bulk changes. Each change of one finding is
 * one transaction with its outbox event and audit entry; a transition not allowed from the current
 * state is 409 naming where it can go, and a stale `If-Match`/`version` is 412.
 */
export function findingTriageRoutes(): AnyApiRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/findings/{id}/transition',
      operationId: 'transitionFinding',
      summary: 'Moves a finding to another state (resolving needs a resolution); optional If-Match',
      tag: 'triage',
      permission: 'findings:triage',
      params: findingIdParams,
      body: transitionBody,
      response: findingItemReply,
      errors: [409, 412],
      async handle({ params, body, actor, ip, services, request }) {
        const expectedVersion = expectedVersionOf(request, body.version);
        await asHttp(() => triage(services).transition({ ...transitionInput(params.id, body, actor, services.now(), ip), expectedVersion }));
        return reread(services, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/findings/{id}/assign',
      operationId: 'assignFinding',
      summary: 'Assigns a finding to an active admin or reviewer, or unassigns it with null; optional If-Match',
      tag: 'triage',
      permission: 'findings:triage',
      params: findingIdParams,
      body: assignBody,
      response: findingItemReply,
      errors: [412],
      async handle({ params, body, actor, ip, services, request }) {
        const expectedVersion = expectedVersionOf(request, body.version);
        await asHttp(() => triage(services).assign({ findingId: params.id, assigneeId: body.assignee_id, actor, now: services.now(), expectedVersion, ip }));
        return reread(services, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/findings/{id}/assign-to-me',
      operationId: 'assignFindingToMe',
      summary: 'Assigns a finding to the caller (for an API key, the user who created it)',
      tag: 'triage',
      permission: 'findings:triage',
      params: findingIdParams,
      response: findingItemReply,
      errors: [409, 412],
      async handle({ params, actor, ip, services, request }) {
        if (actor.userId === undefined) {
          throw new ConflictError(
            'This API key has no user behind it (its creator was deleted), so nobody can be "me": assign a user with POST /findings/{id}/assign.',
          );
        }
        const expectedVersion = expectedVersionOf(request, undefined);
        const assignee = actor.userId;
        try {
          await asHttp(() => triage(services).assign({ findingId: params.id, assigneeId: assignee, actor, now: services.now(), expectedVersion, ip }));
        } catch (error) {
          // The only input is who "me" is: a user who may not triage is a conflict, not a bad request.
          if (error instanceof InputValidationError) {
            throw new ConflictError(`You cannot be assigned findings: ${error.issues.map((issue) => issue.message).join('; ')}.`, { cause: error });
          }
          throw error;
        }
        return reread(services, params.id);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/findings/{id}/comments',
      operationId: 'commentFinding',
      summary: 'Adds a comment (audited; the finding keeps its version)',
      tag: 'triage',
      permission: 'findings:triage',
      params: findingIdParams,
      body: commentBody,
      response: commentReply,
      status: 201,
      async handle({ params, body, actor, ip, services }) {
        return toCommentReply(await asHttp(() => triage(services).comment({ findingId: params.id, body: body.body, actor, ip })));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/findings/{id}/comments',
      operationId: 'listFindingComments',
      summary: "A finding's comments, oldest first",
      tag: 'triage',
      permission: 'findings:read',
      params: findingIdParams,
      response: commentListReply,
      async handle({ params, services }) {
        const query = new FindingsQuery(services.db);
        if (!(await query.item(params.id))) throw new NotFoundError('finding', params.id);
        return { items: (await query.comments(params.id)).map(toCommentReply), next_cursor: null };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/findings/bulk',
      operationId: 'bulkTriageFindings',
      summary: 'Transitions or assigns up to 500 findings, each on its own: one refused finding leaves the others changed',
      tag: 'triage',
      permission: 'findings:triage',
      body: bulkBody,
      response: bulkReply,
      async handle({ body, actor, ip, services }) {
        const now = services.now();
        if (body.action === 'transition') {
          const issues = transitionInputIssues({ ...transitionInput('', body, actor, now, ip), findingId: '' });
          if (issues.length > 0) throw new InputValidationError('the request body', issues.map(inBody));
        }
        const repository = triage(services);
        const results: z.infer<typeof bulkReply>['results'] = [];
        // One after another: each is its own transaction, and PGlite runs one at a time anyway.
        for (const id of body.ids) {
          try {
            if (body.action === 'transition') await asHttp(() => repository.transition(transitionInput(id, body, actor, now, ip)));
            else await asHttp(() => repository.assign({ findingId: id, assigneeId: body.assignee_id, actor, now, ip }));
            results.push({ id, status: 'ok' });
          } catch (error) {
            results.push({ id, status: 'error', error: problemOf(error, services.log, id) });
          }
        }
        return { results };
      },
    }),
  ];
}

function triage(services: ApiServices): FindingTriageRepository {
  return new FindingTriageRepository(services.db);
}

function transitionInput(findingId: string, body: TransitionFields, actor: Actor, now: Date, ip: string | undefined): TransitionInput {
  return {
    findingId,
    to: body.to,
    resolution: body.resolution,
    comment: body.comment,
    expiresAt: body.expires_at === undefined ? undefined : new Date(body.expires_at),
    duplicateOf: body.duplicate_of?.toLowerCase(),
    actor,
    now,
    ip,
  };
}

async function reread(services: ApiServices, findingId: string): Promise<FindingItemReply> {
  const row = await new FindingsQuery(services.db).item(findingId);
  if (!row) throw new NotFoundError('finding', findingId);
  return toFindingItem(row);
}

/**
 * The version the caller last saw, from `If-Match: "<version>"` (also W/"…", a bare number, or `*`
 * for any) or the body's `version`; when both are given they must agree.
 */
function expectedVersionOf(request: Request, bodyVersion: number | undefined): number | undefined {
  const header = request.get('if-match')?.trim();
  let fromHeader: number | undefined;
  if (header !== undefined && header !== '*') {
    const match = /^(?:W\/)?"?(\d{1,9})"?$/u.exec(header);
    if (!match?.[1]) {
      throw new InputValidationError('the request headers', [
        { path: 'If-Match', message: 'give the version the finding had when you read it, as "3" (its `version` field)' },
      ]);
    }
    fromHeader = Number(match[1]);
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw new InputValidationError('the request', [{ path: 'If-Match', message: `says version ${fromHeader} but body.version says ${bodyVersion}: send one of them` }]);
  }
  return bodyVersion ?? fromHeader;
}

/** Runs a triage change and gives the store's refusals their HTTP meaning (409, 412, 400 at body fields). */
async function asHttp<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof TransitionNotAllowedError) throw new ConflictError(error.message, { cause: error });
    if (error instanceof StaleVersionError) throw new PreconditionFailedError(error.message, { cause: error });
    if (error instanceof InputValidationError && !error.issues.some((issue) => issue.path.startsWith('body.'))) {
      throw new InputValidationError('the request body', error.issues.map(inBody), { cause: error });
    }
    throw error;
  }
}

function inBody<T extends { path: string }>(issue: T): T {
  return { ...issue, path: `body.${issue.path}` };
}

/** One bulk item's failure as a problem; unexpected errors are logged here and told as 500 without detail. */
function problemOf(error: unknown, log: Logger, findingId: string): z.infer<typeof problem> {
  if (error instanceof HttpError) return { status: error.status, title: error.title, detail: error.message };
  if (error instanceof InputValidationError) return { status: 400, title: 'Invalid request', detail: error.message };
  if (error instanceof NotFoundError) return { status: 404, title: 'Not found', detail: `No finding ${findingId} exists.` };
  if (error instanceof TransientError) return { status: 503, title: 'Temporarily unavailable', detail: `${error.message} Retry this finding.` };
  log.error({ err: error, findingId }, 'bulk triage failed on one finding');
  return { status: 500, title: 'Internal server error', detail: 'The server failed on this finding; the error is in its log. Retry it.' };
}
