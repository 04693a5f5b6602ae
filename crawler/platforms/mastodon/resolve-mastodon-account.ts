import { InputValidationError } from '../../../core/errors.js';

/** Where and how to ask a Mastodon-compatible server for an account. */
export interface MastodonAccountAddress {
  /** The server to ask, no trailing slash (`https://mastodon.social`). */
  baseUrl: string;
  /** What to pass to `/api/v1/accounts/lookup?acct=`: `user` on its own server, else `user@instance`. */
  acct: string;
  /** The local part, for the profile's RSS feed `{baseUrl}/@{username}.rss`. */
  username: string;
}

// Usernames are letters, digits and underscores on Mastodon; other servers of the fediverse allow dots and dashes.
const USERNAME = /^[\p{L}\p{N}_]+(?:[.-][\p{L}\p{N}_]+)*$/u;
const HOST = /^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*(?::\d{1,5})?$/u;
// A profile URL: https://instance/@user, https://instance/@user@other.instance, https://instance/users/user.
const PROFILE_PATH = /^(.*?)\/(?:@([^/@]+)(?:@([^/]+))?|users\/([^/]+))\/?$/u;

const invalid = (handle: string, why: string, cause?: unknown): InputValidationError =>
  new InputValidationError(
    'account',
    [{ path: 'handle', message: `${JSON.stringify(handle)} is ${why}: use user, @user, user@instance or https://instance/@user` }],
    cause === undefined ? undefined : { cause },
  );

/**
 * The server and lookup name for a Mastodon handle: `user` and `@user` on `baseUrl`;
 * `user@instance` on `https://instance` unless the account names its own base URL
 * (`hasOwnBaseUrl`), then on that base URL as `user@instance`, or as `user` when that base URL is
 * the instance; a profile URL `https://instance/@user` on that instance (any path prefix kept).
 * Throws InputValidationError on the account's `handle` for anything that cannot be an account.
 */
export function resolveMastodonAccount(handle: string, baseUrl: string, hasOwnBaseUrl: boolean): MastodonAccountAddress {
  const trimmed = handle.trim();
  if (/^https?:\/\//iu.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch (error) {
      throw invalid(handle, 'not a valid URL', error);
    }
    const match = PROFILE_PATH.exec(url.pathname);
    const username = match?.[2] ?? match?.[4];
    if (match === null || username === undefined || !USERNAME.test(username)) throw invalid(handle, 'not a profile URL');
    const server = `${url.origin}${match[1] ?? ''}`;
    const remote = match[3];
    return { baseUrl: server, acct: remote === undefined ? username : `${username}@${remote}`, username };
  }
  const [username = '', instance, ...rest] = trimmed.replace(/^@/u, '').split('@');
  if (rest.length > 0 || !USERNAME.test(username)) throw invalid(handle, 'not an account name');
  if (instance === undefined) return { baseUrl, acct: username, username };
  if (!HOST.test(instance)) throw invalid(handle, `on "${instance}", which is not a server name`);
  if (!hasOwnBaseUrl) return { baseUrl: `https://${instance.toLowerCase()}`, acct: username, username };
  const isSameServer = new URL(baseUrl).host.toLowerCase() === instance.toLowerCase();
  return { baseUrl, acct: isSameServer ? username : `${username}@${instance}`, username };
}
