import type { FixtureHelpers, FixtureRequest, PlatformFixture } from '../fixture-server.js';
import type { FixtureAccount, FixturePost } from '../fixture-network.js';

/**
 * t.me's public channel preview for the fixture network: `/s/<channel>` lists the newest 10 messages
 * (t.me lists about 20), oldest first; `?before=<id>` lists the 10 just older than `<id>` and
 * `?after=<id>` the 10 just newer (an empty list when nothing is newer). As on t.me, a page with
 * older messages beyond it opens with a "more" link carrying `data-before`, and one with newer
 * messages beyond it ends with a link carrying `data-after`; `/<name>` is the account card.
 * Every channel opens with a "Channel created" service message (id 1). Besides the network:
 * - `nopreview`: a channel with the preview turned off (`/s/nopreview` redirects to its card);
 * - `gallery`: a media-only album, a video-only post and a post with emoji, formatting and entities;
 * - any other name redirects to t.me's bare "contact @name" page, as t.me does for names nobody holds.
 */

const PAGE_SIZE = 10;
const HTML_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'ALLOW-FROM https://web.telegram.org' };

/** A message as t.me renders it; network posts and the built-in channels both become these. */
interface Message {
  id: number;
  publishedAt: Date;
  /** Inner HTML of `.tgme_widget_message_text`, already escaped; undefined for a post with no text. */
  textHtml?: string;
  photos: string[];
  video?: string;
  forwardedFrom?: string;
  isService?: boolean;
}

interface Channel {
  handle: string;
  title: string;
  /** The channel's photo; none shows the title's initial instead, as t.me does. */
  avatarUrl?: string;
  messages: Message[];
}

/** The Telegram platform of the fixture server. */
export const telegramFixture: PlatformFixture = {
  platform: 'telegram',

  handle(request, helpers) {
    const preview = /^\/s\/([A-Za-z0-9_]+)\/?$/u.exec(request.path);
    if (preview !== null) {
      const name = preview[1] ?? '';
      const channel = channelOf(name, helpers);
      // t.me sends every name it will not preview to the name's card.
      if (channel === undefined) return { status: 302, headers: { location: `${helpers.baseUrl}/${name}`, 'content-type': 'text/html' }, body: '' };
      return { status: 200, headers: HTML_HEADERS, body: renderPreview(channel, request, helpers) };
    }
    const card = /^\/([A-Za-z0-9_]+)\/?$/u.exec(request.path);
    if (card !== null) {
      const name = card[1] ?? '';
      const title = name.toLowerCase() === 'nopreview' ? 'No Preview Channel' : channelOf(name, helpers)?.title;
      return { status: 200, headers: HTML_HEADERS, body: renderCard(name, title, helpers) };
    }
    return undefined;
  },

  loginWall() {
    // Telegram shows no login wall on /s/; a crawler meets a generic bot check in front of it instead.
    return {
      status: 200,
      headers: HTML_HEADERS,
      body: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Just a moment...</title>
<style>body{font-family:sans-serif;text-align:center;padding-top:10%}</style>
<script src="https://challenges.example/captcha/api.js" async defer></script></head>
<body><h1>Please verify you are human</h1><p>We have detected unusual activity from your network.</p>
<form id="challenge-form" action="/captcha/verify" method="post"><div class="g-recaptcha" data-sitekey="6LdFixtureSiteKey"></div>
<button type="submit">Continue</button></form></body></html>`,
    };
  },

  malformed(request, helpers) {
    const answer = telegramFixture.handle(request, helpers);
    if (answer === undefined || typeof answer.body !== 'string' || answer.status !== 200) {
      return { status: 200, headers: HTML_HEADERS, body: '<!DOCTYPE html><html><head><title>Telegram</title></head><body><div class="tgme_page' };
    }
    // Cut inside the newest message's text, as a dropped connection would.
    const cut = answer.body.lastIndexOf('tgme_widget_message_text');
    return { ...answer, body: answer.body.slice(0, cut === -1 ? answer.body.length >> 1 : cut + 60) };
  },
};

function channelOf(name: string, helpers: FixtureHelpers): Channel | undefined {
  const account = [...helpers.network.accounts.values()].find((candidate) => candidate.handle.toLowerCase() === name.toLowerCase());
  if (account !== undefined) return networkChannel(account, helpers);
  if (name.toLowerCase() === 'gallery') return galleryChannel(helpers);
  return undefined;
}

function networkChannel(account: FixtureAccount, helpers: FixtureHelpers): Channel {
  const oldest = account.posts.at(-1)?.publishedAt ?? new Date('2026-01-01T00:00:00Z');
  const messages: Message[] = [serviceMessage(new Date(oldest.getTime() - 86_400_000))];
  for (const post of [...account.posts].reverse()) messages.push(networkMessage(post, helpers));
  return { handle: account.handle, title: account.displayName, avatarUrl: account.avatarUrl ?? `${helpers.origin}/media/avatar-${account.handle}.jpg`, messages };
}

function networkMessage(post: FixturePost, helpers: FixtureHelpers): Message {
  return {
    id: post.id,
    publishedAt: post.publishedAt,
    textHtml: telegramTextHtml(post.text),
    photos: post.images.map((image) => helpers.mediaUrl(image)),
    ...(post.isRepost ? { forwardedFrom: post.originalAuthor ?? 'somebody_else' } : {}),
  };
}

function galleryChannel(helpers: FixtureHelpers): Channel {
  const at = (minutes: number) => new Date(Date.parse('2026-11-01T09:00:00Z') + minutes * 60_000);
  return {
    handle: 'gallery',
    title: 'Gallery & Co',
    messages: [
      serviceMessage(at(0)),
      { id: 2, publishedAt: at(10), photos: [helpers.mediaUrl({ id: 'gallery-1' }), helpers.mediaUrl({ id: 'gallery-2' })] },
      { id: 3, publishedAt: at(20), photos: [], video: `${helpers.origin}/media/gallery-clip.mp4` },
      {
        id: 4,
        publishedAt: at(30),
        photos: [],
        textHtml: `Launch day <i class="emoji" style="background-image:url('//telegram.org/img/emoji/40/F09F9A80.png')"><b>🚀</b></i><br/><b>Bold</b> &amp; <a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener">a link</a> — &quot;quoted&quot; &#39;single&#39; &lt;tag&gt; &#x41;&#66;`,
      },
    ],
  };
}

function serviceMessage(publishedAt: Date): Message {
  return { id: 1, publishedAt, textHtml: 'Channel created', photos: [], isService: true };
}

/** Escapes text as t.me does, links hashtags (`#acme` of `#acme-1003`: Telegram tags stop at `-`) and draws emoji as images. */
function telegramTextHtml(text: string): string {
  return text
    .split(/(#[\p{L}\p{N}_]+)/u)
    .map((part, index) => {
      if (index % 2 === 1) return `<a href="?q=${encodeURIComponent(part)}">${escapeHtml(part)}</a>`;
      return escapeHtml(part)
        .replace(/\n/gu, '<br/>')
        .replace(/\p{Extended_Pictographic}\uFE0F?/gu, (emoji) => {
          const hex = Buffer.from(emoji).toString('hex').toUpperCase();
          return `<i class="emoji" style="background-image:url('//telegram.org/img/emoji/40/${hex}.png')"><b>${emoji}</b></i>`;
        });
    })
    .join('');
}

function escapeHtml(text: string): string {
  return text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;').replace(/'/gu, '&#39;');
}

/** The messages a preview request lists, oldest first: the newest page, or the page just before or after an id. */
function pageOf(channel: Channel, request: FixtureRequest): Message[] {
  const idParam = (name: string): number | undefined => {
    const value = Number(request.query.get(name) ?? Number.NaN);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const [before, after] = [idParam('before'), idParam('after')];
  if (before !== undefined) return channel.messages.filter((message) => message.id < before).slice(-PAGE_SIZE);
  if (after !== undefined) return channel.messages.filter((message) => message.id > after).slice(0, PAGE_SIZE);
  return channel.messages.slice(-PAGE_SIZE);
}

function renderPreview(channel: Channel, request: FixtureRequest, helpers: FixtureHelpers): string {
  const page = pageOf(channel, request);
  const oldestShown = page[0]?.id;
  const newestShown = page.at(-1)?.id;
  const olderId = oldestShown !== undefined && channel.messages.some((message) => message.id < oldestShown) ? oldestShown : undefined;
  const newerId = newestShown !== undefined && channel.messages.some((message) => message.id > newestShown) ? newestShown : undefined;
  const base = helpers.baseUrl;
  const moreLink = (direction: 'before' | 'after', id: number): string =>
    `<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="${base}/s/${channel.handle}?${direction}=${id}" class="tme_messages_more js-messages_more" data-${direction}="${id}"></a></div>`;
  const more = olderId === undefined ? '' : moreLink('before', olderId);
  const newer = newerId === undefined ? '' : moreLink('after', newerId);
  return `<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(channel.title)} – Telegram</title>
    <meta name="viewport" content="width=device-width, initial-scale=1.0, minimum-scale=1.0, maximum-scale=1.0, user-scalable=no" />
    <meta property="og:title" content="${escapeHtml(channel.title)}">
    <meta property="og:image" content="${channel.avatarUrl ?? 'https://telegram.org/img/t_logo.png'}">
    <meta property="og:site_name" content="Telegram">
    <meta property="og:description" content="News &amp; notes from ${escapeHtml(channel.title)}">
    <link rel="canonical" href="${base}/s/${channel.handle}"/>
    ${olderId === undefined ? '' : `<link rel="prev" href="${base}/s/${channel.handle}?before=${olderId}">`}${newerId === undefined ? '' : `<link rel="next" href="${base}/s/${channel.handle}?after=${newerId}">`}
    <link href="//telegram.org/css/font-roboto.css?1" rel="stylesheet" type="text/css">
    <link href="//telegram.org/css/widget-frame.css?71" rel="stylesheet" media="screen">
    <style>.tgme_widget_message_text a { color: #168acd; } .emoji { display: inline-block; width: 20px; }</style>
    <script>TBaseUrl='/';</script>
  </head>
  <body class="widget_frame_base tgme_webpreview emoji_image" dir="auto">
    <header class="tgme_header search_collapsed"><div class="tgme_header_search"><form class="tgme_header_search_form" action="" method="get"><input type="text" class="tgme_header_search_form_input js-header_search" name="q" placeholder="Search" autocomplete="off"></form></div>
      <div class="tgme_header_right_column"><a class="tgme_header_link" href="${base}/${channel.handle}">Context</a></div></header>
    <main class="tgme_main" data-url="/s/${channel.handle}">
      <div class="tgme_container">
        <section class="tgme_channel_history js-message_history">
          ${more}
          ${page.map((message) => renderMessage(channel, message, helpers)).join('\n          ')}
          ${newer}
        </section>
      </div>
    </main>
    <div class="tgme_channel_info">
      <div class="tgme_channel_info_header"><i class="tgme_page_photo_image bgcolor2" data-content="${escapeHtml(channel.title.slice(0, 1))}">${channel.avatarUrl === undefined ? '' : `<img src="${escapeHtml(channel.avatarUrl)}">`}</i>
        <div class="tgme_channel_info_header_title"><span dir="auto">${escapeHtml(channel.title)}</span></div>
        <div class="tgme_channel_info_header_username"><a href="${base}/${channel.handle}">@${channel.handle}</a></div></div>
      <div class="tgme_channel_info_counters"><div class="tgme_channel_info_counter"><span class="counter_value">1.2K</span> <span class="counter_type">subscribers</span></div></div>
    </div>
    <script src="//telegram.org/js/widget-frame.js?65"></script>
    <script>ajInit({version:'2f4b0e81', apiUrl:'/api?hash=0fd1a2', unsupported: false});</script>
  </body>
</html>
`;
}

function renderMessage(channel: Channel, message: Message, helpers: FixtureHelpers): string {
  const base = helpers.baseUrl;
  const datetime = message.publishedAt.toISOString().replace(/\.\d{3}Z$/u, '+00:00');
  const time = `<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="${base}/${channel.handle}/${message.id}"><time datetime="${datetime}" class="time">${datetime.slice(11, 16)}</time></a></span>`;
  const serviceClass = message.isService === true ? ' service_message' : '';
  const forwarded =
    message.forwardedFrom === undefined
      ? ''
      : `<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class="tgme_widget_message_forwarded_from_name" href="${base}/${message.forwardedFrom}/77"><span dir="auto">${escapeHtml(message.forwardedFrom)}</span></a></div>`;
  const text = message.textHtml === undefined ? '' : `<div class="tgme_widget_message_text js-message_text" dir="auto">${message.textHtml}</div>`;
  return `<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message${serviceClass}" data-post="${channel.handle}/${message.id}" data-view="eyJjIjotMTAwMTIzNDU2Nzg5LCJwIjoxMDAzfQ" data-peer-hash="8d2ba7c1e0">
  <div class="tgme_widget_message_user"><a href="${base}/${channel.handle}"><i class="tgme_widget_message_user_photo bgcolor2" style="background-color:#8e85ee" data-content="${escapeHtml(channel.title.slice(0, 1))}">${channel.avatarUrl === undefined ? '' : `<img src="${escapeHtml(channel.avatarUrl)}">`}</i></a></div>
  <div class="tgme_widget_message_bubble"><i class="tgme_widget_message_bubble_tail"><svg class="bubble_icon" width="11px" height="20px" viewBox="0 0 11 20"><g fill="none"><path d="M6,17 C6.7,17 9.2,18.1 11,20 L0,20 C3.4,18.4 6,17 6,17 Z" fill="#FFFFFF"></path></g></svg></i>
    <div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="${base}/${channel.handle}"><span dir="auto">${escapeHtml(channel.title)}</span></a></div>
    ${forwarded}${photosHtml(channel, message, base)}${videoHtml(message)}${text}
    <div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_views">${(message.id % 97) * 13}</span><span class="copyonly"> views</span>${time}</div></div>
  </div>
</div></div>`;
}

function photosHtml(channel: Channel, message: Message, base: string): string {
  const photo = (url: string, index: number, extraClass: string) =>
    `<a class="tgme_widget_message_photo_wrap${extraClass} 54389${message.id}${index}" href="${base}/${channel.handle}/${message.id}?single" style="width:800px;background-image:url('${url}')"><div class="tgme_widget_message_photo" style="padding-top:75%"></div></a>`;
  if (message.photos.length === 0) return '';
  if (message.photos.length === 1) return photo(message.photos[0] ?? '', 0, '');
  const layer = message.photos.map((url, index) => photo(url, index, ' grouped_media_wrap blured js-message_photo')).join('');
  return `<div class="tgme_widget_message_grouped_wrap js-message_grouped_wrap" data-margin-w="2" data-margin-h="2" style="width:453px;"><div class="tgme_widget_message_grouped js-message_grouped" style="padding-top:66.887%"><div class="tgme_widget_message_grouped_layer js-message_grouped_layer" style="width:453px;height:303px">${layer}</div></div></div>`;
}

function videoHtml(message: Message): string {
  if (message.video === undefined) return '';
  return `<a class="tgme_widget_message_video_player js-message_video_player" href="#"><i class="tgme_widget_message_video_thumb" style="background-image:url('${message.video.replace(/\.mp4$/u, '-thumb.jpg')}')"></i><div class="tgme_widget_message_video_wrap"><video src="${message.video}" class="tgme_widget_message_video js-message_video" width="100%" height="100%"></video></div><div class="message_video_play"></div><time class="message_video_duration js-message_video_duration">0:12</time></a>`;
}

function renderCard(name: string, title: string | undefined, helpers: FixtureHelpers): string {
  // Names nobody holds get the same page without a card: no photo, no title, only the contact line.
  const card =
    title === undefined
      ? `<div class="tgme_page_description">If you have <strong>Telegram</strong>, you can contact <a class="tgme_username_link" href="tg://resolve?domain=${name}">@${escapeHtml(name)}</a> right away.</div>`
      : `<div class="tgme_page_photo"><a href="tg://resolve?domain=${name}"><img class="tgme_page_photo_image" src="${helpers.origin}/media/avatar-${name}.jpg"></a></div>
        <div class="tgme_page_title"><span dir="auto">${escapeHtml(title)}</span></div>
        <div class="tgme_page_extra">1 234 subscribers</div>
        <div class="tgme_page_description">Company news, only in the app.</div>`;
  return `<!DOCTYPE html>
<html>
  <head><meta charset="utf-8"><title>Telegram: Contact @${escapeHtml(name)}</title>
    <meta property="og:title" content="${escapeHtml(title ?? `Telegram: Contact @${name}`)}"><meta property="og:site_name" content="Telegram">
    <link href="//telegram.org/css/telegram.css?243" rel="stylesheet" media="screen"></head>
  <body class="no_transition">
    <div class="tgme_page_wrap"><div class="tgme_head_wrap"><div class="tgme_head"><a href="//telegram.org/" class="tgme_head_brand"><i class="tgme_logo"></i></a></div></div>
      <div class="tgme_body_wrap"><div class="tgme_page">
        ${card}
        <div class="tgme_page_action"><a class="tgme_action_button_new shine" href="tg://resolve?domain=${name}">View in Telegram</a></div>
      </div></div></div>
    <script type="text/javascript">var protoUrl = "tg:\\/\\/resolve?domain=${name}";</script>
  </body>
</html>
`;
}
