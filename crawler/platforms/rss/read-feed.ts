import type { AdapterContext, TextResponse } from '../../platform-adapter.js';

// Feeds first, then any XML, then an HTML page (which may name its feed in a <link rel="alternate">).
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml;q=0.95, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5';

/**
 * GETs `url` asking for a feed (RSS, Atom, then XML, then HTML), with `headers` added (conditional
 * ones such as If-Modified-Since); the status, 304 included, is the caller's to judge.
 */
export function readFeed(url: string | URL, context: AdapterContext, headers: Record<string, string> = {}): Promise<TextResponse> {
  return context.http.getText(url, { accept: FEED_ACCEPT, ...(Object.keys(headers).length === 0 ? {} : { headers }) });
}
