import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../../core/errors.js';
import { readYoutubePosts } from './read-youtube-posts.js';

// A trimmed excerpt of a real channel posts tab's ytInitialData (ids and URLs replaced), in its real
// nesting: tabs → tabRenderer (selected) → sectionListRenderer → itemSectionRenderer → threads.
const INITIAL_DATA_EXCERPT = String.raw`{"responseContext":{"serviceTrackingParams":[{"service":"CSI","params":[{"key":"c","value":"WEB"},{"key":"cver","value":"2.20261118.01.00"},{"key":"yt_li","value":"0"},{"key":"GetChannelPage_rid","value":"0x5d2c1a6b3e4f0a11"}]}],"maxAgeSeconds":300,"mainAppWebResponseContext":{"loggedOut":true,"trackingParam":"kx_fmPxhoPZR"},"webResponseContextExtensionData":{"hasDecorated":true}},
"contents":{"twoColumnBrowseResultsRenderer":{"tabs":[
{"tabRenderer":{"endpoint":{"clickTrackingParams":"CBAQ8JMBGAUiEwi","commandMetadata":{"webCommandMetadata":{"url":"/@acmecorp/featured","webPageType":"WEB_PAGE_TYPE_CHANNEL","rootVe":3611,"apiUrl":"/youtubei/v1/browse"}},"browseEndpoint":{"browseId":"UCx1y2z3a4b5c6d7e8f9g0hA","params":"EghmZWF0dXJlZPIGBAoCMgA%3D","canonicalBaseUrl":"/@acmecorp"}},"title":"Home","trackingParams":"CBAQ8JMBGAUiEwi"}},
{"tabRenderer":{"endpoint":{"clickTrackingParams":"CA8Q8JMBGAYiEwi","commandMetadata":{"webCommandMetadata":{"url":"/@acmecorp/posts","webPageType":"WEB_PAGE_TYPE_CHANNEL","rootVe":3611,"apiUrl":"/youtubei/v1/browse"}},"browseEndpoint":{"browseId":"UCx1y2z3a4b5c6d7e8f9g0hA","params":"EgVwb3N0c_IGBAoCSgA%3D","canonicalBaseUrl":"/@acmecorp"}},"title":"Posts","selected":true,"content":{"sectionListRenderer":{"contents":[{"itemSectionRenderer":{"contents":[
{"backstagePostThreadRenderer":{"post":{"backstagePostRenderer":{"postId":"UgkxQm9rZ2VkLXBvc3QtMDAwMDAwMDAwMDAx","authorText":{"runs":[{"text":"Acme Corp","navigationEndpoint":{"clickTrackingParams":"CA0QzgMiEwi","commandMetadata":{"webCommandMetadata":{"url":"/@acmecorp","webPageType":"WEB_PAGE_TYPE_CHANNEL","rootVe":3611,"apiUrl":"/youtubei/v1/browse"}},"browseEndpoint":{"browseId":"UCx1y2z3a4b5c6d7e8f9g0hA","canonicalBaseUrl":"/@acmecorp"}}}],"accessibility":{"accessibilityData":{"label":"Acme Corp"}}},"authorThumbnail":{"thumbnails":[{"url":"//yt3.ggpht.com/ytc/AIdro_avatar=s32-c-k-c0x00ffffff-no-rj-mo","width":32,"height":32}]},"contentText":{"runs":[{"text":"Badge day at the new lab \u2014 welcome to the team!\nFloor plan below, don't share outside. "},{"text":"#onboarding","navigationEndpoint":{"commandMetadata":{"webCommandMetadata":{"url":"/hashtag/onboarding","webPageType":"WEB_PAGE_TYPE_BROWSE","rootVe":6827,"apiUrl":"/youtubei/v1/browse"}},"browseEndpoint":{"browseId":"FEhashtag","params":"6gUMCgpvbmJvYXJkaW5n"}}},{"text":" "},{"text":"https://acme.example/jobs","navigationEndpoint":{"commandMetadata":{"webCommandMetadata":{"url":"https://www.youtube.com/redirect?event=backstage_event&q=https%3A%2F%2Facme.example%2Fjobs","webPageType":"WEB_PAGE_TYPE_UNKNOWN","rootVe":83769}},"urlEndpoint":{"url":"https://www.youtube.com/redirect?event=backstage_event&q=https%3A%2F%2Facme.example%2Fjobs","target":"TARGET_NEW_WINDOW","nofollow":true}}}]},"expandButton":{"buttonRenderer":{"style":"STYLE_TEXT","size":"SIZE_DEFAULT","text":{"runs":[{"text":"Read more"}]},"trackingParams":"CAoQ8FsiEwi"}},"publishedTimeText":{"runs":[{"text":"2 days ago (edited)","navigationEndpoint":{"clickTrackingParams":"CAEQ","commandMetadata":{"webCommandMetadata":{"url":"/post/UgkxQm9rZ2VkLXBvc3QtMDAwMDAwMDAwMDAx","webPageType":"WEB_PAGE_TYPE_BROWSE","rootVe":37414,"apiUrl":"/youtubei/v1/browse"}},"browseEndpoint":{"browseId":"FEpost_detail","params":"EgZwb3N0MDE%3D"}}}]},"voteCount":{"accessibility":{"accessibilityData":{"label":"1.2K likes"}},"simpleText":"1.2K"},"voteStatus":"INDIFFERENT",
"backstageAttachment":{"postMultiImageRenderer":{"images":[{"backstageImageRenderer":{"image":{"thumbnails":[{"url":"https://yt3.ggpht.com/floorplan-a=s288-c-fcrop64=1,00000000ffffffff-nd-v1","width":288,"height":288},{"url":"https://yt3.ggpht.com/floorplan-a=s1080-nd-v1","width":1080,"height":1080},{"url":"https://yt3.ggpht.com/floorplan-a=s640-nd-v1","width":640,"height":640}],"accessibility":{"accessibilityData":{"label":"Floor plan of level 3"}}},"trackingParams":"CAkQ"}},{"backstageImageRenderer":{"image":{"thumbnails":[{"url":"//yt3.ggpht.com/badge-b=s288-nd-v1","width":288,"height":288},{"url":"//yt3.ggpht.com/badge-b=s1080-nd-v1","width":1080,"height":1080}]},"trackingParams":"CAgQ"}}]}},"surface":"BACKSTAGE_SURFACE_TYPE_STREAM","trackingParams":"CAMQ"}},"trackingParams":"CAIQ"}},
{"backstagePostThreadRenderer":{"post":{"sharedPostRenderer":{"content":{"runs":[{"text":"Proud of this one \ud83d\udc4f"}]},"thumbnail":{"thumbnails":[{"url":"//yt3.ggpht.com/ytc/AIdro_avatar=s48-c-k","width":48,"height":48}]},"endpoint":{"browseEndpoint":{"browseId":"FEpost_detail","params":"EgZzaGFyZWQ%3D"}},"originalPost":{"backstagePostRenderer":{"postId":"UgkwT3JpZ2luYWwtcG9zdC0wMDAwMDAwMDAwMDI","authorText":{"runs":[{"text":"Partner Labs"}]},"contentText":{"runs":[{"text":"Our joint prototype passed the field test."}]},"publishedTimeText":{"runs":[{"text":"1 month ago"}]},"backstageAttachment":{"backstageImageRenderer":{"image":{"thumbnails":[{"url":"https://yt3.ggpht.com/prototype=s1080-nd-v1","width":1080,"height":810}]}}},"trackingParams":"CAcQ"}},"displayName":{"runs":[{"text":"Acme Corp","navigationEndpoint":{"browseEndpoint":{"browseId":"UCx1y2z3a4b5c6d7e8f9g0hA","canonicalBaseUrl":"/@acmecorp"}}}]},"postId":"UgkxU2hhcmVkLXBvc3QtMDAwMDAwMDAwMDAz","publishedTimeText":{"runs":[{"text":"3 weeks ago"}]},"trackingParams":"CAYQ"}},"trackingParams":"CAUQ"}},
{"backstagePostThreadRenderer":{"post":{"backstagePostRenderer":{"postId":"UgkxUG9sbC1wb3N0LTAwMDAwMDAwMDAwMDAw","authorText":{"runs":[{"text":"Acme Corp"}]},"contentText":{"runs":[{"text":"Which office should we open next?"}]},"publishedTimeText":{"runs":[{"text":"1 year ago"}]},"backstageAttachment":{"pollRenderer":{"choices":[{"text":{"runs":[{"text":"Kraków"}]}},{"text":{"runs":[{"text":"Київ"}]}}],"totalVotes":{"simpleText":"321 votes"}}},"trackingParams":"CAQQ"}},"trackingParams":"CAQQ"}},
{"continuationItemRenderer":{"trigger":"CONTINUATION_TRIGGER_ON_ITEM_SHOWN","continuationEndpoint":{"clickTrackingParams":"CAEQ","commandMetadata":{"webCommandMetadata":{"sendPost":true,"apiUrl":"/youtubei/v1/browse"}},"continuationCommand":{"token":"4qmFsgJhEhhVQ3gxeTJ6M2E0YjVjNmQ3ZThmOWcwaEEaRUVnVndiM04wYzE4","request":"CONTINUATION_REQUEST_TYPE_BROWSE"}}}}
],"trackingParams":"CAEQuy8YACITCI"}}],"trackingParams":"CAAQhGciEwi","targetId":"backstage-item-section"}}}},
{"expandableTabRenderer":{"endpoint":{"browseEndpoint":{"browseId":"UCx1y2z3a4b5c6d7e8f9g0hA","params":"EgZzZWFyY2jyBgQKAloA","canonicalBaseUrl":"/@acmecorp"}},"title":"Search","selected":false}}]}},
"metadata":{"channelMetadataRenderer":{"title":"Acme Corp","externalId":"UCx1y2z3a4b5c6d7e8f9g0hA","vanityChannelUrl":"http://www.youtube.com/@acmecorp"}},"trackingParams":"CAAQhGciEwi"}`;

const now = new Date('2026-11-24T12:00:00Z');
const source = { baseUrl: 'https://www.youtube.com', pageUrl: 'https://www.youtube.com/@acmecorp/posts?hl=en', handle: '@acmecorp', now };
const DAY = 86_400_000;

describe('readYoutubePosts on a real ytInitialData excerpt', () => {
  const result = readYoutubePosts(JSON.parse(INITIAL_DATA_EXCERPT) as unknown, source);

  it('reads every post of the selected posts tab, in order, with its continuation', () => {
    expect(result.posts.map((post) => post.externalId)).toEqual([
      'UgkxQm9rZ2VkLXBvc3QtMDAwMDAwMDAwMDAx',
      'UgkxU2hhcmVkLXBvc3QtMDAwMDAwMDAwMDAz',
      'UgkxUG9sbC1wb3N0LTAwMDAwMDAwMDAwMDAw',
    ]);
    expect(result.continuation).toEqual({ token: '4qmFsgJhEhhVQ3gxeTJ6M2E0YjVjNmQ3ZThmOWcwaEEaRUVnVndiM04wYzE4', apiUrl: '/youtubei/v1/browse' });
  });

  it('joins text runs (hashtags and links as printed) and keeps line breaks', () => {
    expect(result.posts[0]).toMatchObject({
      text: "Badge day at the new lab — welcome to the team!\nFloor plan below, don't share outside. #onboarding https://acme.example/jobs",
      author: 'Acme Corp',
      isRepost: false,
      permalink: 'https://www.youtube.com/post/UgkxQm9rZ2VkLXBvc3QtMDAwMDAwMDAwMDAx',
      publishedAt: new Date(now.getTime() - 2 * DAY).toISOString(),
    });
  });

  it('takes the widest rendition of each picture, protocol-relative ones made absolute', () => {
    expect(result.posts[0]!.media).toEqual([
      { kind: 'image', url: 'https://yt3.ggpht.com/floorplan-a=s1080-nd-v1', alt: 'Floor plan of level 3' },
      { kind: 'image', url: 'https://yt3.ggpht.com/badge-b=s1080-nd-v1' },
    ]);
  });

  it('reads a shared post as a repost by the channel, at the time it was shared, with both texts', () => {
    expect(result.posts[1]).toMatchObject({
      isRepost: true,
      author: 'Acme Corp',
      publishedAt: new Date(now.getTime() - 21 * DAY).toISOString(),
      text: 'Proud of this one 👏\n\nOur joint prototype passed the field test.',
      media: [{ kind: 'image', url: 'https://yt3.ggpht.com/prototype=s1080-nd-v1' }],
    });
  });

  it('ignores the Home tab and attachments that are no pictures', () => {
    expect(result.posts[2]).toMatchObject({ text: 'Which office should we open next?', media: [], publishedAt: new Date(now.getTime() - 365 * DAY).toISOString() });
  });

  it('reads a continuation answer (appendContinuationItemsAction) the same way', () => {
    type Excerpt = { contents: { twoColumnBrowseResultsRenderer: { tabs: { tabRenderer: { content: { sectionListRenderer: { contents: { itemSectionRenderer: { contents: unknown[] } }[] } } } }[] } } };
    const posts = (JSON.parse(INITIAL_DATA_EXCERPT) as Excerpt).contents.twoColumnBrowseResultsRenderer.tabs[1]!.tabRenderer.content.sectionListRenderer.contents[0]!.itemSectionRenderer.contents;
    const answer = { responseContext: {}, onResponseReceivedActions: [{ appendContinuationItemsAction: { continuationItems: posts.slice(2), targetId: 'backstage-item-section' } }] };
    const page = readYoutubePosts(answer, source);
    expect(page.posts.map((post) => post.externalId)).toEqual(['UgkxUG9sbC1wb3N0LTAwMDAwMDAwMDAwMDAw']);
    expect(page.continuation?.token).toMatch(/^4qmFsgJ/u);
  });

  it('returns no posts for a channel page whose selected tab is not Posts', () => {
    const home: unknown = JSON.parse(INITIAL_DATA_EXCERPT.replace('"title":"Posts","selected":true', '"title":"Posts"').replace('"title":"Home"', '"title":"Home","selected":true'));
    expect(readYoutubePosts(home, source)).toEqual({ posts: [], unreadable: [], hasFeed: false });
  });

  it('throws PermanentError naming youtube for data without tabs or continuation items', () => {
    expect(() => readYoutubePosts({ responseContext: {} }, source)).toThrow(PermanentError);
    expect(() => readYoutubePosts({ responseContext: {} }, source)).toThrow(/^youtube data for @acmecorp has neither channel tabs nor continuation items/u);
  });

  it('leaves a post whose time it cannot read undated, and keeps the others dated', () => {
    const timeless: unknown = JSON.parse(INITIAL_DATA_EXCERPT.replace('"publishedTimeText":{"runs":[{"text":"1 year ago"}]}', '"publishedTimeText":{"runs":[{"text":"vor 1 Jahr"}]}'));
    const page = readYoutubePosts(timeless, source);
    expect(page.posts.find((post) => post.externalId === 'UgkxUG9sbC1wb3N0LTAwMDAwMDAwMDAwMDAw')?.publishedAt).toBe('');
    expect(page.posts.filter((post) => post.publishedAt !== '').length).toBe(page.posts.length - 1);
  });

  it('leaves out a renderer of an unexpected shape, naming its post id', () => {
    const shapeless: unknown = JSON.parse(INITIAL_DATA_EXCERPT.replace('"publishedTimeText":{"runs":[{"text":"1 year ago"}]}', '"publishedTimeText":42'));
    const page = readYoutubePosts(shapeless, source);
    expect(page.posts.map((post) => post.externalId)).not.toContain('UgkxUG9sbC1wb3N0LTAwMDAwMDAwMDAwMDAw');
    expect(page.posts.length).toBeGreaterThan(0);
    expect(page.unreadable).toEqual([{ externalId: 'UgkxUG9sbC1wb3N0LTAwMDAwMDAwMDAwMDAw', reason: expect.stringMatching(/^a post renderer of an unexpected shape \(publishedTimeText: /u) as unknown }]);
  });
});
