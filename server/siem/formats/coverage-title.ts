import type { CoverageOutboxEvent } from '../../../store/finding-event-payload.js';

/**
 * A coverage event's one-line title as SIEM events show it, naming the platform, the account's
 * handle and the reason (`Coverage gap: mastodon account anna cannot be read (login wall)`).
 */
export function coverageTitle(event: CoverageOutboxEvent): string {
  const { account, reason, failures } = event.payload;
  const who = `${account.platform} account ${account.handle}`;
  if (event.type === 'coverage.gap') return `Coverage gap: ${who} cannot be read (${reason.replaceAll('_', ' ')})`;
  return `Coverage restored: ${who} is read again after ${failures} failed ${failures === 1 ? 'collection' : 'collections'}`;
}
