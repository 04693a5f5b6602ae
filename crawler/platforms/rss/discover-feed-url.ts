import { loadHtml } from '../../load-html.js';
import { absoluteHttpUrl } from './absolute-http-url.js';

const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/rdf+xml']);

/**
 * The feed an HTML page names in `<link rel="alternate" type="application/rss+xml|atom+xml">`,
 * absolute against `pageUrl`; the posts feed before a comments feed; undefined when it names none.
 */
export function discoverFeedUrl(html: string, pageUrl: string): string | undefined {
  const $ = loadHtml(html);
  const candidates: { url: string; isComments: boolean }[] = [];
  $('link[rel][href]').each((_, element) => {
    const link = $(element);
    const rels = (link.attr('rel') ?? '').toLowerCase().split(/\s+/u);
    const type = (link.attr('type') ?? '').toLowerCase().split(';')[0]?.trim() ?? '';
    if (!rels.includes('alternate') || !FEED_TYPES.has(type)) return;
    const url = absoluteHttpUrl(link.attr('href'), pageUrl);
    if (url === undefined) return;
    // WordPress and others list a comments feed beside the posts feed; its items are not the author's posts.
    const isComments = /comment/iu.test(`${link.attr('title') ?? ''} ${url}`);
    candidates.push({ url, isComments });
  });
  return (candidates.find((candidate) => !candidate.isComments) ?? candidates[0])?.url;
}
