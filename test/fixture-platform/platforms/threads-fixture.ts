import type { FixtureHelpers, FixtureResponse, PlatformFixture } from '../fixture-server.js';
import type { FixtureAccount, FixtureImage, FixturePost } from '../fixture-network.js';

/**
 * Threads' public profile page (`/@<name>`) for the fixture network, as a logged-out visitor gets
 * it: a React page whose server HTML carries the first batch of posts (10 here) in
 * `<script type="application/json" data-sjs>` Relay payloads, the same posts rendered with
 * generated class names, and a "Log in to see more" prompt below them. There is no next page.
 * Reposts carry the original in `text_post_app_info.share_info.reposted_post`; posts with two
 * pictures are carousels. Unknown names get Threads' "Sorry, this page isn't available." (404).
 */

const FIRST_BATCH = 10;
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'private, no-cache, no-store, must-revalidate',
  'x-fb-debug': 'fixtureDebugToken==',
  'cross-origin-opener-policy': 'same-origin-allow-popups',
};
// Instagram's shortcode alphabet: a post's `code` is its numeric id in base 64.
const SHORTCODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The Threads platform of the fixture server. */
export const threadsFixture: PlatformFixture = {
  platform: 'threads',

  handle(request, helpers) {
    if (/^\/(?:accounts\/)?login\/?$/u.test(request.path)) return loginPage();
    const profile = /^\/@([A-Za-z0-9._]+)\/?$/u.exec(request.path);
    if (profile === null) return undefined;
    const name = profile[1] ?? '';
    const account = helpers.network.accounts.get(name);
    if (account === undefined) return notFoundPage();
    return { status: 200, headers: HTML_HEADERS, body: renderProfile(account, helpers) };
  },

  loginWall() {
    return loginPage();
  },

  malformed(request, helpers) {
    const answer = threadsFixture.handle(request, helpers);
    if (answer === undefined || typeof answer.body !== 'string' || answer.status !== 200) {
      return { status: 200, headers: HTML_HEADERS, body: '<!DOCTYPE html><html><head><script type="application/json" data-sjs>{"require":[["ScheduledServerJS"' };
    }
    // The posts block cut in the middle of a post, as a dropped connection leaves it.
    const start = answer.body.indexOf('"thread_items"');
    return { ...answer, body: answer.body.slice(0, start === -1 ? answer.body.length >> 1 : start + 400) };
  },
};

function renderProfile(account: FixtureAccount, helpers: FixtureHelpers): string {
  const userPk = numericId(account.handle, 60_000_000_000n);
  const posts = account.posts.slice(0, FIRST_BATCH);
  const edges = posts.map((post) => ({
    node: {
      thread_items: [
        {
          post: threadsPost(account, post, userPk, helpers),
          line_type: 'none',
          view_replies_cta_string: null,
          reply_facepile_users: [],
          should_show_replies_cta: false,
          can_inline_expand_below: false,
          __typename: 'XDTThreadItem',
        },
      ],
      thread_type: 'thread',
      header: null,
      id: postPk(account, post),
      __typename: 'XDTThread',
    },
    cursor: `QVFIUl${post.id.toString(36)}Rm9fNjZ`,
    __typename: 'XDTUserTextPostsResponseEdge',
  }));
  const feed = preloader('adp_BarcelonaProfileThreadsTabQueryRelayPreloader_6745b9c1e3a2c0e47', {
    data: { mediaData: { edges, page_info: { end_cursor: 'QVFIUkZfNzlz', has_next_page: true } } },
    extensions: { is_final: true },
  });
  const profile = preloader('adp_BarcelonaProfileRootQueryRelayPreloader_6745b9c1e2f5d6a81', {
    data: {
      user: {
        pk: userPk,
        id: null,
        username: account.handle,
        full_name: account.displayName,
        biography: 'Posts from the fixture network & friends <3',
        follower_count: 1_234,
        is_verified: false,
        profile_pic_url: `${helpers.origin}/media/avatar-${account.handle}.jpg`,
      },
    },
    extensions: { is_final: true },
  });
  const rendered = posts.map((post) => renderPostMarkup(account, post)).join('\n');
  return `<!DOCTYPE html><html id="facebook" class="_9dls" lang="en" dir="ltr"><head><meta charset="utf-8">
<title>${escapeHtml(account.displayName)} (&#064;${account.handle}) &#x2022; Threads, Say more</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="${escapeHtml(account.displayName)} (&#064;${account.handle}) on Threads">
<link rel="manifest" href="/data/manifest.json" crossorigin="use-credentials">
<style nonce="Fx1">._9dls{--fds-black:#000;--always-white:#fff}.x1lliihq{display:block}.x1a6qonq{white-space:pre-wrap}</style>
<script nonce="Fx1">requireLazy(["TimeSliceImpl","ServerJS"],function(TimeSlice,ServerJS){var s=(new ServerJS());s.handle({"define":[["BarcelonaSiteConfig",[],{"is_prod":true},1]]});});</script>
${sjsBlock({ require: [['ScheduledServerJS', 'handle', null, [{ __bbox: { define: [['CurrentUserInitialData', [], { ACCOUNT_ID: '0', USER_ID: '0', NAME: '', SHORT_NAME: null, IS_BUSINESS_PERSON_ACCOUNT: false, APP_ID: '238260118697367' }, 270]] } }]]] })}
</head><body class="_app _a3wf system-fonts--body segoe">
<div id="barcelona-header" class="x78zum5 xdt5ytf"><a href="/" aria-label="Threads"><svg aria-label="Threads" viewBox="0 0 192 192"><path d="M141.5 88.9"></path></svg></a>
<a class="x1i10hfl xjbqb8w" href="/login?show_choice_screen=false" role="link">Log in</a></div>
<div role="main" class="x1n2onr6 x1ja2u2z"><div class="x6s0dn4 x78zum5"><h1 class="x1lliihq x1plvlek" dir="auto">${escapeHtml(account.displayName)}</h1>
<span class="x1lliihq x193iq5w" dir="auto">${account.handle}</span><span class="x1lliihq">threads.net</span></div>
<div class="x78zum5 xdt5ytf" role="tablist"><div role="tab" aria-selected="true">Threads</div><div role="tab">Replies</div><div role="tab">Reposts</div></div>
${rendered}
<div class="x1yztbdb"><span dir="auto">Log in to see more from ${account.handle}.</span> <a href="/login?show_choice_screen=false">Log in with Instagram</a></div>
</div>
${sjsBlock(profile)}
${sjsBlock(feed)}
<script nonce="Fx1">requireLazy(["Run"],function(Run){Run.onAfterLoad(function(){window.__barcelonaLoaded=true;});});</script>
</body></html>`;
}

function threadsPost(account: FixtureAccount, post: FixturePost, userPk: string, helpers: FixtureHelpers): Record<string, unknown> {
  const pk = postPk(account, post);
  const takenAt = Math.floor(post.publishedAt.getTime() / 1_000);
  const own = { username: account.handle, pk: userPk, id: null, is_verified: false, profile_pic_url: `${helpers.origin}/media/avatar-${account.handle}.jpg` };
  if (!post.isRepost) {
    return { ...postBody(pk, userPk, takenAt, post.text, post.images, helpers), user: own, text_post_app_info: appInfo(null) };
  }
  // A repost is the profile's own entry (its own pk and time) with no text or media; the
  // original, by someone else and a day older, is inside.
  const author = post.originalAuthor ?? 'somebody_else';
  const originalUserPk = numericId(author, 50_000_000_000n);
  const originalPk = (BigInt(pk) - 86_400_000n).toString();
  const original = {
    ...postBody(originalPk, originalUserPk, takenAt - 86_400, post.text, post.images, helpers),
    user: { username: author, pk: originalUserPk, id: null, is_verified: true, profile_pic_url: `${helpers.origin}/media/avatar-${author}.jpg` },
    text_post_app_info: appInfo(null),
  };
  return { ...postBody(pk, userPk, takenAt, undefined, [], helpers), user: own, text_post_app_info: appInfo(original) };
}

function postBody(pk: string, userPk: string, takenAt: number, text: string | undefined, images: FixtureImage[], helpers: FixtureHelpers) {
  const pictures = images.map((image) => ({
    image_versions2: { candidates: imageCandidates(image, helpers) },
    original_width: 1080,
    original_height: 1350,
    video_versions: null,
    accessibility_caption: image.alt ?? null,
    pk: `${pk}${images.indexOf(image)}`,
    __typename: 'XDTMediaDict',
  }));
  return {
    pk,
    id: `${pk}_${userPk}`,
    code: shortcode(BigInt(pk)),
    caption: text === undefined ? null : { text, pk: `${pk}9` },
    caption_is_edited: false,
    taken_at: takenAt,
    like_count: Number(BigInt(pk) % 97n),
    image_versions2: { candidates: pictures[0]?.image_versions2.candidates ?? [] },
    original_width: 612,
    original_height: 612,
    video_versions: null,
    carousel_media: pictures.length > 1 ? pictures : null,
    carousel_media_count: pictures.length > 1 ? pictures.length : null,
    accessibility_caption: pictures.length === 1 ? (images[0]?.alt ?? null) : null,
    has_audio: null,
    media_overlay_info: null,
    giphy_media_info: null,
  };
}

function appInfo(reposted: Record<string, unknown> | null) {
  return {
    is_post_unavailable: false,
    share_info: { quoted_post: null, reposted_post: reposted, is_reposted_by_viewer: false, repost_restricted_reason: null },
    reply_to_author: null,
    direct_reply_count: 2,
    link_preview_attachment: null,
  };
}

function imageCandidates(image: FixtureImage, helpers: FixtureHelpers) {
  const full = helpers.mediaUrl(image);
  // Smaller renditions first, as Threads lists them: the widest is the original picture.
  return [
    { url: `${full}?stp=dst-jpg_e35_s320x320_tt6&_nc_ht=scontent.cdninstagram.com`, width: 320, height: 400, __typename: 'XDTImageCandidate' },
    { url: full, width: 1080, height: 1350, __typename: 'XDTImageCandidate' },
    { url: `${full}?stp=dst-jpg_e35_s640x640_tt6&_nc_ht=scontent.cdninstagram.com`, width: 640, height: 800, __typename: 'XDTImageCandidate' },
  ];
}

function renderPostMarkup(account: FixtureAccount, post: FixturePost): string {
  const code = shortcode(BigInt(postPk(account, post)));
  const header = post.isRepost ? `<div class="x1lliihq"><span dir="auto">${account.handle} reposted</span></div>` : '';
  const text = escapeHtml(post.text).replace(/\n/gu, '<br>');
  return `<div class="x78zum5 xdt5ytf x1iyjqo2" data-pressable-container="true">${header}
<div class="x6s0dn4 x78zum5"><a href="/@${post.isRepost ? (post.originalAuthor ?? 'somebody_else') : account.handle}/post/${code}" role="link"><time class="x1rg5ohu" datetime="${post.publishedAt.toISOString()}">${shortDate(post.publishedAt)}</time></a></div>
<div class="x1a6qonq x6ikm8r x10wlt62 xj0a0fe x126k92a"><span class="x1lliihq x1plvlek xryxfnj" dir="auto">${text}</span></div>
<div class="x4vbgl9"><div role="button" aria-label="Like">Like</div><div role="button" aria-label="Reply">Reply</div><div role="button" aria-label="Repost">Repost</div></div></div>`;
}

function loginPage(): FixtureResponse {
  return {
    status: 200,
    headers: HTML_HEADERS,
    body: `<!DOCTYPE html><html id="facebook" lang="en" dir="ltr"><head><meta charset="utf-8"><title>Threads &#x2022; Log in</title>
<style nonce="Fx1">.x1lliihq{display:block}</style>
${sjsBlock({ require: [['ScheduledServerJS', 'handle', null, [{ __bbox: { define: [['CurrentUserInitialData', [], { ACCOUNT_ID: '0', USER_ID: '0' }, 270]] } }]]] })}
</head><body class="_app"><div role="main" class="x1n2onr6"><div class="x6s0dn4 x78zum5 xdt5ytf">
<h1 class="x1lliihq" dir="auto">Log in or sign up for Threads</h1>
<span dir="auto">See what people are talking about and join the conversation.</span>
<a href="/login?show_choice_screen=false" role="link" class="x1i10hfl">Continue with Instagram</a>
<a href="/login/" role="link" class="x1i10hfl">Log in with username instead</a></div></div></body></html>`,
  };
}

function notFoundPage(): FixtureResponse {
  return {
    status: 404,
    headers: HTML_HEADERS,
    body: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Threads</title></head><body class="_app">
<div role="main"><h1 dir="auto">Sorry, this page isn't available.</h1><span dir="auto">The link you followed may be broken, or the page may have been removed.</span>
<a href="/">Go back to Threads</a></div></body></html>`,
  };
}

function preloader(queryId: string, result: unknown): unknown {
  return {
    require: [['ScheduledServerJS', 'handle', null, [{ __bbox: { require: [['RelayPrefetchedStreamCache', 'next', [], [queryId, { __bbox: { complete: true, result, sequence_number: 0 } }]]] } }]]],
  };
}

/** A `data-sjs` block; `<`, `>`, `&` and the JS line separators escaped, as Meta's serializer does. */
function sjsBlock(data: unknown): string {
  const json = JSON.stringify(data)
    .replace(/</gu, '\\u003C')
    .replace(/>/gu, '\\u003E')
    .replace(/&/gu, '\\u0026')
    .replace(/\u2028/gu, '\\u2028')
    .replace(/\u2029/gu, '\\u2029');
  return `<script type="application/json" data-content-len="${json.length}" data-sjs>${json}</script>`;
}

function postPk(account: FixtureAccount, post: FixturePost): string {
  return (BigInt(numericId(account.handle, 3_400_000_000_000_000_000n)) + BigInt(post.id) * 1_000_003n).toString();
}

/** A stable number for `name`, at least `floor`, so every run renders the same ids. */
function numericId(name: string, floor: bigint): string {
  let hash = 7n;
  for (const char of name) hash = (hash * 131n + BigInt(char.codePointAt(0) ?? 0)) % 1_000_000_007n;
  return (floor + hash * 1_000n).toString();
}

function shortcode(id: bigint): string {
  let code = '';
  for (let rest = id; rest > 0n; rest /= 64n) code = `${SHORTCODE_ALPHABET[Number(rest % 64n)] ?? 'A'}${code}`;
  return code;
}

function shortDate(at: Date): string {
  const date = at.toISOString().slice(0, 10).split('-');
  return `${date[1] ?? ''}/${date[2] ?? ''}/${(date[0] ?? '').slice(2)}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;').replace(/'/gu, '&#039;');
}
