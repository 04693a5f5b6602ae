import type { Kysely, Transaction } from 'kysely';
import { InputValidationError, NotFoundError, PermanentError, type InputIssue } from '../../core/errors.js';
import type { Finding, FindingComment, FindingState, Resolution, Schema } from '../schema.js';
import { FindingEventsRepository } from './finding-events-repository.js';

/** Who triages: a user, an API key, or the system (suppressions, the scheduler); `name` is shown on comments. */
export interface TriageActor {
  type: 'user' | 'api_key' | 'system';
  id: string;
  name: string;
}

/** Where a finding may go from each state; anything else is refused with TransitionNotAllowedError. */
export const ALLOWED_TRANSITIONS: Readonly<Record<FindingState, readonly FindingState[]>> = {
  new: ['in_review', 'resolved'],
  in_review: ['resolved'],
  resolved: ['reopened'],
  reopened: ['in_review', 'resolved'],
};

/** Resolutions that must be explained: a comment is stored with them. */
export const RESOLUTIONS_NEEDING_COMMENT: ReadonlySet<Resolution> = new Set(['false_positive', 'accepted_risk']);

/** Longest comment kept, in characters (code points). */
export const MAX_COMMENT_LENGTH = 10_000;

/** Longest an accepted risk may run before it lapses, in calendar years. */
export const MAX_ACCEPTED_RISK_YEARS = 2;

/** A change of state, as `transitionFinding` takes it. */
export interface TransitionInput {
  findingId: string;
  to: FindingState;
  /** Required when `to` is `resolved`, refused otherwise. */
  resolution?: Resolution | undefined;
  /** Stored as a finding comment; required for false_positive and accepted_risk. */
  comment?: string | undefined;
  /** Required for accepted_risk: in the future, at most two years ahead. */
  expiresAt?: Date | undefined;
  /** For duplicate only: the finding this one repeats (must exist, not itself). */
  duplicateOf?: string | undefined;
  actor: TriageActor;
  now: Date;
  /** The suppression this resolution comes from, kept on the finding. */
  suppressionId?: string | undefined;
  /** When given, the change is refused with StaleVersionError unless the finding is at this version. */
  expectedVersion?: number | undefined;
  /** The caller's address, for the audit log. */
  ip?: string | undefined;
}

/** A change of assignee (null unassigns), as `assignFinding` takes it. */
export interface AssignInput {
  findingId: string;
  assigneeId: string | null;
  actor: TriageActor;
  now: Date;
  expectedVersion?: number | undefined;
  ip?: string | undefined;
}

/** A comment on a finding, as `commentFinding` takes it. */
export interface CommentInput {
  findingId: string;
  body: string;
  actor: TriageActor;
  ip?: string | undefined;
}

/** The finding is not in a state this transition starts from; `allowed` lists where it can go. */
export class TransitionNotAllowedError extends PermanentError {
  override readonly code = 'transition_not_allowed';
  readonly from: FindingState;
  readonly to: FindingState;
  readonly allowed: readonly FindingState[];

  constructor(from: FindingState, to: FindingState) {
    const allowed = ALLOWED_TRANSITIONS[from];
    super(
      `A finding cannot go from ${from} to ${to}; from ${from} it can go to ${allowed.join(' or ')}.` +
        (from === 'resolved' ? ' Reopen it first to change its resolution.' : ''),
    );
    this.from = from;
    this.to = to;
    this.allowed = allowed;
  }
}

/** The caller changed a version of the finding that is no longer the current one. */
export class StaleVersionError extends PermanentError {
  override readonly code = 'stale_version';
  readonly expected: number;
  readonly current: number;

  constructor(findingId: string, expected: number, current: number) {
    super(
      `Finding ${findingId} is at version ${current}, not ${expected}: someone changed it meanwhile. ` +
        'Read it again, check the change still makes sense, and retry with the new version.',
    );
    this.expected = expected;
    this.current = current;
  }
}

/**
 * Changes a finding's state inside the caller's transaction: locks the row, checks the version and
 * the transition, updates it to version + 1, stores the comment, appends the `finding.updated`
 * outbox event and a `finding.transitioned` audit entry. Leaving `resolved` clears the resolution,
 * its expiry, who resolved it and when. Throws InputValidationError, NotFoundError,
 * StaleVersionError or TransitionNotAllowedError; on a throw the caller's transaction must roll back.
 */
export async function transitionFinding(trx: Transaction<Schema>, input: TransitionInput): Promise<Finding> {
  checkTransitionInput(input);
  const finding = await lockFinding(trx, input.findingId, input.expectedVersion);
  if (!ALLOWED_TRANSITIONS[finding.state].includes(input.to)) throw new TransitionNotAllowedError(finding.state, input.to);
  if (input.duplicateOf !== undefined) await checkDuplicateOf(trx, input.findingId, input.duplicateOf);
  const isResolving = input.to === 'resolved';
  const updated = await trx
    .updateTable('findings')
    .set({
      state: input.to,
      resolution: isResolving ? (input.resolution ?? null) : null,
      resolution_expires_at: isResolving ? (input.expiresAt ?? null) : null,
      resolved_at: isResolving ? input.now : null,
      resolved_by: isResolving ? actorReference(input.actor) : null,
      suppression_id: isResolving ? (input.suppressionId ?? null) : null,
      version: finding.version + 1,
      updated_at: input.now,
    })
    .where('id', '=', finding.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const comment = input.comment?.trim() ? await insertComment(trx, finding.id, input.comment, input.actor) : undefined;
  await FindingEventsRepository.append(trx, updated, 'finding.updated');
  await audit(trx, input.actor, 'finding.transitioned', finding.id, input.ip, {
    from: finding.state,
    to: input.to,
    resolution: updated.resolution,
    version: updated.version,
    ...(input.expiresAt ? { expires_at: input.expiresAt.toISOString() } : {}),
    ...(input.duplicateOf !== undefined ? { duplicate_of: input.duplicateOf } : {}),
    ...(input.suppressionId !== undefined ? { suppression_id: input.suppressionId } : {}),
    ...(comment ? { comment_id: comment.id } : {}),
  });
  return updated;
}

/**
 * Sets or clears a finding's assignee inside the caller's transaction, with version + 1, an outbox
 * event and a `finding.assigned` audit entry. The assignee must be an active admin or reviewer
 * (InputValidationError otherwise). Assigning the current assignee again changes nothing.
 */
export async function assignFinding(trx: Transaction<Schema>, input: AssignInput): Promise<Finding> {
  const finding = await lockFinding(trx, input.findingId, input.expectedVersion);
  if (input.assigneeId !== null) await checkAssignee(trx, input.assigneeId);
  if (finding.assignee_id === input.assigneeId) return finding;
  const updated = await trx
    .updateTable('findings')
    .set({ assignee_id: input.assigneeId, version: finding.version + 1, updated_at: input.now })
    .where('id', '=', finding.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await FindingEventsRepository.append(trx, updated, 'finding.updated');
  await audit(trx, input.actor, 'finding.assigned', finding.id, input.ip, {
    from: finding.assignee_id,
    to: input.assigneeId,
    version: updated.version,
  });
  return updated;
}

/** Adds a comment inside the caller's transaction, audited as `finding.commented`; the finding's version does not change. */
export async function commentFinding(trx: Transaction<Schema>, input: CommentInput): Promise<FindingComment> {
  const issue = commentIssue(input.body, 'body');
  if (issue) throw new InputValidationError('the comment', [issue]);
  const finding = await trx.selectFrom('findings').select('id').where('id', '=', input.findingId).executeTakeFirst();
  if (!finding) throw new NotFoundError('finding', input.findingId);
  const comment = await insertComment(trx, input.findingId, input.body, input.actor);
  await audit(trx, input.actor, 'finding.commented', input.findingId, input.ip, { comment_id: comment.id });
  return comment;
}

/** Triage of findings, each change in one transaction of its own. */
export class FindingTriageRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** `transitionFinding` in a transaction of its own. */
  async transition(input: TransitionInput): Promise<Finding> {
    return this.db.transaction().execute((trx) => transitionFinding(trx, input));
  }

  /** `assignFinding` in a transaction of its own. */
  async assign(input: AssignInput): Promise<Finding> {
    return this.db.transaction().execute((trx) => assignFinding(trx, input));
  }

  /** `commentFinding` in a transaction of its own. */
  async comment(input: CommentInput): Promise<FindingComment> {
    return this.db.transaction().execute((trx) => commentFinding(trx, input));
  }
}

/** `user:<id>`, `api_key:<id>` or `system`, as `resolved_by` holds it. */
function actorReference(actor: TriageActor): string {
  return actor.type === 'system' ? 'system' : `${actor.type}:${actor.id}`;
}

/** The checks that need no database: what each target state and resolution requires. */
function checkTransitionInput(input: TransitionInput): void {
  const issues = transitionInputIssues(input);
  if (issues.length > 0) throw new InputValidationError('the transition', issues);
}

/**
 * What is wrong with a transition whatever the finding's state (resolution, comment, expiry,
 * duplicate_of), each issue at its API field name; empty when nothing is. Bulk callers check once.
 */
export function transitionInputIssues(input: Omit<TransitionInput, 'actor'>): InputIssue[] {
  const issues: InputIssue[] = [];
  const { to, resolution } = input;
  if (to === 'resolved' && resolution === undefined) {
    issues.push({
      path: 'resolution',
      message: 'resolving needs a resolution: confirmed_leak, false_positive, authorized, accepted_risk, duplicate or out_of_scope',
    });
  }
  if (to !== 'resolved' && resolution !== undefined) issues.push({ path: 'resolution', message: `a resolution is given only when resolving, not when moving to ${to}` });
  if (resolution !== undefined && RESOLUTIONS_NEEDING_COMMENT.has(resolution) && !input.comment?.trim()) {
    issues.push({ path: 'comment', message: `${resolution} needs a comment saying why` });
  }
  const commentProblem = input.comment === undefined ? undefined : commentIssue(input.comment, 'comment', true);
  if (commentProblem) issues.push(commentProblem);
  if (resolution === 'accepted_risk') issues.push(...expiryIssues(input.expiresAt, input.now));
  else if (input.expiresAt !== undefined) issues.push({ path: 'expires_at', message: 'only an accepted_risk resolution expires; leave expires_at out' });
  if (input.duplicateOf !== undefined && resolution !== 'duplicate') {
    issues.push({ path: 'duplicate_of', message: 'duplicate_of goes only with the duplicate resolution' });
  }
  if (input.duplicateOf === input.findingId) issues.push({ path: 'duplicate_of', message: 'a finding cannot be a duplicate of itself' });
  return issues;
}

function commentIssue(body: string, path: string, mayBeEmpty = false): InputIssue | undefined {
  const trimmed = body.trim();
  if (!trimmed && !mayBeEmpty) return { path, message: 'write something: the comment is empty' };
  // Code points, as PostgreSQL's length() counts them.
  const length = Array.from(trimmed).length;
  if (length > MAX_COMMENT_LENGTH) return { path, message: `is ${length} characters long; at most ${MAX_COMMENT_LENGTH} are kept, so shorten it` };
  return undefined;
}

function expiryIssues(expiresAt: Date | undefined, now: Date): InputIssue[] {
  if (expiresAt === undefined) return [{ path: 'expires_at', message: 'accepted_risk needs expires_at: when the risk is to be looked at again' }];
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_ACCEPTED_RISK_YEARS);
  if (expiresAt.getTime() <= now.getTime()) return [{ path: 'expires_at', message: `must be in the future (now is ${now.toISOString()})` }];
  if (expiresAt.getTime() > latest.getTime()) {
    return [{ path: 'expires_at', message: `must be at most ${MAX_ACCEPTED_RISK_YEARS} years ahead, by ${latest.toISOString()}` }];
  }
  return [];
}

/** Reads the finding FOR UPDATE, so concurrent changes queue behind this one, and checks its version. */
async function lockFinding(trx: Transaction<Schema>, findingId: string, expectedVersion: number | undefined): Promise<Finding> {
  const finding = await trx.selectFrom('findings').selectAll().where('id', '=', findingId).forUpdate().executeTakeFirst();
  if (!finding) throw new NotFoundError('finding', findingId);
  if (expectedVersion !== undefined && expectedVersion !== finding.version) throw new StaleVersionError(findingId, expectedVersion, finding.version);
  return finding;
}

async function checkDuplicateOf(trx: Transaction<Schema>, findingId: string, duplicateOf: string): Promise<void> {
  const original = await trx.selectFrom('findings').select('id').where('id', '=', duplicateOf).executeTakeFirst();
  if (!original) {
    throw new InputValidationError('the transition', [
      { path: 'duplicate_of', message: `no finding ${duplicateOf} exists to be the original of ${findingId}; check the id` },
    ]);
  }
}

async function checkAssignee(trx: Transaction<Schema>, assigneeId: string): Promise<void> {
  const user = await trx.selectFrom('users').select(['role', 'is_active']).where('id', '=', assigneeId).executeTakeFirst();
  const problem = !user
    ? `no user ${assigneeId} exists`
    : !user.is_active
      ? `user ${assigneeId} is deactivated`
      : user.role !== 'admin' && user.role !== 'reviewer'
        ? `user ${assigneeId} is ${user.role === 'auditor' ? 'an' : 'a'} ${user.role}, and only admins and reviewers triage findings`
        : undefined;
  if (problem) throw new InputValidationError('the assignment', [{ path: 'assignee_id', message: `${problem}: pick an active admin or reviewer` }]);
}

async function insertComment(trx: Transaction<Schema>, findingId: string, body: string, actor: TriageActor): Promise<FindingComment> {
  return trx
    .insertInto('finding_comments')
    .values({ finding_id: findingId, author_type: actor.type, author_id: actor.id, author_name: actor.name, body: body.trim() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function audit(
  trx: Transaction<Schema>,
  actor: TriageActor,
  action: string,
  findingId: string,
  ip: string | undefined,
  details: Record<string, unknown>,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      actor_type: actor.type,
      actor_id: actor.id,
      action,
      target_type: 'finding',
      target_id: findingId,
      details: JSON.stringify(details),
      ip: ip ?? null,
    })
    .execute();
}
