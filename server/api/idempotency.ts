import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { InputValidationError } from '../../core/errors.js';
import type { ApiServices } from './api-services.js';
import { ConflictError, IdempotencyKeyReusedError } from './http-errors.js';

/** A reply as the idempotency store keeps it. */
export interface StoredReply {
  status: number;
  body: unknown;
  isReplay: boolean;
}

/** How long a key is remembered: a retry after a day is a new request. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3_600_000;
/**
 * An unfinished claim older than this is taken for abandoned (its server died mid-request) and a
 * retry runs the request again; every request finishes well within it (statements time out at 30 s).
 */
export const ABANDONED_CLAIM_MS = 60_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/u;

/**
 * Runs `serve` at most once per (actor, key): the first request's reply is stored and every retry
 * with the same key and the same request (method, path, query and body) gets it again. The same key
 * with a different request is refused (422), and a retry while the first is still running gets 409
 * unless the first has been unfinished for `ABANDONED_CLAIM_MS`, when it runs again. A request that
 * throws stores nothing, so it can be retried. `path` is stored as given, so pass it without the
 * query string (which may hold an e-mail address): the query only enters the request's hash.
 */
export async function withIdempotency(
  services: ApiServices,
  scope: { actor: string; key: string; method: string; path: string; query: unknown; body: unknown },
  serve: () => Promise<{ status: number; body: unknown }>,
): Promise<StoredReply> {
  if (!KEY_PATTERN.test(scope.key)) {
    throw new InputValidationError('the Idempotency-Key header', [
      { path: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters (a UUID is a good choice)' },
    ]);
  }
  const { db } = services;
  const requestSha256 = createHash('sha256')
    .update(`${scope.method} ${scope.path}\n${JSON.stringify(scope.query ?? null)}\n${JSON.stringify(scope.body ?? null)}`)
    .digest('hex');
  const now = services.now();
  const staleBefore = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS);
  const abandonedBefore = new Date(now.getTime() - ABANDONED_CLAIM_MS);
  await db
    .deleteFrom('idempotency_keys')
    .where('actor', '=', scope.actor)
    .where('key', '=', scope.key)
    .where((eb) => eb.or([eb('created_at', '<', staleBefore), eb.and([eb('status_code', 'is', null), eb('created_at', '<', abandonedBefore)])]))
    .execute();
  // The claim is known by its time too: a first request that was given up for abandoned and
  // finishes late must not overwrite, or withdraw, the claim of the retry that replaced it.
  const ownClaim = { actor: scope.actor, key: scope.key, created_at: now } as const;
  const claimed = await db
    .insertInto('idempotency_keys')
    .values({ ...ownClaim, method: scope.method, path: scope.path, request_sha256: requestSha256, status_code: null, response_body: null })
    .onConflict((conflict) => conflict.columns(['actor', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) {
    const stored = await db.selectFrom('idempotency_keys').selectAll().where('actor', '=', scope.actor).where('key', '=', scope.key).executeTakeFirst();
    if (!stored) throw new ConflictError('The request with this Idempotency-Key was just withdrawn; send it again.');
    if (stored.request_sha256 !== requestSha256) {
      throw new IdempotencyKeyReusedError(
        `This Idempotency-Key was used for a different request (${stored.method} ${stored.path}); use a new key for a new request.`,
      );
    }
    if (stored.status_code === null) {
      throw new ConflictError('The first request with this Idempotency-Key is still being served; retry in a moment.');
    }
    return { status: stored.status_code, body: stored.response_body, isReplay: true };
  }
  try {
    const reply = await serve();
    await db
      .updateTable('idempotency_keys')
      .set({ status_code: reply.status, response_body: JSON.stringify(reply.body ?? null) })
      .where('actor', '=', ownClaim.actor)
      .where('key', '=', ownClaim.key)
      .where('created_at', '=', ownClaim.created_at)
      .where('status_code', 'is', null)
      .execute();
    return { ...reply, isReplay: false };
  } catch (error) {
    await db
      .deleteFrom('idempotency_keys')
      .where('actor', '=', ownClaim.actor)
      .where('key', '=', ownClaim.key)
      .where('created_at', '=', ownClaim.created_at)
      .where('status_code', 'is', null)
      .execute();
    throw error;
  }
}

/** Forgets keys older than the window; returns how many. */
export async function purgeIdempotencyKeys(services: Pick<ApiServices, 'db' | 'now'>): Promise<number> {
  const result = await services.db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', sql<Date>`${new Date(services.now().getTime() - IDEMPOTENCY_WINDOW_MS)}`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
