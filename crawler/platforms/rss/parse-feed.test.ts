import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../../core/errors.js';
import { encodeLegacyCharset } from '../../../test/fixture-platform/platforms/encode-legacy-charset.js';
import { parseFeed, sniffFeedFormat } from './parse-feed.js';
import { parseFeedDate } from './parse-feed-date.js';

// An RSS 2.0 feed shaped like a WordPress news site's with a Media RSS plugin: CDATA, relative
// images, media:content with its description, a video enclosure, items out of order.
const RSS_WITH_MEDIA = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:atom="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Example News &amp; Views</title>
  <atom:link href="https://news.example/feed/" rel="self" type="application/rss+xml" />
  <link>https://news.example</link>
  <description>Company news</description>
  <lastBuildDate>Tue, 03 Jun 2025 07:30:00 +0000</lastBuildDate>
  <item>
    <title>Older: a video from the stand</title>
    <link>https://news.example/2025/06/02/stand-video/</link>
    <pubDate>Mon, 02 Jun 2025 18:00:00 EST</pubDate>
    <description>&lt;p&gt;Our stand at the fair &amp;amp; the crowd.&lt;/p&gt;</description>
    <enclosure url="https://cdn.news.example/stand.mp4" length="1048576" type="video/mp4" />
    <enclosure url="https://cdn.news.example/interview.mp3" length="2048" type="audio/mpeg" />
  </item>
  <item>
    <title>Inside the new lab</title>
    <link>https://news.example/2025/06/03/inside-the-new-lab/</link>
    <dc:creator><![CDATA[Jane Doe]]></dc:creator>
    <pubDate>Tue, 03 Jun 2025 09:15:00 +0200</pubDate>
    <category><![CDATA[Company]]></category>
    <guid isPermaLink="false">https://news.example/?p=4312</guid>
    <description><![CDATA[<p>We moved into the new lab&nbsp;&#8230;</p>]]></description>
    <content:encoded><![CDATA[<p>We moved into the new lab this week.</p>
<p>Here is the whiteboard from day one:<br />
<img src="/wp-content/uploads/2025/06/whiteboard.jpg" alt="Whiteboard with the Q3 plan" width="800" height="600" /></p>
<script>trackRead(4312)</script>]]></content:encoded>
    <media:content url="https://news.example/wp-content/uploads/2025/06/lab-door.jpg" medium="image" width="1200" height="800">
      <media:title type="plain">Lab door</media:title>
      <media:description type="plain">The lab door with its access badge reader</media:description>
    </media:content>
    <media:thumbnail url="https://news.example/wp-content/uploads/2025/06/lab-door-150x150.jpg" />
  </item>
</channel>
</rss>`;

// An Atom feed shaped like Blogger's: escaped HTML content, a zone offset, an image enclosure, replies links.
const ATOM_ENTRY = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xmlns:thr="http://purl.org/syndication/thread/1.0">
  <id>tag:blogger.com,1999:blog-8123</id>
  <updated>2025-06-03T10:05:00.000+03:00</updated>
  <title type="text">Lab notes</title>
  <link rel="alternate" type="text/html" href="https://labnotes.example/" />
  <author><name>Lab Team</name></author>
  <entry>
    <id>tag:blogger.com,1999:blog-8123.post-4567</id>
    <published>2025-06-03T10:00:00.000+03:00</published>
    <updated>2025-06-03T10:05:00.000+03:00</updated>
    <title type="text">Badge day &amp; a tour</title>
    <content type="html">&lt;p&gt;First week at the lab.&lt;/p&gt;&lt;p&gt;Tour &amp;amp; badges&lt;br&gt;tomorrow.&lt;/p&gt;&lt;img src="https://blogger.googleusercontent.com/img/badge.png" alt="My badge"&gt;</content>
    <link rel="replies" type="application/atom+xml" href="https://labnotes.example/feeds/4567/comments/default" title="Post Comments" />
    <link rel="alternate" type="text/html" href="https://labnotes.example/2025/06/badge-day.html" title="Badge day" />
    <link rel="enclosure" type="image/png" href="https://blogger.googleusercontent.com/img/badge.png" length="0" />
    <media:thumbnail url="https://blogger.googleusercontent.com/img/s72-c/badge.png" height="72" width="72" />
    <thr:total>0</thr:total>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-8123.post-4568</id>
    <updated>2025-06-04T08:00:00Z</updated>
    <title type="html">Quick &lt;em&gt;note&lt;/em&gt;</title>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Plans for <b>Q3</b> &amp; beyond.</p></div></content>
    <link href="https://labnotes.example/2025/06/quick-note.html" />
  </entry>
</feed>`;

const RDF = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://old.example/"><title>Old site</title><link>https://old.example/</link></channel>
  <item rdf:about="https://old.example/a"><title>Item A</title><link>https://old.example/a</link><description>Body A</description><dc:date>2024-01-02T03:04:05Z</dc:date></item>
</rdf:RDF>`;

describe('parseFeed on RSS 2.0', () => {
  const posts = parseFeed(RSS_WITH_MEDIA, 'https://news.example/feed/', 'rss');

  it('lists items newest first with UTC times from any zone', () => {
    expect(posts.map((post) => post.publishedAt)).toEqual(['2025-06-03T07:15:00.000Z', '2025-06-02T23:00:00.000Z']);
  });

  it('uses the guid as id, the link as permalink and dc:creator as author', () => {
    expect(posts[0]).toMatchObject({
      platform: 'rss',
      externalId: 'https://news.example/?p=4312',
      permalink: 'https://news.example/2025/06/03/inside-the-new-lab/',
      author: 'Jane Doe',
      isRepost: false,
    });
  });

  it('reads content:encoded over the description, with the title above, paragraphs kept and scripts gone', () => {
    expect(posts[0]?.text).toBe('Inside the new lab\n\nWe moved into the new lab this week.\n\nHere is the whiteboard from day one:');
  });

  it('collects Media RSS content with its description, thumbnails and relative <img> resolved against the item', () => {
    expect(posts[0]?.media).toEqual([
      { url: 'https://news.example/wp-content/uploads/2025/06/lab-door.jpg', kind: 'image', alt: 'The lab door with its access badge reader' },
      { url: 'https://news.example/wp-content/uploads/2025/06/lab-door-150x150.jpg', kind: 'image' },
      { url: 'https://news.example/wp-content/uploads/2025/06/whiteboard.jpg', kind: 'image', alt: 'Whiteboard with the Q3 plan' },
    ]);
  });

  it('falls back to the link as id and the channel title as author, decodes doubly escaped text and skips audio', () => {
    expect(posts[1]).toMatchObject({
      externalId: 'https://news.example/2025/06/02/stand-video/',
      author: 'Example News & Views',
      text: 'Older: a video from the stand\n\nOur stand at the fair & the crowd.',
      media: [{ url: 'https://cdn.news.example/stand.mp4', kind: 'video' }],
    });
  });
});

describe('parseFeed on Atom', () => {
  const posts = parseFeed(ATOM_ENTRY, 'https://labnotes.example/feeds/posts/default', 'rss');

  it('reads id, published time, the alternate link and the feed author', () => {
    expect(posts.map((post) => [post.externalId, post.publishedAt, post.permalink, post.author])).toEqual([
      ['tag:blogger.com,1999:blog-8123.post-4568', '2025-06-04T08:00:00.000Z', 'https://labnotes.example/2025/06/quick-note.html', 'Lab Team'],
      ['tag:blogger.com,1999:blog-8123.post-4567', '2025-06-03T07:00:00.000Z', 'https://labnotes.example/2025/06/badge-day.html', 'Lab Team'],
    ]);
  });

  it('turns html and xhtml content and titles into text', () => {
    expect(posts.map((post) => post.text)).toEqual([
      'Quick note\n\nPlans for Q3 & beyond.',
      'Badge day & a tour\n\nFirst week at the lab.\n\nTour & badges\ntomorrow.',
    ]);
  });

  it('takes enclosure links with the alt text of the same image in the content, once', () => {
    expect(posts[1]?.media).toEqual([
      { url: 'https://blogger.googleusercontent.com/img/badge.png', kind: 'image', alt: 'My badge' },
      { url: 'https://blogger.googleusercontent.com/img/s72-c/badge.png', kind: 'image' },
    ]);
  });
});

describe('parseFeed on other inputs', () => {
  it('reads RSS 1.0 (RDF) items', () => {
    expect(parseFeed(RDF, 'https://old.example/index.rdf', 'rss')).toEqual([
      expect.objectContaining({ externalId: 'https://old.example/a', text: 'Item A\n\nBody A', publishedAt: '2024-01-02T03:04:05.000Z' }),
    ]);
  });

  it('reads a windows-1251 feed once its bytes are decoded by the charset its declaration names', () => {
    const xml = `<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Блог</title><item><guid>1</guid><title>Планёрка</title><description>&lt;p&gt;Проект «Сапсан» — ДСП&lt;/p&gt;</description><pubDate>Fri, 20 Nov 2026 15:00:00 +0300</pubDate></item></channel></rss>`;
    const bytes = encodeLegacyCharset(xml, 'windows-1251');
    expect(bytes.includes(Buffer.from('Планёрка'))).toBe(false);
    const decoded = new TextDecoder('windows-1251').decode(bytes);
    expect(parseFeed(decoded, 'https://blog.example/feed', 'rss')[0]).toMatchObject({
      text: 'Планёрка\n\nПроект «Сапсан» — ДСП',
      author: 'Блог',
      publishedAt: '2026-11-20T12:00:00.000Z',
    });
  });

  it('takes the alt text a media:group gives once for its pictures', () => {
    const xml = `<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>G</title><item><guid>g1</guid><title>Gallery</title>
      <media:group><media:content url="https://cdn.example/1.jpg" type="image/jpeg" /><media:content url="https://cdn.example/2.webp" /><media:description>Office tour</media:description></media:group>
      </item></channel></rss>`;
    expect(parseFeed(xml, 'https://g.example/feed', 'rss')[0]?.media).toEqual([
      { url: 'https://cdn.example/1.jpg', kind: 'image', alt: 'Office tour' },
      { url: 'https://cdn.example/2.webp', kind: 'image', alt: 'Office tour' },
    ]);
  });

  it('gives undated items the feed date and hashes an id under the feed URL for items with neither guid nor link', () => {
    const xml = '<rss version="2.0"><channel><title>T</title><pubDate>Sat, 01 Mar 2025 10:00:00 GMT</pubDate><item><description>Just text</description></item></channel></rss>';
    const [post] = parseFeed(xml, 'https://blog.example/feed', 'rss');
    expect(post?.publishedAt).toBe('2025-03-01T10:00:00.000Z');
    expect(post?.externalId).toMatch(/^https:\/\/blog\.example\/feed#sha256:[0-9a-f]{32}$/u);
    expect(post?.permalink).toBe('https://blog.example/feed');
  });

  it('gives an undated item the same id on every scan, whatever the time of the scan', () => {
    const xml = '<rss version="2.0"><channel><title>Blog</title><item><title>Quarterly numbers</title><description>Revenue up</description></item></channel></rss>';
    const first = parseFeed(xml, 'https://blog.example/feed', 'rss', new Date('2026-03-01T10:00:00Z'))[0];
    const second = parseFeed(xml, 'https://blog.example/feed', 'rss', new Date('2026-03-02T10:00:00Z'))[0];
    expect(first?.publishedAt).not.toBe(second?.publishedAt);
    expect(second?.externalId).toBe(first?.externalId);
    // The same for an Atom entry without id or link.
    const atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><entry><title>Note</title><content>Body</content></entry></feed>';
    const atomIds = ['2026-03-01T10:00:00Z', '2026-03-02T10:00:00Z'].map((at) => parseFeed(atom, 'https://blog.example/atom.xml', 'rss', new Date(at))[0]?.externalId);
    expect(atomIds[1]).toBe(atomIds[0]);
    expect(atomIds[0]).toMatch(/^https:\/\/blog\.example\/atom\.xml#sha256:/u);
  });

  it('puts the feed URL before a guid or Atom id that is not a URL or URI, so two feeds never share an id', () => {
    const rss = (isPermaLink: string) =>
      `<rss version="2.0"><channel><title>T</title><item><guid${isPermaLink}>42</guid><title>t</title><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>`;
    expect(parseFeed(rss(' isPermaLink="false"'), 'https://a.example/feed', 'rss')[0]?.externalId).toBe('https://a.example/feed#42');
    expect(parseFeed(rss(' isPermaLink="false"'), 'https://b.example/feed', 'rss')[0]?.externalId).toBe('https://b.example/feed#42');
    // A guid claimed as a permalink that is no URL is no more global.
    expect(parseFeed(rss(''), 'https://a.example/feed', 'rss')[0]?.externalId).toBe('https://a.example/feed#42');
    const atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>B</title><entry><id>1</id><title>t</title><updated>2026-03-02T10:00:00Z</updated></entry></feed>';
    expect(parseFeed(atom, 'https://c.example/atom.xml#top', 'rss')[0]?.externalId).toBe('https://c.example/atom.xml#1');
  });

  it('keeps guids and ids that are URLs, tag: or urn: URIs as they are', () => {
    const rss = (guid: string) => `<rss version="2.0"><channel><title>T</title><item><guid isPermaLink="false">${guid}</guid><title>t</title></item></channel></rss>`;
    for (const guid of ['https://a.example/?p=42', 'tag:a.example,2026:42', 'urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a']) {
      expect(parseFeed(rss(guid), 'https://a.example/feed', 'rss')[0]?.externalId).toBe(guid);
    }
  });

  it('names no query string of the feed URL in its errors', () => {
    expect(() => parseFeed('<html></html>', 'https://blog.example/feed?token=s3cret', 'rss')).toThrow(/^rss: https:\/\/blog\.example\/feed is not valid/u);
  });

  it('refuses an HTML page, naming the platform and the URL', () => {
    const parse = () => parseFeed('<!DOCTYPE html><html><body>Blog</body></html>', 'https://blog.example/', 'wordpress');
    expect(parse).toThrow(PermanentError);
    expect(parse).toThrow(/^wordpress: https:\/\/blog\.example\/ is not valid RSS or Atom/u);
  });

  it('refuses a feed cut off before its closing tag', () => {
    expect(() => parseFeed('<?xml version="1.0"?><rss version="2.0"><channel><item><title>Half', 'https://blog.example/feed', 'rss')).toThrow(
      /rss: https:\/\/blog\.example\/feed is not valid RSS or Atom: it ends before <\/rss>/u,
    );
  });

  it('tells a feed from a page by its root element', () => {
    expect([sniffFeedFormat(RSS_WITH_MEDIA), sniffFeedFormat(ATOM_ENTRY), sniffFeedFormat(RDF), sniffFeedFormat('<html></html>'), sniffFeedFormat('{"a":1}')]).toEqual([
      'rss',
      'atom',
      'rdf',
      undefined,
      undefined,
    ]);
  });
});

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 03 Jun 2025 09:15:00 +0200', '2025-06-03T07:15:00.000Z'],
    ['Tue, 03 Jun 2025 09:15:00 GMT', '2025-06-03T09:15:00.000Z'],
    ['03 Jun 25 09:15 MSK', '2025-06-03T06:15:00.000Z'],
    ['Tue, 03 Jun 2025 09:15:00 CEST', '2025-06-03T07:15:00.000Z'],
    ['2025-06-03T09:15:00+02:00', '2025-06-03T07:15:00.000Z'],
    ['2025-06-03T09:15:00', '2025-06-03T09:15:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseFeedDate(text)?.toISOString()).toBe(iso);
  });

  it('returns undefined for an empty or unreadable date', () => {
    expect([parseFeedDate(''), parseFeedDate('yesterday-ish')]).toEqual([undefined, undefined]);
  });
});
