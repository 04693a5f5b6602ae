import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../../core/errors.js';
import { mastodonStatusSchema, mastodonStatusToPost } from './mastodon-status-to-post.js';
import { resolveMastodonAccount } from './resolve-mastodon-account.js';

// A boost as GET /api/v1/accounts/:id/statuses returns it (Mastodon 4.3), trimmed of fields overshare
// ignores only where they repeat: the boosted status carries a content warning, a poll, a mention,
// a hashtag, a shortened link and three kinds of attachment.
const BOOST = {
  id: '113542671201448290',
  created_at: '2024-11-26T09:41:12.000Z',
  in_reply_to_id: null,
  in_reply_to_account_id: null,
  sensitive: false,
  spoiler_text: '',
  visibility: 'public',
  language: null,
  uri: 'https://mastodon.social/users/acme/statuses/113542671201448290/activity',
  url: 'https://mastodon.social/users/acme/statuses/113542671201448290/activity',
  replies_count: 0,
  reblogs_count: 0,
  favourites_count: 0,
  edited_at: null,
  content: '',
  reblog: {
    id: '113540012345678901',
    created_at: '2024-11-25T22:05:00.000Z',
    in_reply_to_id: null,
    sensitive: true,
    spoiler_text: 'work & plans <draft>',
    visibility: 'public',
    language: 'en',
    uri: 'https://fosstodon.org/users/jane/statuses/113540012345678901',
    url: 'https://fosstodon.org/@jane/113540012345678901',
    content:
      '<p>Draft of the <a href="https://fosstodon.org/tags/q3" class="mention hashtag" rel="tag">#<span>Q3</span></a> roadmap, thanks <span class="h-card" translate="no"><a href="https://mastodon.social/@acme" class="u-url mention">@<span>acme</span></a></span> &amp; team!<br />Details: <a href="https://intranet.example.com/roadmap/q3-final" target="_blank" rel="nofollow noopener noreferrer" translate="no"><span class="invisible">https://</span><span class="ellipsis">intranet.example.com/roadmap/q</span><span class="invisible">3-final</span></a></p><p>Don&#39;t share &quot;yet&quot;.</p>',
    reblog: null,
    account: { id: '109876', username: 'jane', acct: 'jane@fosstodon.org', display_name: 'Jane', url: 'https://fosstodon.org/@jane' },
    media_attachments: [
      {
        id: '113540011111111111',
        type: 'image',
        url: 'https://files.mastodon.social/cache/media_attachments/files/113/540/011/111/111/111/original/whiteboard.jpg',
        preview_url: 'https://files.mastodon.social/cache/media_attachments/files/113/540/011/111/111/111/small/whiteboard.jpg',
        remote_url: 'https://cdn.fosstodon.org/media_attachments/files/whiteboard.jpg',
        preview_remote_url: null,
        text_url: null,
        meta: { original: { width: 1600, height: 1200, size: '1600x1200', aspect: 1.3333333333333333 } },
        description: 'Whiteboard with the Q3 plan',
        blurhash: 'UFH2%,?bD%Rj~qRjRjj[-;WBRjof',
      },
      { id: '2', type: 'gifv', url: 'https://files.mastodon.social/cache/media_attachments/files/2/original/loop.mp4', preview_url: 'https://files.mastodon.social/p.png', remote_url: null, description: null },
      { id: '3', type: 'audio', url: 'https://files.mastodon.social/cache/media_attachments/files/3/original/voice.mp3', preview_url: null, remote_url: null, description: 'voice note' },
      { id: '4', type: 'unknown', url: null, preview_url: null, remote_url: 'https://cdn.fosstodon.org/media/scan.png', description: 'Scanned badge' },
    ],
    mentions: [{ id: '1', username: 'acme', url: 'https://mastodon.social/@acme', acct: 'acme' }],
    tags: [{ name: 'q3', url: 'https://mastodon.social/tags/q3' }],
    emojis: [],
    card: null,
    poll: { id: '77', expires_at: '2024-11-27T22:05:00.000Z', expired: false, multiple: false, votes_count: 3, options: [{ title: 'Ship in July', votes_count: 2 }, { title: 'Ship in August', votes_count: 1 }], emojis: [] },
  },
  application: null,
  account: { id: '109000', username: 'acme', acct: 'acme', display_name: 'Acme', url: 'https://mastodon.social/@acme' },
  media_attachments: [],
  mentions: [],
  tags: [],
  emojis: [],
  card: null,
  poll: null,
};

describe('mastodonStatusToPost', () => {
  const post = mastodonStatusToPost(mastodonStatusSchema.parse(BOOST), 'https://mastodon.social/api/v1/accounts/109000/statuses', 'https://mastodon.social');

  it("takes a boost's id, time and author from the boost and its text and media from the boosted status", () => {
    expect(post).toMatchObject({
      platform: 'mastodon',
      externalId: 'mastodon.social/113542671201448290',
      publishedAt: '2024-11-26T09:41:12.000Z',
      author: 'acme',
      isRepost: true,
      permalink: 'https://fosstodon.org/@jane/113540012345678901',
    });
  });

  it('puts the content warning first, then the content as text with full links, then the poll options', () => {
    expect(post.text).toBe(
      'work & plans <draft>\n\n' +
        'Draft of the #Q3 roadmap, thanks @acme & team!\nDetails: https://intranet.example.com/roadmap/q3-final\n\nDon\'t share "yet".\n\n' +
        'Ship in July\nShip in August',
    );
  });

  it('maps images and gifv/video, keeps remote-only files, and leaves audio out', () => {
    expect(post.media).toEqual([
      { url: BOOST.reblog.media_attachments[0]!.url, kind: 'image', alt: 'Whiteboard with the Q3 plan' },
      { url: BOOST.reblog.media_attachments[1]!.url, kind: 'video' },
      { url: 'https://cdn.fosstodon.org/media/scan.png', kind: 'image', alt: 'Scanned badge' },
    ]);
  });

  it('reads an own status with its own url', () => {
    const own = mastodonStatusSchema.parse({ ...BOOST.reblog, account: BOOST.account, spoiler_text: '', poll: null, media_attachments: [] });
    expect(mastodonStatusToPost(own, 'https://mastodon.social/', 'https://mastodon.social')).toMatchObject({
      isRepost: false,
      externalId: 'mastodon.social/113540012345678901',
      author: 'acme',
    });
  });

  it('leaves the time of a status with an unreadable created_at empty, for collectPosts to skip and count', () => {
    const undated = mastodonStatusSchema.parse({ ...BOOST, created_at: 'yesterday' });
    expect(mastodonStatusToPost(undated, 'https://mastodon.social/', 'https://mastodon.social').publishedAt).toBe('');
  });
});

describe('resolveMastodonAccount', () => {
  it.each([
    ['acme', 'https://mastodon.social', false, { baseUrl: 'https://mastodon.social', acct: 'acme', username: 'acme' }],
    ['@acme', 'https://mastodon.social', false, { baseUrl: 'https://mastodon.social', acct: 'acme', username: 'acme' }],
    ['acme@fosstodon.org', 'https://mastodon.social', false, { baseUrl: 'https://fosstodon.org', acct: 'acme', username: 'acme' }],
    ['@acme@Fosstodon.org', 'https://mastodon.social', false, { baseUrl: 'https://fosstodon.org', acct: 'acme', username: 'acme' }],
    ['acme@fosstodon.org', 'https://relay.example', true, { baseUrl: 'https://relay.example', acct: 'acme@fosstodon.org', username: 'acme' }],
    ['acme@fosstodon.org', 'https://fosstodon.org', true, { baseUrl: 'https://fosstodon.org', acct: 'acme', username: 'acme' }],
    ['https://fosstodon.org/@acme', 'https://mastodon.social', false, { baseUrl: 'https://fosstodon.org', acct: 'acme', username: 'acme' }],
    ['https://social.example/mastodon/@acme/', 'https://mastodon.social', false, { baseUrl: 'https://social.example/mastodon', acct: 'acme', username: 'acme' }],
    ['https://mastodon.social/@jane@fosstodon.org', 'https://x.example', false, { baseUrl: 'https://mastodon.social', acct: 'jane@fosstodon.org', username: 'jane' }],
    ['https://gts.example/users/acme', 'https://mastodon.social', false, { baseUrl: 'https://gts.example', acct: 'acme', username: 'acme' }],
  ] as const)('resolves %s (base %s, own base %s)', (handle, baseUrl, hasOwnBaseUrl, expected) => {
    expect(resolveMastodonAccount(handle, baseUrl, hasOwnBaseUrl)).toEqual(expected);
  });

  it.each(['', 'a b', 'acme@bad host', 'https://fosstodon.org/about', 'a@b@c', 'https://exa mple.com/@x', 'https://[::1/@x'])(
    'refuses %j as InputValidationError on the handle',
    (handle) => {
      const refuse = () => resolveMastodonAccount(handle, 'https://mastodon.social', false);
      expect(refuse).toThrow(InputValidationError);
      expect(() => refuse()).toThrow(/account has 1 problem:\n {2}account {2}handle: /u);
    },
  );
});
