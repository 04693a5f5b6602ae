import { loadHtml } from '../../load-html.js';
import type { CollectedMedia } from '../../platform-adapter.js';
import { absoluteHttpUrl } from './absolute-http-url.js';

/**
 * The pictures of a post's HTML (`<img>`, with lazy-loading `data-src` preferred over a placeholder
 * `src`), as absolute URLs resolved against `baseUrl`, without 1×1 tracking pixels, each URL once.
 */
export function htmlImages(html: string, baseUrl: string): CollectedMedia[] {
  // Most posts hold no picture in their HTML: no tree to build for them.
  if (!/<img\b/iu.test(html)) return [];
  const $ = loadHtml(html, false);
  const media: CollectedMedia[] = [];
  const seen = new Set<string>();
  $('img').each((_, element) => {
    const image = $(element);
    // Tracking pixels (feed stats, WordPress stats) are not pictures of the post.
    if (image.attr('width') === '1' || image.attr('height') === '1') return;
    const url = absoluteHttpUrl(image.attr('data-src') ?? image.attr('data-lazy-src') ?? image.attr('src'), baseUrl);
    if (url === undefined || seen.has(url)) return;
    seen.add(url);
    const alt = image.attr('alt')?.trim();
    media.push({ url, kind: 'image', ...(alt === undefined || alt === '' ? {} : { alt }) });
  });
  return media;
}
