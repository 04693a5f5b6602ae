import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmptyFeedError } from '../core/errors.js';
import { collectPosts, type AccountCursor, type CollectResult } from '../crawler/collect-posts.js';
import type { AccountRef, AdapterContext, PageFetcher, PlatformAdapter } from '../crawler/platform-adapter.js';
import { mastodonAdapter } from '../crawler/platforms/mastodon/mastodon-adapter.js';
import { telegramAdapter } from '../crawler/platforms/telegram/telegram-adapter.js';
import { vkAdapter } from '../crawler/platforms/vk/vk-adapter.js';
import { wordpressAdapter } from '../crawler/platforms/wordpress/wordpress-adapter.js';
import { youtubeAdapter } from '../crawler/platforms/youtube/youtube-adapter.js';
import { CANARY_POSTS } from '../pipeline/processors/collect-account-processor.js';
import { generateFixtureNetwork } from './fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from './fixture-platform/fixture-server.js';
import { mastodonFixture } from './fixture-platform/platforms/mastodon-fixture.js';
import { telegramFixture } from './fixture-platform/platforms/telegram-fixture.js';
import { vkFixture } from './fixture-platform/platforms/vk-fixture.js';
import { wordpressFixture } from './fixture-platform/platforms/wordpress-fixture.js';
import { youtubeFixture } from './fixture-platform/platforms/youtube-fixture.js';
import { plainAdapterContext, plainPageFetcher } from './support/plain-adapter-context.js';
import { launchPlainBrowserTabs } from './support/plain-browser-tabs.js';

// A scraped page that lists no post cannot tell "nothing new" from markup the adapter no longer
// knows. Each case reads an account once while its platform is as it was, changes the platform the
// way a redesign would, and rescans: the rescan must fail with EmptyFeedError. Undoing the change
// and rescanning again must be clean (no error, nothing new): the error comes from the change, not
// from the rescan.

/** The first reading of an account with no posts stored yet, as the collect processor runs it. */
const firstReading = (adapter: PlatformAdapter, account: AccountRef, context: AdapterContext): Promise<CollectResult> =>
  collectPosts(adapter, account, account.baseUrl ?? '', context, { backfillPosts: 100 });

/** A rescan of an account that had posts, as the collect processor runs it: from the cursor, posts expected. */
const rescan = (adapter: PlatformAdapter, account: AccountRef, context: AdapterContext, cursor: AccountCursor): Promise<CollectResult> =>
  collectPosts(adapter, account, account.baseUrl ?? '', context, { backfillPosts: 100, cursor, depth: 500, expectPosts: true });

/** A canary's reading, as the collect processor runs it: the newest page only, posts expected. */
const canaryReading = (adapter: PlatformAdapter, account: AccountRef, context: AdapterContext): Promise<CollectResult> =>
  collectPosts(adapter, account, account.baseUrl ?? '', context, { backfillPosts: 100, limit: CANARY_POSTS, maxPages: 1, expectPosts: true });

/** The cursor a good first reading left; fails the test when that reading found nothing to start from. */
function cursorOf(first: CollectResult): AccountCursor {
  expect(first.posts.length).toBeGreaterThan(0);
  expect(first.cursor).toBeDefined();
  return first.cursor!;
}

/** A page fetcher that serves every answer with `rename` applied: the platform after a redesign of some markup only. */
function renamingFetcher(rename: (text: string) => string): PageFetcher {
  const plain = plainPageFetcher();
  return {
    async getText(url, options) {
      const answer = await plain.getText(url, options);
      return { ...answer, text: rename(answer.text) };
    },
  };
}

/**
 * An HTTP proxy in front of the fixture server that applies `rename` to every answer while
 * `isRenaming()` holds: a browser adapter's platform after a redesign of its page data, which the
 * fixture's own `markup-changed` fault (class and data-* names only) does not reach.
 */
async function startRenamingProxy(origin: string, rename: (text: string) => string, isRenaming: () => boolean): Promise<Server> {
  const proxy = createServer((request, response) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
      const answer = await fetch(`${origin}${request.url ?? '/'}`, {
        method: request.method ?? 'GET',
        redirect: 'manual',
        headers: { 'content-type': request.headers['content-type'] ?? 'text/plain' },
        ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
      });
      const text = await answer.text();
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/html' });
      response.end(isRenaming() ? rename(text) : text);
    })().catch((error: unknown) => {
      // An answer, never a hang: a test waiting on a silent socket would only time out.
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`renaming proxy: ${error instanceof Error ? error.message : 'the fixture server did not answer'}`);
    });
  });
  proxy.listen(0, '127.0.0.1');
  await once(proxy, 'listening');
  return proxy;
}

describe('a platform that changed its pages after a good reading is reported, never read as "nothing new"', () => {
  let server: FixtureServer;
  let tabs: Awaited<ReturnType<typeof launchPlainBrowserTabs>>;
  let youtubeProxy: Server;
  let isYoutubeRenamed = false;

  beforeAll(async () => {
    // Posts an hour apart, the newest half an hour ago: YouTube shows only relative times ("2 hours
    // ago"), and posts of one coarse age would re-read as newer than the cursor on a later clock.
    const newestAt = new Date(Date.now() - 30 * 60_000);
    const network = generateFixtureNetwork({ accounts: 1, postsPerAccount: 5, handles: ['acme'], imageShare: 0, repostShare: 0, newestAt });
    server = await startFixtureServer(network, [wordpressFixture, mastodonFixture, telegramFixture, vkFixture, youtubeFixture]);
    // YouTube renamed its community post renderer in ytInitialData (a data redesign, not a markup one).
    youtubeProxy = await startRenamingProxy(server.origin, (text) => text.replaceAll('backstagePostRenderer', 'postRenderer'), () => isYoutubeRenamed);
    // One browser for the file: VK and YouTube are read in a tab, and a launch costs about a second.
    tabs = await launchPlainBrowserTabs();
  });

  afterEach(() => {
    // A failed test must not leave the next one reading a changed platform.
    server.clearFaults();
    isYoutubeRenamed = false;
  });

  afterAll(async () => {
    await tabs.close();
    youtubeProxy.closeAllConnections();
    await new Promise((resolve) => youtubeProxy.close(resolve));
    await server.close();
  });

  it('wordpress with its REST API closed fails the rescan with EmptyFeedError when its feed items are renamed, and rescans clean once they are back', async () => {
    // The REST API answers 401 here, so the adapter falls back to the RSS feed.
    const account: AccountRef = { platform: 'wordpress', handle: `${server.baseUrl('wordpress')}/rest-disabled/acme` };
    const cursor = cursorOf(await firstReading(wordpressAdapter, account, plainAdapterContext()));

    server.setFault('wordpress', { kind: 'markup-changed' });
    await expect(rescan(wordpressAdapter, account, plainAdapterContext(), cursor)).rejects.toBeInstanceOf(EmptyFeedError);

    server.clearFaults();
    expect((await rescan(wordpressAdapter, account, plainAdapterContext(), cursor)).posts).toEqual([]);
  });

  it('mastodon in limited mode fails the rescan with EmptyFeedError when its RSS items are renamed, and rescans clean once they are back', async () => {
    // A limited (authorized-fetch) server refuses the API to visitors: the adapter reads the account's RSS feed.
    const account: AccountRef = { platform: 'mastodon', handle: 'acme', baseUrl: `${server.baseUrl('mastodon')}/limited` };
    const cursor = cursorOf(await firstReading(mastodonAdapter, account, plainAdapterContext()));

    server.setFault('mastodon', { kind: 'markup-changed' });
    await expect(rescan(mastodonAdapter, account, plainAdapterContext(), cursor)).rejects.toBeInstanceOf(EmptyFeedError);

    server.clearFaults();
    expect((await rescan(mastodonAdapter, account, plainAdapterContext(), cursor)).posts).toEqual([]);
  });

  it('telegram fails the rescan with EmptyFeedError when its message markup is renamed under an unchanged channel header, and rescans clean without the renaming', async () => {
    const account: AccountRef = { platform: 'telegram', handle: 'acme', baseUrl: server.baseUrl('telegram') };
    const cursor = cursorOf(await firstReading(telegramAdapter, account, plainAdapterContext()));

    // t.me after renaming its message widget only: the channel header and the history box still
    // show, so the page looks like a channel with no messages rather than an unknown page.
    const redesigned: AdapterContext = {
      ...plainAdapterContext(),
      http: renamingFetcher((text) => text.replaceAll('tgme_widget_message', 'tgme_post_card').replaceAll('data-post=', 'data-post-id=')),
    };
    await expect(rescan(telegramAdapter, account, redesigned, cursor)).rejects.toBeInstanceOf(EmptyFeedError);

    expect((await rescan(telegramAdapter, account, plainAdapterContext(), cursor)).posts).toEqual([]);
  });

  it('vk fails the rescan with EmptyFeedError when its wall is redesigned, and rescans clean once it is back', async () => {
    const account: AccountRef = { platform: 'vk', handle: 'acme', baseUrl: server.baseUrl('vk') };
    const cursor = cursorOf(await firstReading(vkAdapter, account, plainAdapterContext(tabs)));

    server.setFault('vk', { kind: 'markup-changed' });
    await expect(rescan(vkAdapter, account, plainAdapterContext(tabs), cursor)).rejects.toBeInstanceOf(EmptyFeedError);

    server.clearFaults();
    expect((await rescan(vkAdapter, account, plainAdapterContext(tabs), cursor)).posts).toEqual([]);
  });

  it('vk fails a canary reading with EmptyFeedError when its wall is redesigned, and the canary reads posts again once it is back', async () => {
    // A canary has no cursor: it proves the platform still reads by finding posts on the newest page.
    const account: AccountRef = { platform: 'vk', handle: 'acme', baseUrl: server.baseUrl('vk') };
    expect((await canaryReading(vkAdapter, account, plainAdapterContext(tabs))).posts.length).toBeGreaterThan(0);

    server.setFault('vk', { kind: 'markup-changed' });
    await expect(canaryReading(vkAdapter, account, plainAdapterContext(tabs))).rejects.toBeInstanceOf(EmptyFeedError);

    server.clearFaults();
    expect((await canaryReading(vkAdapter, account, plainAdapterContext(tabs))).posts.length).toBeGreaterThan(0);
  });

  it('youtube fails the rescan with EmptyFeedError when its post renderer is renamed, and rescans clean once it is back', async () => {
    const { port } = youtubeProxy.address() as AddressInfo;
    const account: AccountRef = { platform: 'youtube', handle: '@acme', baseUrl: `http://127.0.0.1:${port}/youtube` };
    const cursor = cursorOf(await firstReading(youtubeAdapter, account, plainAdapterContext(tabs)));

    isYoutubeRenamed = true;
    await expect(rescan(youtubeAdapter, account, plainAdapterContext(tabs), cursor)).rejects.toBeInstanceOf(EmptyFeedError);

    isYoutubeRenamed = false;
    expect((await rescan(youtubeAdapter, account, plainAdapterContext(tabs), cursor)).posts).toEqual([]);
  });
});
