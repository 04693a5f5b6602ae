import { createHash } from 'node:crypto';
import type { FixtureAccount, FixturePost } from '../fixture-network.js';
import type { FixtureHelpers, FixtureRequest, FixtureResponse, PlatformFixture } from '../fixture-server.js';

/**
 * YouTube channel posts tabs (`/@name/posts`, `/channel/UC…/posts`) as YouTube serves them to a
 * visitor: an HTML shell whose `var ytInitialData = {...};` holds the first ten posts
 * (backstagePostThreadRenderer, sharedPostRenderer for reposts) and a continuation; older posts
 * come from POST /youtubei/v1/browse. Times are relative to the moment of the request ("3 hours ago").
 *
 * One deviation from YouTube: the fixture server cannot read request bodies, so the continuation's
 * `apiUrl` carries the page in its query (`/youtubei/v1/browse?fixturePage=<token>`); the adapter
 * posts to `apiUrl` as YouTube's own page does, with the token in the JSON body too.
 */

const PAGE_SIZE = 10;
const UNITS: readonly [string, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];

/** The `UC…` channel id the fixture gives an account. */
export function youtubeChannelId(handle: string): string {
  return `UC${createHash('sha256').update(`channel:${handle}`).digest('base64url').slice(0, 22)}`;
}

/** The post id the fixture gives a post (`Ugkx…`, 36 characters like YouTube's). */
export function youtubePostId(handle: string, post: Pick<FixturePost, 'id'>): string {
  return `Ugkx${createHash('sha256').update(`post:${handle}:${post.id}`).digest('base64url').slice(0, 32)}`;
}

/** "3 hours ago", rounded down to whole units as YouTube prints it. */
function relativeTime(at: Date, now: number): string {
  const age = Math.max(0, now - at.getTime());
  const [unit, ms] = UNITS.find(([, size]) => age >= size) ?? ['second', 1_000];
  const amount = Math.floor(age / ms);
  return `${amount} ${unit}${amount === 1 ? '' : 's'} ago`;
}

const tracking = (seed: string) => `CA${createHash('md5').update(seed).digest('base64').slice(0, 22)}`;

function runs(text: string, handle: string): { runs: object[] } {
  // The account's hashtag is a run of its own that links to the hashtag page, as on YouTube.
  const tag = `#${handle}`;
  const at = text.indexOf(tag);
  if (at < 0) return { runs: [{ text }] };
  const parts: object[] = [];
  if (at > 0) parts.push({ text: text.slice(0, at) });
  parts.push({ text: tag, navigationEndpoint: { clickTrackingParams: tracking(text), commandMetadata: { webCommandMetadata: { url: `/hashtag/${handle}`, webPageType: 'WEB_PAGE_TYPE_BROWSE', rootVe: 6827, apiUrl: '/youtubei/v1/browse' } }, browseEndpoint: { browseId: 'FEhashtag', params: '6gUGCgRhY21l' } } });
  if (at + tag.length < text.length) parts.push({ text: text.slice(at + tag.length) });
  return { runs: parts };
}

function imageRenderer(image: FixturePost['images'][number], helpers: FixtureHelpers, isProtocolRelative: boolean): object {
  const full = helpers.mediaUrl(image);
  // Renditions out of width order: the widest (the picture itself) is not the last one.
  return {
    image: {
      thumbnails: [
        { url: `${full}?s=288`, width: 288, height: 216 },
        { url: isProtocolRelative ? full.replace(/^https?:/u, '') : full, width: 1080, height: 810 },
        { url: `${full}?s=640`, width: 640, height: 480 },
      ],
      ...(image.alt === undefined ? {} : { accessibility: { accessibilityData: { label: image.alt } } }),
    },
    trackingParams: tracking(image.id),
  };
}

function attachment(post: FixturePost, helpers: FixtureHelpers): object {
  const [first, ...more] = post.images;
  if (first === undefined) return {};
  if (more.length === 0) return { backstageAttachment: { backstageImageRenderer: imageRenderer(first, helpers, false) } };
  return {
    backstageAttachment: {
      postMultiImageRenderer: { images: post.images.map((image, index) => ({ backstageImageRenderer: imageRenderer(image, helpers, index === 1) })) },
    },
  };
}

function author(name: string, channelId: string, handle: string): object {
  return {
    runs: [{ text: name, navigationEndpoint: { commandMetadata: { webCommandMetadata: { url: `/@${handle}`, webPageType: 'WEB_PAGE_TYPE_CHANNEL' } }, browseEndpoint: { browseId: channelId, canonicalBaseUrl: `/@${handle}` } } }],
  };
}

function postItem(post: FixturePost, account: FixtureAccount, helpers: FixtureHelpers, now: number): object {
  const channelId = youtubeChannelId(account.handle);
  const postId = youtubePostId(account.handle, post);
  const published = { runs: [{ text: `${relativeTime(post.publishedAt, now)}${post.id % 4 === 0 ? ' (edited)' : ''}`, navigationEndpoint: { browseEndpoint: { browseId: 'FEpost_detail', params: postId } } }] };
  const common = {
    authorThumbnail: { thumbnails: [{ url: `//yt3.ggpht.com/avatar-${channelId}=s32-c-k-c0x00ffffff-no-rj-mo`, width: 32, height: 32 }] },
    voteCount: { accessibility: { accessibilityData: { label: `${post.id % 40} likes` } }, simpleText: String(post.id % 40) },
    actionButtons: { commentActionButtonsRenderer: { likeButton: { toggleButtonRenderer: { isToggled: false, defaultText: { simpleText: 'Like' } } } } },
    surface: 'BACKSTAGE_SURFACE_TYPE_STREAM',
    trackingParams: tracking(postId),
  };
  if (!post.isRepost) {
    return {
      backstagePostThreadRenderer: {
        post: {
          backstagePostRenderer: { postId, authorText: author(account.displayName, channelId, account.handle), authorEndpoint: {}, contentText: runs(post.text, account.handle), expandButton: { buttonRenderer: { text: { runs: [{ text: 'Read more' }] } } }, publishedTimeText: published, ...attachment(post, helpers), ...common },
        },
        trackingParams: tracking(`thread-${postId}`),
      },
    };
  }
  const original = post.originalAuthor ?? 'somebody_else';
  const originalChannel = youtubeChannelId(original);
  return {
    backstagePostThreadRenderer: {
      post: {
        sharedPostRenderer: {
          postId,
          displayName: author(account.displayName, channelId, account.handle),
          content: { runs: [] },
          originalPost: {
            backstagePostRenderer: { postId: youtubePostId(original, post), authorText: author(original, originalChannel, original), contentText: runs(post.text, account.handle), publishedTimeText: { runs: [{ text: relativeTime(new Date(post.publishedAt.getTime() - 2 * 86_400_000), now) }] }, ...attachment(post, helpers), ...common },
          },
          publishedTimeText: published,
          endpoint: { browseEndpoint: { browseId: 'FEpost_detail', params: postId } },
          trackingParams: tracking(`shared-${postId}`),
        },
      },
      trackingParams: tracking(`thread-${postId}`),
    },
  };
}

function continuationItem(handle: string, offset: number): object {
  const token = `4qmFsgJ${Buffer.from(JSON.stringify({ handle, offset })).toString('base64url')}`;
  return {
    continuationItemRenderer: {
      trigger: 'CONTINUATION_TRIGGER_ON_ITEM_SHOWN',
      continuationEndpoint: {
        clickTrackingParams: tracking(token),
        commandMetadata: { webCommandMetadata: { sendPost: true, apiUrl: `/youtubei/v1/browse?fixturePage=${token}` } },
        continuationCommand: { token, request: 'CONTINUATION_REQUEST_TYPE_BROWSE' },
      },
    },
  };
}

function items(account: FixtureAccount, offset: number, helpers: FixtureHelpers): object[] {
  const now = Date.now();
  const page = account.posts.slice(offset, offset + PAGE_SIZE).map((post) => postItem(post, account, helpers, now));
  return offset + PAGE_SIZE < account.posts.length ? [...page, continuationItem(account.handle, offset + PAGE_SIZE)] : page;
}

function initialData(account: FixtureAccount, helpers: FixtureHelpers): object {
  const channelId = youtubeChannelId(account.handle);
  const tab = (title: string, path: string, selected: boolean, content?: object) => ({
    tabRenderer: {
      endpoint: { clickTrackingParams: tracking(title), commandMetadata: { webCommandMetadata: { url: `/@${account.handle}${path}`, webPageType: 'WEB_PAGE_TYPE_CHANNEL', rootVe: 3611, apiUrl: '/youtubei/v1/browse' } }, browseEndpoint: { browseId: channelId, params: 'EgVwb3N0c_IGBAoCSgA%3D', canonicalBaseUrl: `/@${account.handle}` } },
      title,
      ...(selected ? { selected: true } : {}),
      ...(content === undefined ? {} : { content }),
      trackingParams: tracking(`tab-${title}`),
    },
  });
  return {
    responseContext: { serviceTrackingParams: [{ service: 'CSI', params: [{ key: 'c', value: 'WEB' }, { key: 'cver', value: '2.20261118.01.00' }, { key: 'yt_li', value: '0' }] }], maxAgeSeconds: 300, mainAppWebResponseContext: { loggedOut: true } },
    contents: {
      twoColumnBrowseResultsRenderer: {
        tabs: [
          tab('Home', '/featured', false),
          tab('Videos', '/videos', false),
          tab('Posts', '/posts', true, {
            sectionListRenderer: {
              contents: [{ itemSectionRenderer: { contents: items(account, 0, helpers), trackingParams: tracking('section') } }],
              trackingParams: tracking('list'),
            },
          }),
          { expandableTabRenderer: { endpoint: { browseEndpoint: { browseId: channelId, params: 'EgZzZWFyY2jyBgQKAloA' } }, title: 'Search', selected: false } },
        ],
      },
    },
    header: { pageHeaderRenderer: { pageTitle: account.displayName, content: { pageHeaderViewModel: { title: { dynamicTextViewModel: { text: { content: account.displayName } } } } } } },
    metadata: { channelMetadataRenderer: { title: account.displayName, description: 'Fixture channel — "news" & <updates>', externalId: channelId, vanityChannelUrl: `http://www.youtube.com/@${account.handle}`, isFamilySafe: true } },
    trackingParams: tracking(`page-${account.handle}`),
    topbar: { desktopTopbarRenderer: { logo: { topbarLogoRenderer: { iconImage: { iconType: 'YOUTUBE_LOGO' } } }, searchbox: { fusionSearchboxRenderer: { placeholderText: { runs: [{ text: 'Search' }] } } } } },
  };
}

// Inline JSON as YouTube writes it: `<`, `>` and `&` escaped, so no string closes the script.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</gu, '\\u003c').replace(/>/gu, '\\u003e').replace(/&/gu, '\\u0026');

function shell(title: string, dataScript: string, helpers: FixtureHelpers): string {
  const config = { INNERTUBE_API_KEY: 'AIzaSyFixtureKeyNotARealOne000000000', INNERTUBE_CLIENT_NAME: 'WEB', INNERTUBE_CLIENT_VERSION: '2.20261118.01.00', INNERTUBE_CONTEXT: { client: { hl: 'en', gl: 'US', clientName: 'WEB', clientVersion: '2.20261118.01.00', originalUrl: helpers.baseUrl }, user: { lockedSafetyMode: false }, request: { useSsl: true } }, HL: 'en', GL: 'US' };
  return `<!DOCTYPE html><html style="font-size: 10px;font-family: Roboto, Arial, sans-serif;" lang="en" system-icons typography typography-spacing><head><meta http-equiv="origin-trial" content="AAAAfixture"><script data-id="_gd" nonce="fXn0nce">window.WIZ_global_data = {"HiPsbb":0,"MUE6Ne":"youtube_web","MuJWjd":false};</script><meta http-equiv="X-UA-Compatible" content="IE=edge"/><meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>
<script nonce="fXn0nce">var ytcfg={d:function(){return window.yt&&yt.config_||ytcfg.data_||(ytcfg.data_={})},get:function(k,o){return k in ytcfg.d()?ytcfg.d()[k]:o},set:function(){var a=arguments;if(a.length>1)ytcfg.d()[a[0]]=a[1];else{var k;for(k in a[0])ytcfg.d()[k]=a[0][k]}}};
window.ytcfg.set('EMERGENCY_BASE_URL', '\\/error_204?t\\u003djserror\\u0026level\\u003dERROR');</script>
<script nonce="fXn0nce">ytcfg.set(${scriptJson(config)}); window.ytcfg.obfuscatedData_ = [];</script>
<title>${title}</title><link rel="shortcut icon" href="https://www.youtube.com/s/desktop/fixture/img/logos/favicon.ico" type="image/x-icon"><link rel="manifest" href="/manifest.webmanifest" crossorigin="use-credentials">
<style name="www-roboto" nonce="fXn0nce">@font-face{font-family:'Roboto';font-style:normal;font-weight:400;src:local('Roboto')}</style><style nonce="fXn0nce">body{padding:0;margin:0;overflow-y:scroll}body.autoscroll{overflow-y:auto}ytd-app{display:block}</style></head>
<body dir="ltr"><ytd-app disable-upgrade=true><ytd-masthead id="masthead" logo-type="YOUTUBE_LOGO" slot="masthead" class="shell dark-theme"><div id="search-container" class="ytd-searchbox-spt" slot="search-container"></div><div id="search-input" class="ytd-searchbox-spt" slot="search-input"><input id="search" autocapitalize="none" autocomplete="off" autocorrect="off" hidden name="search_query" tabindex="0" type="text" spellcheck="false"></div><svg class="external-icon" preserveAspectRatio="xMidYMid meet"><g id="youtube-paths_yt19"><path d="M 14.4848 20 C 14.4848 20 23.5695 20 25.8229 19.4142"></path></g></svg></ytd-masthead><a slot="guide-links-primary" href="https://www.youtube.com/about/" style="display: none;">About</a><a slot="guide-links-primary" href="https://www.youtube.com/about/press/" style="display: none;">Press</a></ytd-app>
${dataScript}
<script nonce="fXn0nce">if (window.ytcsi) {window.ytcsi.tick('pdr', null, '');}</script>
<script nonce="fXn0nce">(function serverContract() {window['ytPageType'] = "channel";window['ytCommand'] = {"clickTrackingParams":"IhMI","commandMetadata":{"webCommandMetadata":{"url":"/posts","webPageType":"WEB_PAGE_TYPE_CHANNEL"}}};})();</script>
</body></html>`;
}

const html = (status: number, body: string): FixtureResponse => ({ status, headers: { 'content-type': 'text/html; charset=utf-8', 'x-content-type-options': 'nosniff' }, body });

function accountFor(request: FixtureRequest, helpers: FixtureHelpers): FixtureAccount | undefined {
  const match = /^\/(?:@([^/]+)|channel\/(UC[\w-]{22}))\/posts\/?$/u.exec(request.path);
  if (match === null) return undefined;
  const [, name, channelId] = match;
  if (name !== undefined) return helpers.network.accounts.get(decodeURIComponent(name));
  return [...helpers.network.accounts.values()].find((account) => youtubeChannelId(account.handle) === channelId);
}

function postsPage(account: FixtureAccount, helpers: FixtureHelpers): FixtureResponse {
  return html(200, shell(`${account.displayName} - YouTube`, `<script nonce="fXn0nce">var ytInitialData = ${scriptJson(initialData(account, helpers))};</script>`, helpers));
}

function notFound(helpers: FixtureHelpers): FixtureResponse {
  const data = { responseContext: { mainAppWebResponseContext: { loggedOut: true } }, contents: { twoColumnBrowseResultsRenderer: {} }, alerts: [{ alertRenderer: { type: 'ERROR', text: { simpleText: "This page isn't available. Sorry about that. Try searching for something else." } } }] };
  return html(404, shell('404 Not Found', `<script nonce="fXn0nce">var ytInitialData = ${scriptJson(data)};</script>`, helpers));
}

const CONSENT_PAGE = `<!DOCTYPE html><html lang="en" dir="ltr"><head><meta charset="utf-8"><title>Before you continue to YouTube</title><style>body{font-family:Roboto,Arial,sans-serif}</style></head>
<body><div class="consent-bump"><h1>Before you continue to YouTube</h1><p>We use <a href="https://policies.google.com/technologies/cookies?hl=en">cookies</a> and data to deliver and maintain Google services, track outages and protect against spam, fraud and abuse.</p>
<form action="https://consent.youtube.com/save" method="POST"><input type="hidden" name="gl" value="DE"><input type="hidden" name="m" value="0"><input type="hidden" name="pc" value="yt"><input type="hidden" name="continue" value="https://www.youtube.com/"><input type="hidden" name="set_eom" value="true"><button type="submit" aria-label="Reject all">Reject all</button></form>
<form action="https://consent.youtube.com/save" method="POST"><input type="hidden" name="set_eom" value="false"><button type="submit" aria-label="Accept all">Accept all</button></form></div></body></html>`;

/** YouTube's channel posts tabs, their continuation API, its consent page and its 404. */
export const youtubeFixture: PlatformFixture = {
  platform: 'youtube',

  handle(request, helpers) {
    if (request.method === 'POST' && request.path === '/youtubei/v1/browse') {
      if (!/^application\/json\b/u.test(request.headers['content-type'] ?? '')) return { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":{"code":400,"message":"Invalid JSON payload received.","status":"INVALID_ARGUMENT"}}' };
      const token = request.query.get('fixturePage') ?? '';
      let state: { handle?: string; offset?: number } = {};
      try {
        state = JSON.parse(Buffer.from(token.replace(/^4qmFsgJ/u, ''), 'base64url').toString('utf8')) as typeof state;
      } catch {
        state = {};
      }
      const account = helpers.network.accounts.get(state.handle ?? '');
      if (account === undefined || typeof state.offset !== 'number') return { status: 400, headers: { 'content-type': 'application/json' }, body: '{"error":{"code":400,"message":"Request contains an invalid argument.","status":"INVALID_ARGUMENT"}}' };
      const answer = { responseContext: { visitorData: 'CgtGaXh0dXJlVmlzaXQ%3D', serviceTrackingParams: [] }, trackingParams: tracking(token), onResponseReceivedActions: [{ clickTrackingParams: tracking(`a${token}`), appendContinuationItemsAction: { continuationItems: items(account, state.offset, helpers), targetId: 'FEpost_detail' } }] };
      return { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: JSON.stringify(answer) };
    }
    if (request.method !== 'GET') return undefined;
    if (request.path === '/m') return html(200, CONSENT_PAGE);
    const account = accountFor(request, helpers);
    return account === undefined ? notFound(helpers) : postsPage(account, helpers);
  },

  // As from the EU: the channel redirects to the cookie consent page.
  loginWall(request, helpers) {
    const root = new URL(helpers.baseUrl).pathname;
    const back = encodeURIComponent(`https://www.youtube.com${request.path}?cbrd=1`);
    return { status: 302, headers: { location: `${root}/m?continue=${back}&gl=DE&m=0&pc=yt&cm=2&hl=en&src=1` }, body: '' };
  },

  // ytInitialData cut off mid-object: the script is a syntax error and the page sets nothing.
  malformed(request, helpers) {
    const account = accountFor(request, helpers) ?? [...helpers.network.accounts.values()][0];
    if (account === undefined) return notFound(helpers);
    const json = scriptJson(initialData(account, helpers));
    return html(200, shell(`${account.displayName} - YouTube`, `<script nonce="fXn0nce">var ytInitialData = ${json.slice(0, Math.floor(json.length / 2))};</script>`, helpers));
  },
};
