import { InputValidationError } from '../../../core/errors.js';
import type { PlatformName } from '../../platform-adapter.js';

/**
 * The absolute http(s) URL an rss or wordpress handle names: the handle itself when it is a URL;
 * else the handle under the base URL when one is set (`acme` on `https://blogs.example` →
 * `https://blogs.example/acme`); else `https://<handle>` for a bare host name (`blog.example`).
 * Throws InputValidationError on the account's `handle` for anything else.
 */
export function siteAddress(handle: string, baseUrl: string, platform: PlatformName): URL {
  const trimmed = handle.trim();
  const fail = (why: string, cause?: unknown): never => {
    throw new InputValidationError(
      'account',
      [{ path: 'handle', message: `${JSON.stringify(handle)} ${why}: give the full address of the ${platform} feed or site, e.g. https://blog.example/feed/` }],
      cause === undefined ? undefined : { cause },
    );
  };
  let candidate: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//iu.test(trimmed)) candidate = trimmed;
  else if (baseUrl !== '') candidate = `${baseUrl.replace(/\/+$/u, '')}/${trimmed.replace(/^\/+/u, '')}`;
  else if (/^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+(?::\d+)?(?:\/\S*)?$/u.test(trimmed)) candidate = `https://${trimmed}`;
  else return fail('is not a URL or a host name');
  let url: URL;
  try {
    url = new URL(candidate);
  } catch (error) {
    return fail('is not a valid URL', error);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('is not an http(s) address');
  return url;
}
