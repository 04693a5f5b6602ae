import type { AccountRef, PlatformName } from '../../crawler/platform-adapter.js';
import type { FixtureServer, PlatformFixture } from './fixture-server.js';
import { blueskyFixture } from './platforms/bluesky-fixture.js';
import { facebookFixture } from './platforms/facebook-fixture.js';
import { genericFixture } from './platforms/generic-fixture.js';
import { mastodonFixture } from './platforms/mastodon-fixture.js';
import { rssFixture } from './platforms/rss-fixture.js';
import { telegramFixture } from './platforms/telegram-fixture.js';
import { threadsFixture } from './platforms/threads-fixture.js';
import { vkFixture } from './platforms/vk-fixture.js';
import { wordpressFixture } from './platforms/wordpress-fixture.js';
import { youtubeFixture } from './platforms/youtube-fixture.js';

/** Every platform's fixture, one per registered adapter. */
export const ALL_PLATFORM_FIXTURES: readonly PlatformFixture[] = [
  telegramFixture,
  mastodonFixture,
  blueskyFixture,
  rssFixture,
  wordpressFixture,
  vkFixture,
  youtubeFixture,
  threadsFixture,
  facebookFixture,
  genericFixture,
];

/** Selectors of the generic fixture's blog (see generic-fixture.ts). */
export const GENERIC_FIXTURE_SELECTORS = {
  post: 'article.post',
  text: '.entry-content',
  link: 'h2 a',
  idAttribute: 'data-id',
  time: 'time',
  image: 'img, .cover',
  nextPage: 'a.next',
  loginWall: 'form.login',
};

/** How a network account is registered on each platform of the fixture server. */
export function fixtureAccount(platform: PlatformName, server: Pick<FixtureServer, 'baseUrl'>, handle: string): AccountRef {
  const baseUrl = server.baseUrl(platform);
  switch (platform) {
    case 'wordpress':
      return { platform, handle: `${baseUrl}/${handle}` };
    case 'generic':
      return { platform, handle: `${baseUrl}/${handle}/`, selectors: GENERIC_FIXTURE_SELECTORS };
    case 'youtube':
      return { platform, handle: `@${handle}`, baseUrl };
    default:
      return { platform, handle, baseUrl };
  }
}
