import { InputValidationError } from '../core/errors.js';
import { blueskyAdapter } from './platforms/bluesky/bluesky-adapter.js';
import { facebookAdapter } from './platforms/facebook/facebook-adapter.js';
import { genericAdapter } from './platforms/generic/generic-adapter.js';
import { mastodonAdapter } from './platforms/mastodon/mastodon-adapter.js';
import { rssAdapter } from './platforms/rss/rss-adapter.js';
import { telegramAdapter } from './platforms/telegram/telegram-adapter.js';
import { threadsAdapter } from './platforms/threads/threads-adapter.js';
import { vkAdapter } from './platforms/vk/vk-adapter.js';
import { wordpressAdapter } from './platforms/wordpress/wordpress-adapter.js';
import { youtubeAdapter } from './platforms/youtube/youtube-adapter.js';
import { PLATFORM_NAMES, type PlatformAdapter, type PlatformName } from './platform-adapter.js';

/** Every registered adapter, by platform. The contract suite runs each of them against the fixture server. */
export const PLATFORM_ADAPTERS: Readonly<Record<PlatformName, PlatformAdapter>> = {
  telegram: telegramAdapter,
  mastodon: mastodonAdapter,
  bluesky: blueskyAdapter,
  rss: rssAdapter,
  wordpress: wordpressAdapter,
  vk: vkAdapter,
  youtube: youtubeAdapter,
  threads: threadsAdapter,
  facebook: facebookAdapter,
  generic: genericAdapter,
};

/** True when `name` is a platform overshare collects from. */
export function isPlatformName(name: string): name is PlatformName {
  return (PLATFORM_NAMES as readonly string[]).includes(name);
}

/** The adapter of `platform`; an unknown name is an input error that lists the known ones. */
export function adapterFor(platform: string): PlatformAdapter {
  if (!isPlatformName(platform)) {
    throw new InputValidationError('account', [
      { path: 'platform', message: `unknown platform "${platform}"; use one of ${PLATFORM_NAMES.join(', ')}` },
    ]);
  }
  return PLATFORM_ADAPTERS[platform];
}
