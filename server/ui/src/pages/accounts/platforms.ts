import type { AccountCollectionStatus, AccountKind, AccountPlatform } from '../../api/api-types.js';

// A record, so that a platform the API gains but this list lacks fails the build.
const PLATFORM_SET: Record<AccountPlatform, true> = {
  telegram: true,
  mastodon: true,
  bluesky: true,
  rss: true,
  wordpress: true,
  vk: true,
  youtube: true,
  threads: true,
  facebook: true,
  generic: true,
};

/** Every platform the API accepts, in the order menus list them. */
export const PLATFORMS = Object.keys(PLATFORM_SET) as readonly AccountPlatform[];

/** The kinds of account, in menu order. */
export const KINDS = ['corporate', 'employee'] as const satisfies readonly AccountKind[];

/** The collection statuses, in menu order. */
export const COLLECTION_STATUSES = ['ok', 'blocked', 'failing', 'pending'] as const satisfies readonly AccountCollectionStatus[];

/** Whether a text names a platform the API accepts. */
export function isPlatform(value: string | null): value is AccountPlatform {
  return (PLATFORMS as readonly string[]).includes(value ?? '');
}
