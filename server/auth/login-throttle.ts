import { sql, type Kysely } from 'kysely';
import type { Schema } from '../../store/schema.js';
import { TooManyRequestsError } from '../api/http-errors.js';

/** Failed logins are counted over this window. */
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Failures allowed per username in the window, and per client address (which may try many names). */
export const MAX_FAILURES_PER_USERNAME = 5;
export const MAX_FAILURES_PER_IP = 20;

/**
 * Refuses a login attempt (429 with Retry-After) while the username or the client address has
 * too many recent failures, so passwords cannot be guessed at speed. Counted in the database, so
 * every server replica shares the limit.
 */
export async function checkLoginAllowed(db: Kysely<Schema>, username: string, ip: string | undefined, now: Date): Promise<void> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const byName = await db
    .selectFrom('login_failures')
    .select([sql<number>`count(*)::int`.as('count'), sql<Date | null>`min(failed_at)`.as('oldest')])
    .where(sql<string>`lower(username)`, '=', username.toLowerCase())
    .where('failed_at', '>', since)
    .executeTakeFirstOrThrow();
  if (byName.count >= MAX_FAILURES_PER_USERNAME) throw refusal(byName.oldest, now, 'this username');
  if (ip === undefined) return;
  const byIp = await db
    .selectFrom('login_failures')
    .select([sql<number>`count(*)::int`.as('count'), sql<Date | null>`min(failed_at)`.as('oldest')])
    .where('ip', '=', ip)
    .where('failed_at', '>', since)
    .executeTakeFirstOrThrow();
  if (byIp.count >= MAX_FAILURES_PER_IP) throw refusal(byIp.oldest, now, 'this address');
}

export async function recordLoginFailure(db: Kysely<Schema>, username: string, ip: string | undefined, now: Date): Promise<void> {
  await db.insertInto('login_failures').values({ username: username.slice(0, 200), ip: ip ?? null, failed_at: now }).execute();
  // Old rows are worthless; dropping them here keeps the table small without a separate job.
  await db.deleteFrom('login_failures').where('failed_at', '<', new Date(now.getTime() - LOGIN_WINDOW_MS)).execute();
}

export async function clearLoginFailures(db: Kysely<Schema>, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where(sql<string>`lower(username)`, '=', username.toLowerCase()).execute();
}

function refusal(oldest: Date | null, now: Date, what: string): TooManyRequestsError {
  const oldestMs = oldest === null ? now.getTime() : new Date(oldest).getTime();
  const waitS = (oldestMs + LOGIN_WINDOW_MS - now.getTime()) / 1000;
  return new TooManyRequestsError(`Too many failed sign-ins for ${what}; wait ${Math.ceil(waitS / 60)} minute(s) and try again.`, waitS);
}
