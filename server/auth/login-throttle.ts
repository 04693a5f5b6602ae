import { sql, type Kysely } from 'kysely';
import type { Schema } from '../../store/schema.js';
import { TooManyRequestsError } from '../api/http-errors.js';

/** Failed logins are counted over this window. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failures allowed per username in the window, and per client address (which may try many names). */
export const MAX_FAILURES_PER_USERNAME = 5;
export const MAX_FAILURES_PER_IP = 20;

/** A sign-in attempt already counted as a failure until `clearLoginFailures` says it succeeded. */
export interface LoginAttempt {
  id: number;
}

/**
 * Records the attempt as a failure first, then refuses it (429 with Retry-After) when the username
 * or the client address has more than its allowance of failures in the window, this one included.
 * Recording before counting means simultaneous attempts see each other, so no more than the
 * allowance can reach the password check however many arrive at once. Counted in the database, so
 * every server replica shares the limit; usernames are folded by PostgreSQL's lower() on both
 * sides, as the unique index on users folds them.
 */
export async function beginLoginAttempt(db: Kysely<Schema>, username: string, ip: string | undefined, now: Date): Promise<LoginAttempt> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  // Old rows are worthless; dropping them here keeps the table small without a separate job.
  await db.deleteFrom('login_failures').where('failed_at', '<', since).execute();
  const attempt = await db
    .insertInto('login_failures')
    .values({ username: username.slice(0, 200), ip: ip ?? null, failed_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  const byName = await db
    .selectFrom('login_failures')
    .select([sql<number>`count(*)::int`.as('count'), sql<Date | null>`min(failed_at)`.as('oldest')])
    .where(sql<string>`lower(username)`, '=', sql<string>`lower(${username.slice(0, 200)})`)
    .where('failed_at', '>', since)
    .executeTakeFirstOrThrow();
  if (byName.count > MAX_FAILURES_PER_USERNAME) throw await refusal(db, attempt, byName.oldest, now, 'this username');
  if (ip === undefined) return attempt;
  const byIp = await db
    .selectFrom('login_failures')
    .select([sql<number>`count(*)::int`.as('count'), sql<Date | null>`min(failed_at)`.as('oldest')])
    .where('ip', '=', ip)
    .where('failed_at', '>', since)
    .executeTakeFirstOrThrow();
  if (byIp.count > MAX_FAILURES_PER_IP) throw await refusal(db, attempt, byIp.oldest, now, 'this address');
  return attempt;
}

/** After a successful sign-in: forgets the attempt and every recent failure of the username (in any case). */
export async function clearLoginFailures(db: Kysely<Schema>, attempt: LoginAttempt, username: string): Promise<void> {
  await db
    .deleteFrom('login_failures')
    .where((eb) => eb.or([eb('id', '=', attempt.id), eb(sql<string>`lower(username)`, '=', sql<string>`lower(${username.slice(0, 200)})`)]))
    .execute();
}

async function refusal(db: Kysely<Schema>, attempt: LoginAttempt, oldest: Date | null, now: Date, what: string): Promise<TooManyRequestsError> {
  // A refused attempt never reached the password check, so it is not a failure: keeping it would
  // stretch the lockout for as long as someone keeps knocking. The rows of attempts that did reach
  // the check stay, so the allowance still holds however the attempts interleave.
  await db.deleteFrom('login_failures').where('id', '=', attempt.id).execute();
  const oldestMs = oldest === null ? now.getTime() : new Date(oldest).getTime();
  const waitS = (oldestMs + LOGIN_WINDOW_MS - now.getTime()) / 1000;
  return new TooManyRequestsError(`Too many failed sign-ins for ${what}; wait ${Math.ceil(waitS / 60)} minute(s) and try again.`, waitS);
}
