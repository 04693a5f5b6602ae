import type { AdapterContext, TextResponse } from '../../platform-adapter.js';

// Feeds first, then any XML, then an HTML page (which may name its feed in a <link rel="alternate">).
const FEED_ACCEPT = 'application/rss+xml, application/atom+xml;q=0.95, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5';

/** GETs `url` asking for a feed (RSS, Atom, then XML, then HTML); the status is the caller's to judge. */
export function readFeed(url: string | URL, context: AdapterContext): Promise<TextResponse> {
  return context.http.getText(url, { accept: FEED_ACCEPT });
}
