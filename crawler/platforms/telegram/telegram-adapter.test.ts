import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputValidationError, NotFoundError, PermanentError, PlatformBlockedError } from '../../../core/errors.js';
import type { CollectedPost, PageRequest } from '../../platform-adapter.js';
import { generateFixtureNetwork, type FixtureNetwork } from '../../../test/fixture-platform/fixture-network.js';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-platform/fixture-server.js';
import { telegramFixture } from '../../../test/fixture-platform/platforms/telegram-fixture.js';
import { plainAdapterContext } from '../../../test/support/plain-adapter-context.js';
import { collectPosts } from '../../collect-posts.js';
import { normalizeTelegramChannel, telegramAdapter } from './telegram-adapter.js';
import { readTelegramPage } from './read-telegram-page.js';

const HANDLES = ['acme', 'bob_news', 'carol'];
let network: FixtureNetwork;
let server: FixtureServer;

beforeAll(async () => {
  network = generateFixtureNetwork({ accounts: 3, postsPerAccount: 25, handles: HANDLES, imageShare: 0.4, repostShare: 0.2 });
  server = await startFixtureServer(network, [telegramFixture]);
});

afterAll(async () => {
  await server.close();
});

function request(handle: string, pageToken?: string): PageRequest {
  return { account: { platform: 'telegram', handle }, baseUrl: server.baseUrl('telegram'), pageToken };
}

async function collectAll(handle: string): Promise<{ posts: CollectedPost[]; pages: number }> {
  const posts: CollectedPost[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const page = await telegramAdapter.fetchPage(request(handle, pageToken), plainAdapterContext());
    posts.push(...page.posts);
    pageToken = page.nextPage;
    pages += 1;
  } while (pageToken !== undefined && pages < 50);
  return { posts, pages };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the adapter should have thrown'),
    (error: unknown) => error,
  );
}

describe('telegramAdapter against the fixture t.me', () => {
  it('collects every post of a channel across pages, newest first, with text, time, reposts, media and permalinks', async () => {
    for (const handle of HANDLES) {
      const account = network.accounts.get(handle)!;
      const { posts, pages } = await collectAll(handle);
      expect(pages).toBe(3);
      expect(posts.map((post) => post.externalId)).toEqual(account.posts.map((post) => `${handle}/${post.id}`));
      for (const [index, published] of account.posts.entries()) {
        const post = posts[index]!;
        expect(post.text).toBe(published.text);
        expect(post.text.endsWith(`#${handle}-${published.id}`)).toBe(true);
        expect(post.publishedAt).toBe(published.publishedAt.toISOString());
        expect(post.isRepost).toBe(published.isRepost);
        expect(post.media).toEqual(published.images.map((image) => ({ url: `${server.origin}/media/${image.id}.jpg`, kind: 'image' })));
        expect(post.permalink).toBe(`${server.baseUrl('telegram')}/${handle}/${published.id}`);
        expect(post.author).toBe(handle);
        expect(post.platform).toBe('telegram');
      }
    }
  });

  it('keeps line breaks and decodes entities such as &amp; and &lt;demo&gt;', async () => {
    const { posts } = await collectAll('acme');
    expect(posts.every((post) => post.text.includes('\n'))).toBe(true);
    const withEntities = network.accounts.get('acme')!.posts.filter((post) => /[&<>"']/u.test(post.text));
    expect(withEntities.length).toBeGreaterThan(0);
    for (const published of withEntities) {
      expect(posts.find((post) => post.externalId === `acme/${published.id}`)?.text).toBe(published.text);
    }
    expect(posts.some((post) => post.text.includes('&amp;') || post.text.includes('&#39;'))).toBe(false);
  });

  it('collects a forwarded post and a post with an album', async () => {
    const { posts } = await collectAll('acme');
    expect(posts.some((post) => post.isRepost)).toBe(true);
    expect(posts.some((post) => post.media.length === 2)).toBe(true);
  });

  it('leaves out the service message and keeps media-only posts, videos and emoji', async () => {
    const { posts } = await collectAll('gallery');
    expect(posts.map((post) => post.externalId)).toEqual(['gallery/4', 'gallery/3', 'gallery/2']);
    const [formatted, video, album] = posts;
    expect(formatted?.text).toBe('Launch day 🚀\nBold & a link — "quoted" \'single\' <tag> AB');
    expect(video).toMatchObject({ text: '', media: [{ url: `${server.origin}/media/gallery-clip.mp4`, kind: 'video' }] });
    expect(album?.text).toBe('');
    expect(album?.media.map((media) => media.url)).toEqual([`${server.origin}/media/gallery-1.jpg`, `${server.origin}/media/gallery-2.jpg`]);
  });

  it('reads the same channel from acme, @acme, t.me/acme, https://t.me/s/acme and a post link', async () => {
    const expected = (await telegramAdapter.fetchPage(request('acme'), plainAdapterContext())).posts.map((post) => post.externalId);
    for (const handle of ['@acme', 't.me/acme', 'https://t.me/acme', 't.me/s/acme', 'https://t.me/s/acme/', 'https://telegram.me/acme/1003?single']) {
      const page = await telegramAdapter.fetchPage(request(handle), plainAdapterContext());
      expect(page.posts.map((post) => post.externalId)).toEqual(expected);
    }
  });

  it('reports a channel without a web preview as blocked', async () => {
    const error = await failureOf(telegramAdapter.fetchPage(request('nopreview'), plainAdapterContext()));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).platform).toBe('telegram');
    expect((error as PlatformBlockedError).reason).toMatch(/^channel has no public web preview/u);
  });

  it('reports a name nobody holds as not found', async () => {
    const error = await failureOf(telegramAdapter.fetchPage(request('nobody_here'), plainAdapterContext()));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ resource: 'telegram channel', id: 'nobody_here' });
  });

  it('reports a preview page it cannot recognise as a layout it does not know, not as a missing channel', async () => {
    const handle = [...network.accounts.keys()][0]!;
    server.setFault('telegram', { kind: 'markup-changed', times: 1 });
    const error = await failureOf(telegramAdapter.fetchPage(request(handle), plainAdapterContext()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toMatch(/neither the channel's header nor any message; t\.me may have changed its layout/u);
  });

  it('reports a captcha page as blocked, never as an empty channel', async () => {
    server.setFault('telegram', { kind: 'login-wall', times: 1 });
    const error = await failureOf(telegramAdapter.fetchPage(request('acme'), plainAdapterContext()));
    expect(error).toBeInstanceOf(PlatformBlockedError);
    expect((error as PlatformBlockedError).platform).toBe('telegram');
  });

  it('refuses a page cut off in the middle of a message with a PermanentError naming telegram', async () => {
    server.setFault('telegram', { kind: 'malformed', times: 1 });
    const error = await failureOf(telegramAdapter.fetchPage(request('acme'), plainAdapterContext()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).not.toBeInstanceOf(PlatformBlockedError);
    expect((error as Error).message).toMatch(/^telegram: /u);
  });

  it("shows the channel's title and photo with every page, and their change once the channel is renamed", async () => {
    const carol = network.accounts.get('carol')!;
    const before = await telegramAdapter.fetchPage(request('carol'), plainAdapterContext());
    expect(before.profile).toEqual({ displayName: 'Fixture carol', avatarUrl: `${server.origin}/media/avatar-carol.jpg` });
    const older = await telegramAdapter.fetchPage(request('carol', before.nextPage), plainAdapterContext());
    expect(older.profile).toEqual(before.profile);
    const [name, avatar] = [carol.displayName, carol.avatarUrl];
    try {
      carol.displayName = 'Carol Giveaway & Co';
      carol.avatarUrl = `${server.origin}/media/avatar-carol-2.jpg`;
      const after = await telegramAdapter.fetchPage(request('carol'), plainAdapterContext());
      expect(after.profile).toEqual({ displayName: 'Carol Giveaway & Co', avatarUrl: `${server.origin}/media/avatar-carol-2.jpg` });
    } finally {
      carol.displayName = name;
      carol.avatarUrl = avatar;
    }
  });

  it('shows a channel without a photo by its title alone', async () => {
    const page = await telegramAdapter.fetchPage(request('gallery'), plainAdapterContext());
    expect(page.profile).toEqual({ displayName: 'Gallery & Co' });
  });

  it('rejects invite links and names that cannot be channels', () => {
    expect(() => normalizeTelegramChannel('https://t.me/+AbCdEf123')).toThrow(PlatformBlockedError);
    expect(() => normalizeTelegramChannel('https://t.me/+AbCdEf123')).not.toThrow(/AbCdEf123/u);
    for (const handle of ['acme corp', 'https://t.me/', '@', 'https://t.me/s/a-b']) {
      expect(() => normalizeTelegramChannel(handle), handle).toThrow(InputValidationError);
    }
    expect(() => normalizeTelegramChannel('acme corp')).toThrow(/handle: "acme corp" is not a Telegram channel name/u);
    expect(normalizeTelegramChannel('  @Acme_News ')).toBe('Acme_News');
  });
});

describe('telegramAdapter on a rescan', () => {
  let rescanServer: FixtureServer;
  const rescanNetwork = generateFixtureNetwork({ accounts: 1, postsPerAccount: 20, handles: ['delta'], seed: 11 });

  beforeAll(async () => {
    rescanServer = await startFixtureServer(rescanNetwork, [telegramFixture]);
  });
  afterAll(() => rescanServer.close());

  const collect = (cursor?: { externalId: string; publishedAt: string }) =>
    collectPosts(telegramAdapter, { platform: 'telegram', handle: 'delta' }, rescanServer.baseUrl('telegram'), plainAdapterContext(), {
      backfillPosts: 100,
      ...(cursor === undefined ? {} : { cursor }),
    });
  /** The requests `work` sent, as `path status`. */
  const requestsOf = async (work: () => Promise<unknown>): Promise<string[]> => {
    const before = rescanServer.requests.length;
    await work();
    return rescanServer.requests.slice(before).map((request) => `${request.path} ${request.status}`);
  };

  it('asks only for the messages after the cursor and returns exactly the new posts', async () => {
    const first = await collect();
    expect(first.posts).toHaveLength(20);
    const cursorId = first.cursor!.externalId.split('/')[1];
    const added = rescanNetwork.publish('delta', 3);
    let rescan: Awaited<ReturnType<typeof collect>> | undefined;
    const sent = await requestsOf(async () => {
      rescan = await collect(first.cursor);
    });
    expect(sent).toEqual([`/telegram/s/delta?after=${cursorId} 200`]);
    expect(rescan?.posts.map((post) => post.externalId)).toEqual(added.reverse().map((post) => `delta/${post.id}`));
    expect(rescan?.posts.map((post) => post.text)).toEqual(added.map((post) => post.text));
    expect(rescan?.cursor?.externalId).toBe(`delta/${added[0]!.id}`);
  });

  it('checks, when the channel lists nothing after the cursor, that its newest page still shows the cursor (an empty answer may be changed markup)', async () => {
    const { cursor } = await collect();
    let rescan: Awaited<ReturnType<typeof collect>> | undefined;
    const sent = await requestsOf(async () => {
      rescan = await collect(cursor);
    });
    expect(sent).toEqual([`/telegram/s/delta?after=${cursor!.externalId.split('/')[1]} 200`, '/telegram/s/delta 200']);
    expect(rescan?.posts).toEqual([]);
    expect(rescan?.cursor).toEqual(cursor);
    expect(rescan?.stoppedBecause).toBe('cursor');
  });

  it('reads the channel newest first when more new posts follow the cursor than one page holds', async () => {
    const { cursor } = await collect();
    const added = rescanNetwork.publish('delta', 15);
    let rescan: Awaited<ReturnType<typeof collect>> | undefined;
    const sent = await requestsOf(async () => {
      rescan = await collect(cursor);
    });
    expect(sent[0]).toBe(`/telegram/s/delta?after=${cursor!.externalId.split('/')[1]} 200`);
    expect(sent[1]).toBe('/telegram/s/delta 200');
    expect(sent.slice(2).every((line) => /^\/telegram\/s\/delta\?before=\d+ 200$/u.test(line))).toBe(true);
    expect(rescan?.posts.map((post) => post.externalId)).toEqual(added.reverse().map((post) => `delta/${post.id}`));
    expect(rescan?.stoppedBecause).toBe('cursor');
  });
});

// A hand-written excerpt in t.me's real format (the structure of a live /s/ page): a reply, a link
// preview, a forwarded post with an album on the CDN, a video, a service message, emoji and entities.
const REAL_PAGE = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Acme Corp – Telegram</title>
<link rel="canonical" href="https://t.me/s/acmecorp"/><link rel="prev" href="/s/acmecorp?before=4120">
<link href="//telegram.org/css/widget-frame.css?71" rel="stylesheet" media="screen"><script>TBaseUrl='/';</script></head>
<body class="widget_frame_base tgme_webpreview emoji_image" dir="auto">
<main class="tgme_main" data-url="/s/acmecorp"><div class="tgme_container"><section class="tgme_channel_history js-message_history">
<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/acmecorp?before=4120" class="tme_messages_more js-messages_more" data-before="4120"></a></div>
<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message service_message" data-post="acmecorp/4120" data-view="eyJjIjotMTAwfQ"><div class="tgme_widget_message_bubble"><div class="tgme_widget_message_text js-message_text" dir="auto">Channel photo updated</div><div class="tgme_widget_message_footer js-message_footer"><div class="tgme_widget_message_info js-message_info"><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/acmecorp/4120"><time datetime="2026-10-02T08:00:00+00:00" class="time">08:00</time></a></span></div></div></div></div></div>
<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="acmecorp/4121" data-view="eyJjIjotMTAwfQ">
<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/acmecorp"><span dir="auto">Acme Corp</span></a></div>
<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class="tgme_widget_message_forwarded_from_name" href="https://t.me/partner/77"><span dir="auto">Partner</span></a></div>
<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap"><div class="tgme_widget_message_grouped js-message_grouped"><div class="tgme_widget_message_grouped_layer js-message_grouped_layer">
<a class="tgme_widget_message_photo_wrap grouped_media_wrap blured js-message_photo" href="https://t.me/acmecorp/4121?single" style="left:0px;top:0px;width:225px;margin-right:2px;margin-bottom:2px;height:303px;background-image:url('https://cdn4.cdn-telegram.org/file/AbC_1.jpg')"><div class="grouped_media_helper"></div></a>
<a class="tgme_widget_message_photo_wrap grouped_media_wrap blured js-message_photo" href="https://t.me/acmecorp/4122?single" style="left:227px;top:0px;width:226px;height:303px;background-image:url(&quot;//cdn4.cdn-telegram.org/file/DeF_2.jpg&quot;)"><div class="grouped_media_helper"></div></a>
</div></div></div>
<div class="tgme_widget_message_text js-message_text" dir="auto">Visit to the new plant <i class="emoji" style="background-image:url('//telegram.org/img/emoji/40/F09F8FAD.png')"><b>🏭</b></i><br/><br/><b>Q3</b> plan: R&amp;D &lt;&gt; sales, see <a href="https://acme.example/q3?x=1&amp;y=2" target="_blank" rel="noopener">acme.example/q3</a> <a href="?q=%23plant">#plant</a></div>
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_views">12.3K</span><span class="copyonly"> views</span><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/acmecorp/4121"><time datetime="2026-10-02T09:15:42+00:00" class="time">09:15</time></a></span></div></div></div></div></div>
<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="acmecorp/4125" data-view="eyJjIjotMTAwfQ">
<div class="tgme_widget_message_bubble"><a class="tgme_widget_message_reply" href="https://t.me/acmecorp/4121"><div class="tgme_widget_message_author accent_color"><span class="tgme_widget_message_author_name">Acme Corp</span></div><div class="tgme_widget_message_text js-message_reply_text" dir="auto">Visit to the new plant</div></a>
<div class="tgme_widget_message_text js-message_text" dir="auto">Follow-up: the slides are out &#33;</div>
<a class="tgme_widget_message_link_preview" href="https://acme.example/slides"><i class="link_preview_right_image" style="background-image:url('https://cdn4.cdn-telegram.org/file/preview.jpg')"></i><div class="link_preview_site_name accent_color" dir="auto">acme.example</div></a>
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/acmecorp/4125"><time datetime="2026-10-02T10:00:00+00:00" class="time">10:00</time></a></span></div></div></div></div></div>
<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="acmecorp/4126" data-view="eyJjIjotMTAwfQ">
<div class="tgme_widget_message_bubble"><a class="tgme_widget_message_video_player js-message_video_player" href="https://t.me/acmecorp/4126"><i class="tgme_widget_message_video_thumb" style="background-image:url('https://cdn4.cdn-telegram.org/file/thumb.jpg')"></i><div class="tgme_widget_message_video_wrap"><video src="https://cdn4.cdn-telegram.org/file/clip.mp4?token=a&amp;b=1" class="tgme_widget_message_video js-message_video" width="100%" height="100%"></video></div></a>
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="https://t.me/acmecorp/4126"><time datetime="2026-10-02T11:30:00+00:00" class="time">11:30</time></a></span></div></div></div></div></div>
</section></div></main>
<div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span dir="auto">Acme Corp</span></div></div>
<script src="//telegram.org/js/widget-frame.js?65"></script>
</body>
</html>`;

describe('readTelegramPage on real t.me markup', () => {
  const page = readTelegramPage(REAL_PAGE, 'https://t.me/s/acmecorp');

  it('reads posts newest first and leaves out the service message', () => {
    expect(page.kind).toBe('channel');
    if (page.kind !== 'channel') return;
    expect(page.posts.map((post) => post.externalId)).toEqual(['acmecorp/4126', 'acmecorp/4125', 'acmecorp/4121']);
    expect(page.oldestMessageId).toBe(4120);
    expect(page.hasNewer).toBe(false);
  });

  it('sees the closing "more" link that says newer messages follow', () => {
    const more = '<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="/s/acmecorp?after=4126" class="tme_messages_more js-messages_more" data-after="4126"></a></div>';
    const older = readTelegramPage(REAL_PAGE.replace('</section>', `${more}</section>`), 'https://t.me/s/acmecorp?before=4127');
    expect(older).toMatchObject({ kind: 'channel', hasNewer: true });
  });

  it('reads text with line breaks, emoji, links and entities, without the quoted reply', () => {
    if (page.kind !== 'channel') return expect.unreachable();
    const [video, reply, forwarded] = page.posts;
    expect(forwarded?.text).toBe('Visit to the new plant 🏭\n\nQ3 plan: R&D <> sales, see acme.example/q3 #plant');
    expect(reply?.text).toBe('Follow-up: the slides are out !');
    expect(video?.text).toBe('');
  });

  it('reads times, permalinks, forwards and absolute media URLs (protocol-relative ones too)', () => {
    if (page.kind !== 'channel') return expect.unreachable();
    const [video, reply, forwarded] = page.posts;
    expect(forwarded).toMatchObject({
      publishedAt: '2026-10-02T09:15:42.000Z',
      permalink: 'https://t.me/acmecorp/4121',
      author: 'acmecorp',
      isRepost: true,
      media: [
        { url: 'https://cdn4.cdn-telegram.org/file/AbC_1.jpg', kind: 'image' },
        { url: 'https://cdn4.cdn-telegram.org/file/DeF_2.jpg', kind: 'image' },
      ],
    });
    expect(reply).toMatchObject({ isRepost: false, media: [] });
    expect(video?.media).toEqual([{ url: 'https://cdn4.cdn-telegram.org/file/clip.mp4?token=a&b=1', kind: 'video' }]);
  });

  it('leaves a message without a time undated rather than inventing one, and lists the others', () => {
    const broken = REAL_PAGE.replace('<time datetime="2026-10-02T10:00:00+00:00" class="time">10:00</time>', '');
    const page = readTelegramPage(broken, 'https://t.me/s/acmecorp');
    if (page.kind !== 'channel') return expect.unreachable('a channel page');
    expect(page.posts.find((post) => post.externalId === 'acmecorp/4125')?.publishedAt).toBe('');
    expect(page.posts.filter((post) => post.publishedAt !== '')).toHaveLength(page.posts.length - 1);
  });

  it('skips a message whose id cannot be read, keeping the others', () => {
    const broken = REAL_PAGE.replace('data-post="acmecorp/4125"', 'data-post="acmecorp/"');
    const page = readTelegramPage(broken, 'https://t.me/s/acmecorp');
    if (page.kind !== 'channel') return expect.unreachable('a channel page');
    expect(page.posts.map((post) => post.externalId)).not.toContain('acmecorp/4125');
    expect(page.posts.length).toBeGreaterThan(0);
    expect(page.unreadable).toEqual([{ reason: 'a message without a readable data-post id (channel/123)' }]);
  });

  it("reads the channel's title from the channel card, and its photo where it has one (protocol-relative too)", () => {
    expect(page).toMatchObject({ kind: 'channel', profile: { displayName: 'Acme Corp' } });
    if (page.kind !== 'channel') return;
    expect(page.profile?.avatarUrl).toBeUndefined();
    const header =
      '<div class="tgme_channel_info"><div class="tgme_channel_info_header"><i class="tgme_page_photo_image bgcolor1" data-content="A"><img src="//cdn4.cdn-telegram.org/file/Xy_avatar.jpg"></i>' +
      '<div class="tgme_channel_info_header_title"><span dir="auto">Acme  Corp <b>Official</b></span></div><div class="tgme_channel_info_header_username"><a href="https://t.me/acmecorp">@acmecorp</a></div></div></div>';
    const withPhoto = readTelegramPage(REAL_PAGE.replace(/<div class="tgme_channel_info">.*?<\/div><\/div>/u, header), 'https://t.me/s/acmecorp');
    expect(withPhoto).toMatchObject({ kind: 'channel', profile: { displayName: 'Acme Corp Official', avatarUrl: 'https://cdn4.cdn-telegram.org/file/Xy_avatar.jpg' } });
  });

  it('tells an account card from a bare "contact @name" page and a captcha page', () => {
    const card = '<html><head><title>Telegram: Contact @acme</title></head><body><div class="tgme_page_title"><span dir="auto">Acme</span></div></body></html>';
    const bare = '<html><head><title>Telegram: Contact @acme</title></head><body><div class="tgme_page_description">If you have Telegram, you can contact @acme right away.</div></body></html>';
    const captcha = '<html><head><title>Attention Required!</title></head><body><div class="h-captcha" data-sitekey="x"></div></body></html>';
    expect(readTelegramPage(card, 'https://t.me/acme')).toEqual({ kind: 'other', blockReason: undefined, hasAccountCard: true });
    expect(readTelegramPage(bare, 'https://t.me/acme')).toEqual({ kind: 'other', blockReason: undefined, hasAccountCard: false });
    expect(readTelegramPage(captcha, 'https://t.me/s/acme')).toMatchObject({ kind: 'other', blockReason: 'a captcha challenge' });
  });
});
