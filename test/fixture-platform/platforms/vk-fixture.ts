import type { FixtureAccount, FixturePost } from '../fixture-network.js';
import type { FixtureHelpers, FixtureResponse, PlatformFixture } from '../fixture-server.js';

/**
 * VK public walls as a visitor who is not logged in sees them: desktop HTML in windows-1251 (as
 * vk.com serves it), ten posts a page with `?offset=N`, a sidebar login form (noise, not a wall),
 * "Показать полностью…" expanders with the rest in a hidden span, replies, reposts and photos.
 * Characters windows-1251 lacks (Greek, Polish, emoji) are numeric character references, as VK sends them.
 */

/** Page names with VK's notices instead of a wall. */
export const VK_NOTICE_PAGES = {
  blocked: 'blocked_club',
  closed: 'closed_club',
  deleted: 'id999999999',
} as const;

const PAGE_SIZE = 10;
const MONTHS = ['янв', 'фев', 'мар', 'апр', 'мая', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];
const MOSCOW_OFFSET_MS = 3 * 3_600_000;

// windows-1251 from Node's own decoder, inverted: every byte's character maps back to the byte.
const WINDOWS_1251 = (() => {
  const decoder = new TextDecoder('windows-1251');
  const table = new Map<string, number>();
  for (let byte = 0; byte < 256; byte += 1) {
    const char = decoder.decode(Uint8Array.of(byte));
    if (!table.has(char)) table.set(char, byte);
  }
  return table;
})();

/** The bytes of `html` in windows-1251; other characters become `&#N;`, as a 1251 page must send them. */
export function encodeWindows1251(html: string): Buffer {
  const bytes: number[] = [];
  for (const char of html) {
    const byte = WINDOWS_1251.get(char);
    if (byte !== undefined) bytes.push(byte);
    else for (const ascii of `&#${char.codePointAt(0) ?? 63};`) bytes.push(ascii.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

/** The numeric community id the fixture gives an account (`club<id>`, owner id `-<id>`). */
export function vkCommunityId(helpers: Pick<FixtureHelpers, 'network'>, handle: string): number {
  return 200_001 + [...helpers.network.accounts.keys()].indexOf(handle);
}

const escapeHtml = (text: string) => text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;').replace(/"/gu, '&quot;');

const html1251 = (status: number, html: string, headers: Record<string, string> = {}): FixtureResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=windows-1251', 'x-frame-options': 'DENY', ...headers },
  body: encodeWindows1251(html),
});

const moscowDate = (date: Date) => {
  const local = new Date(date.getTime() + MOSCOW_OFFSET_MS);
  const time = `${local.getUTCHours()}:${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return `${local.getUTCDate()} ${MONTHS[local.getUTCMonth()] ?? ''} ${local.getUTCFullYear()} в ${time}`;
};

/** Text as VK marks it up: escaped, `<br>` for line breaks, the account's hashtag as a search link. */
function textHtml(text: string, handle: string, root: string): string {
  return escapeHtml(text)
    .split('\n')
    .join('<br>')
    .replace(`#${handle}`, `<a href="${root}/feed?section=search&amp;q=%23${handle}">#${handle}</a>`);
}

function postTextHtml(text: string, handle: string, root: string): string {
  // Long texts are cut at a space before the tag: the rest waits in a hidden span behind the expander.
  const cut = text.lastIndexOf(' ', Math.min(60, text.indexOf(`#${handle}`)));
  if (text.length < 80 || cut <= 0) return `<div class="wall_post_text">${textHtml(text, handle, root)}</div>`;
  return (
    `<div class="wall_post_text">${textHtml(text.slice(0, cut), handle, root)}` +
    `<a class="wall_post_more" onclick="hide(this, domPS(this)); show(domNS(this));">Показать полностью…</a>` +
    `<span style="display: none">${textHtml(text.slice(cut), handle, root)}</span></div>`
  );
}

function mediaHtml(post: FixturePost, ownerId: string, helpers: FixtureHelpers): string {
  if (post.images.length === 0) return '';
  const thumbs = post.images.map((image, index) => {
    const url = helpers.mediaUrl(image);
    const photo = `${ownerId}_${457_239_000 + Number(image.id.replace(/\D/gu, ''))}`;
    // The first photo as an <img> with a protocol-relative src, later ones as CSS backgrounds.
    if (index === 0) {
      return `<a href="${new URL(helpers.baseUrl).pathname}/photo${photo}" class="page_post_thumb_wrap image_cover page_post_thumb_last_row" data-photo-id="${photo}"><img class="page_post_thumb_img" src="${url.replace(/^https?:/u, '')}" alt="${escapeHtml(image.alt ?? '')}"></a>`;
    }
    return `<a href="${new URL(helpers.baseUrl).pathname}/photo${photo}" onclick="return showPhoto('${photo}', 'wall${ownerId}', {}, event)" style="width: 253px; height: 170px;background-image: url(${url});" class="page_post_thumb_wrap image_cover page_post_thumb_last_column" data-photo-id="${photo}" aria-label="фотография"></a>`;
  });
  return `<div class="page_post_sized_thumbs clear_fix" style="width: 510px; height: 340px;">${thumbs.join('')}</div>`;
}

function postHtml(post: FixturePost, account: FixtureAccount, ownerId: number, helpers: FixtureHelpers): string {
  const root = new URL(helpers.baseUrl).pathname;
  const id = `-${ownerId}_${post.id}`;
  const time = Math.floor(post.publishedAt.getTime() / 1_000);
  const header = `<div class="post_header"><a class="post_image" href="${root}/${account.handle}"><img src="${helpers.origin}/media/avatar-${ownerId}.jpg" width="40" height="40" class="post_img" alt="${escapeHtml(account.displayName)}"></a>
<div class="post_header_info"><h5 class="post_author"><a class="author" href="${root}/${account.handle}" data-from-id="-${ownerId}" data-post-id="${id}">${escapeHtml(account.displayName)}</a></h5>
<div class="post_date"><a class="post_link" href="${root}/wall${id}" onclick="return showWiki({w: 'wall${id}'}, false, event);"><span class="rel_date" time="${time}">${moscowDate(post.publishedAt)}</span></a></div></div></div>`;
  const body = post.isRepost
    ? `<div class="copy_quote"><div class="copy_post_header"><a class="copy_post_image" href="${root}/${post.originalAuthor ?? 'somebody'}"><img class="copy_post_img" src="${helpers.origin}/media/avatar-copy.jpg" alt=""></a>
<div class="copy_post_header_info"><div class="copy_post_author"><a class="copy_author" href="${root}/${post.originalAuthor ?? 'somebody'}" data-post-id="-7_${post.id}">${escapeHtml(post.originalAuthor ?? '')}</a></div>
<div class="copy_post_date"><a class="published_by_date" href="${root}/wall-7_${post.id}"><span class="rel_date">${moscowDate(new Date(post.publishedAt.getTime() - 86_400_000))}</span></a></div></div></div>
<div class="wall_post_cont">${postTextHtml(post.text, account.handle, root)}${mediaHtml(post, '-7', helpers)}</div></div>`
    : `${postTextHtml(post.text, account.handle, root)}${mediaHtml(post, `-${ownerId}`, helpers)}`;
  const replies =
    post.id % 2 === 0
      ? `<div class="replies"><div class="replies_wrap clear" id="replies_wrap${id}"><div class="wall_replies">
<div id="post-${ownerId}_${post.id + 1}" class="reply reply_dived clear _post" data-post-id="-${ownerId}_${post.id + 1}"><div class="reply_wrap"><a class="author" href="${root}/id42">Иван Петров</a>
<div class="reply_text"><div class="wall_reply_text">Поздравляю! &#128077; Ждём новостей.</div></div>
<a class="page_post_thumb_wrap" style="background-image: url(${helpers.origin}/media/reply-${post.id}.jpg);"></a>
<div class="reply_date"><a class="wd_lnk" href="${root}/wall${id}?reply=${post.id + 1}"><span class="rel_date" time="${time + 60}">сегодня в 12:01</span></a></div></div></div></div></div></div>`
      : '';
  return `<div id="post${id}" class="_post post page_block all own post--with-likes deep_active" data-post-id="${id}" onclick="wall.postClickDebounced(this, '${id}', event, {skipCheck: true});">
<div class="_post_content">${header}
<div class="post_content"><div class="post_info"><div class="wall_text"><div id="wpt${id}" class="wall_post_cont _wall_post_cont">${body}</div></div>
<div class="like_wrap _like_wall${id}"><div class="like_cont"><div class="like_btns"><a class="like_btn like _like" onclick="Likes.toggle(this, event, 'wall${id}', 'a1b2');" data-count="${post.id % 17}" href="#" title="Нравится"><div class="like_button_icon"></div><div class="like_button_count">${post.id % 17}</div></a></div><div class="like_views _views" title="${post.id} просмотров">${post.id}</div></div></div>
</div></div>${replies}</div></div>`;
}

function layout(title: string, content: string, helpers: FixtureHelpers, overlay = ''): string {
  const root = new URL(helpers.baseUrl).pathname;
  return `<!DOCTYPE html>
<html prefix="og: http://ogp.me/ns#" lang="ru" dir="ltr">
<head>
<meta http-equiv="content-type" content="text/html; charset=windows-1251">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>${escapeHtml(title)} | ВКонтакте</title>
<link rel="shortcut icon" href="${root}/images/icons/favicons/fav_logo.ico?6">
<style>body{font-family:-apple-system,BlinkMacSystemFont,Roboto,"Open Sans","Helvetica Neue",sans-serif;font-size:13px;background:#edeef0}.page_block{background:#fff;border-radius:8px;margin-bottom:15px}#box_layer_wrap{display:none}.wall_post_more{color:#2a5885;cursor:pointer}</style>
<script type="text/javascript">var vk = {ads_rotate_interval: 120000, al: parseInt('4') || 4, id: 0, host: 'vk.com', lang: 0, rtl: 0, version: 9256143, zero: false, loginscheme: 'https', ip_h: '0a1b2c3d4e5f', navPrefix: '/', ts: 1763640000, tz: 10800};
var wall = {postClickDebounced: function () { return false; }, showMore: function () { return false; }};
function hide(el) { el.style.display = 'none'; } function show(el) { el.style.display = ''; }
function domPS(el) { return el.previousSibling; } function domNS(el) { return el.nextSibling; }
var Likes = {toggle: function () { return false; }}; function showWiki() { return false; } function showPhoto() { return false; }</script>
</head>
<body class="web_redesign">
<div id="system_msg" class="fixed"></div><div id="utils"></div>
<div id="box_layer_bg" class="fixed"></div><div id="box_layer_wrap" class="scroll_fix_wrap fixed"${overlay === '' ? '' : ' style="display: block"'}><div id="box_layer">${overlay}</div></div>
<div class="scroll_fix_wrap _page_wrap" id="page_wrap"><div class="scroll_fix">
<div id="page_header_cont" class="page_header_cont"><div id="page_header" class="p_head"><div id="top_nav" class="head_nav">
<a class="top_home_link fl_l" href="${root}/" aria-label="На главную"><div class="top_home_logo"></div></a>
<input type="text" class="text ts_input" id="ts_input" autocomplete="off" placeholder="Поиск" aria-label="Поиск">
<a class="top_nav_link" href="${root}/join" id="top_reg_link">Регистрация</a></div></div></div>
<div id="side_bar" class="side_bar fl_l"><div id="side_bar_inner"><div id="quick_login" class="quick_login">
<form method="POST" name="login" id="quick_login_form" action="https://login.vk.com/?act=login"><input type="hidden" name="act" value="login"><input type="hidden" name="role" value="al_frame">
<div class="label">Телефон или email</div><div class="labeled"><input type="text" name="email" class="dark" id="quick_email"></div>
<div class="label">Пароль</div><div class="labeled"><input type="password" name="pass" class="dark" id="quick_pass"></div></form>
<button class="quick_login_button flat_button button_wide" id="quick_login_button">Войти</button>
<button class="quick_reg_button flat_button button_wide" id="quick_reg_button">Регистрация</button>
<div class="clear forgot"><a href="${root}/restore" id="quick_forgot">Забыли пароль?</a></div></div></div></div>
<div id="page_body" class="fl_r" style="width: 795px;"><div id="wrap3"><div id="wrap2"><div id="wrap1"><div id="content">
${content}
</div></div></div></div></div>
<div id="footer_wrap" class="footer_wrap fl_r"><div class="footer_nav" id="bottom_nav"><a class="bnav_a" href="${root}/about">О ВКонтакте</a><a class="bnav_a" href="${root}/terms">Правила</a><a class="bnav_a" href="${root}/dev">Разработчикам</a></div><div class="footer_copy">ВКонтакте &copy; 2006–2026</div></div>
</div></div>
<script type="text/javascript">document.body.classList.add('is_rtl0'); if (window.vk) { vk.loaded = true; }</script>
</body>
</html>`;
}

function wallPage(account: FixtureAccount, name: string, offset: number, helpers: FixtureHelpers, overlay = ''): string {
  const root = new URL(helpers.baseUrl).pathname;
  const ownerId = vkCommunityId(helpers, account.handle);
  const posts = account.posts.slice(offset, offset + PAGE_SIZE);
  const more =
    offset + PAGE_SIZE < account.posts.length
      ? `<a id="wall_more_link" class="show_more" href="${root}/${name}?offset=${offset + PAGE_SIZE}&amp;own=1" onclick="return wall.showMore('-${ownerId}', ${offset + PAGE_SIZE});">Показать ещё</a>`
      : '';
  const wall = posts.length === 0 ? '<div id="page_no_wall" class="no_posts">На стене пока нет ни одной записи.</div>' : posts.map((post) => postHtml(post, account, ownerId, helpers)).join('\n');
  const content = `<div class="page_block page_top"><h1 class="page_name">${escapeHtml(account.displayName)}</h1><div class="page_current_info"><span class="current_text">Официальное сообщество · «Новости» &amp; анонсы</span></div></div>
<div id="public_wall" class="page_block"><div id="page_wall_header" class="page_block_header"><a href="${root}/wall-${ownerId}" class="ui_crumb">Записи сообщества</a> <span class="ui_crumb_count">${account.posts.length}</span></div>
<div id="page_wall_posts" class="wall_posts own mark_top">
${wall}
</div>${more}</div>`;
  return layout(account.displayName, content, helpers, overlay);
}

function noticePage(text: string, helpers: FixtureHelpers): string {
  return layout('Ошибка', `<div class="message_page page_block"><div class="message_page_title">Ошибка</div><div class="message_page_body">${text}</div></div>`, helpers);
}

function accountFor(name: string, helpers: FixtureHelpers): FixtureAccount | undefined {
  const direct = helpers.network.accounts.get(name);
  if (direct !== undefined) return direct;
  const byId = /^(?:club|public)(\d+)$/u.exec(name)?.[1];
  if (byId === undefined) return undefined;
  return [...helpers.network.accounts.values()].find((account) => vkCommunityId(helpers, account.handle) === Number(byId));
}

function loginPage(helpers: FixtureHelpers): string {
  const content = `<div class="login_page page_block"><div class="login_header">Вход ВКонтакте</div>
<div class="login_text">Войдите, чтобы продолжить просмотр страницы.</div>
<form method="POST" action="https://login.vk.com/?act=login" id="login_form"><input type="text" name="email" placeholder="Телефон или почта"><input type="password" name="pass" placeholder="Пароль"><button type="submit" id="login_button">Войти</button></form></div>`;
  return layout('Вход', content, helpers);
}

const notFound = (helpers: FixtureHelpers) =>
  html1251(404, noticePage('Запрашиваемая страница не найдена. Возможно, она была удалена, или адрес введён неверно.', helpers).replace('<title>Ошибка', '<title>404 Not Found'));

/** VK's public walls, login page and notices, in windows-1251. */
export const vkFixture: PlatformFixture = {
  platform: 'vk',

  handle(request, helpers) {
    if (request.method !== 'GET') return undefined;
    const name = request.path.slice(1);
    if (name === 'login') return html1251(200, loginPage(helpers));
    if (name === VK_NOTICE_PAGES.blocked) return html1251(200, noticePage('Сообщество заблокировано в связи с нарушением правил пользования сайтом.', helpers));
    if (name === VK_NOTICE_PAGES.closed) {
      return html1251(200, noticePage('Это закрытое сообщество. Вступите в сообщество, чтобы просматривать его материалы.', helpers));
    }
    if (name === VK_NOTICE_PAGES.deleted) return html1251(200, noticePage('Страница удалена либо ещё не создана.', helpers));
    const account = accountFor(name, helpers);
    if (account === undefined) return notFound(helpers);
    const offset = Number(request.query.get('offset') ?? '0');
    return html1251(200, wallPage(account, name, Number.isInteger(offset) && offset > 0 ? offset : 0, helpers));
  },

  // The first page redirects to VK's login page; a further page (`?offset=`) shows the wall under a login box.
  loginWall(request, helpers) {
    const name = request.path.slice(1);
    const account = accountFor(name, helpers);
    if (request.query.has('offset') && account !== undefined) {
      const box = `<div class="box_layout UnauthActionBox"><div class="box_title">Войдите, чтобы продолжить</div><form method="POST" action="https://login.vk.com/?act=login"><input type="text" name="email"><input type="password" name="pass"><button type="submit">Войти</button></form></div>`;
      return html1251(200, wallPage(account, name, Number(request.query.get('offset')), helpers, box));
    }
    const root = new URL(helpers.baseUrl).pathname;
    return { status: 302, headers: { location: `${root}/login?u=2&to=${Buffer.from(name).toString('base64url')}` }, body: '' };
  },

  // Cut off inside the first post's header, before its date: what a dropped connection leaves.
  malformed(request, helpers) {
    const name = request.path.slice(1);
    const account = accountFor(name, helpers) ?? [...helpers.network.accounts.values()][0];
    if (account === undefined) return notFound(helpers);
    const html = wallPage(account, name, Number(request.query.get('offset') ?? '0') || 0, helpers);
    const at = html.indexOf('<div class="post_header_info">');
    return html1251(200, html.slice(0, at < 0 ? Math.floor(html.length / 2) : at + 20));
  },
};
