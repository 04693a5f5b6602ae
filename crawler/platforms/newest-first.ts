import type { CollectedPost } from '../platform-adapter.js';

/**
 * Sort comparator for a page's posts: newest `publishedAt` first. Posts whose time could not be
 * read go before all others, in page order: `collectPosts` skips and counts them, and the last
 * post of a page must be a dated one, since that is where it looks for the cursor.
 */
export function newestFirst(a: CollectedPost, b: CollectedPost): number {
  const aMs = Date.parse(a.publishedAt);
  const bMs = Date.parse(b.publishedAt);
  const isADated = !Number.isNaN(aMs);
  const isBDated = !Number.isNaN(bMs);
  if (!isADated || !isBDated) return Number(isADated) - Number(isBDated);
  return bMs - aMs;
}
