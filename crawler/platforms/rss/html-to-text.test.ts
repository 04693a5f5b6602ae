import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from './html-to-text.js';
import { htmlImages } from './html-images.js';
import { postText } from './post-text.js';

describe('htmlToText', () => {
  it('keeps paragraphs as blank lines and <br> as line breaks', () => {
    expect(htmlToText('<p>First line<br />second line</p>\n<p>Next paragraph</p>')).toBe('First line\nsecond line\n\nNext paragraph');
  });

  it('decodes named, decimal and hex entities once', () => {
    expect(htmlToText('<p>R&amp;D &lt;demo&gt; &#8220;Q3&#8221; caf&eacute; &#x41; &amp;lt;</p>')).toBe('R&D <demo> “Q3” café A &lt;');
  });

  it('collapses source white space but not the text around inline elements', () => {
    expect(htmlToText('<p>Hello\n   <a href="/tags/acme" class="mention hashtag">#<span>acme</span></a>-1003  and\tmore</p>')).toBe('Hello #acme-1003 and more');
  });

  it('drops scripts, styles and comments', () => {
    expect(htmlToText('<style>p{color:red}</style><p>Seen<script>var hidden = 1;</script></p><!-- wp:paragraph -->')).toBe('Seen');
  });

  it('reads a Mastodon link with its hidden parts as the whole URL', () => {
    const html = '<p>See <a href="https://example.com/a/b"><span class="invisible">https://</span><span class="ellipsis">example.com/a</span><span class="invisible">/b</span></a></p>';
    expect(htmlToText(html)).toBe('See https://example.com/a/b');
  });

  it('turns list items and divs into lines and no-break spaces into spaces', () => {
    expect(htmlToText('<ul><li>one</li><li>two&nbsp;three</li></ul><div>after</div>')).toBe('one\ntwo three\n\nafter');
  });

  it('returns an empty string for markup without text', () => {
    expect(htmlToText('<p><img src="a.jpg" alt="x"></p>')).toBe('');
  });
});

describe('decodeEntities', () => {
  it('decodes entities and keeps angle brackets as text', () => {
    expect(decodeEntities('AT&amp;T &lt;b&gt; <demo> &#8217;')).toBe('AT&T <b> <demo> ’');
  });
});

describe('htmlImages', () => {
  it('resolves relative sources, prefers lazy-load sources and skips tracking pixels', () => {
    const html = '<img src="/up/a.jpg" alt="Team photo"><img src="data:image/gif;base64,R0lGOD" data-src="b.png"><img src="https://stats.example/p.gif" width="1" height="1"><img src="/up/a.jpg">';
    expect(htmlImages(html, 'https://blog.example/2025/06/post/')).toEqual([
      { url: 'https://blog.example/up/a.jpg', kind: 'image', alt: 'Team photo' },
      { url: 'https://blog.example/2025/06/post/b.png', kind: 'image' },
    ]);
  });
});

describe('postText', () => {
  it('puts the title above the body', () => {
    expect(postText('Quarterly results', 'Revenue grew.')).toBe('Quarterly results\n\nRevenue grew.');
  });

  it('drops a title that only repeats the beginning of the body, whatever its quotes and ellipsis', () => {
    expect(postText('Whiteboard from today’s planning…', "Whiteboard from today's planning session.")).toBe("Whiteboard from today's planning session.");
  });

  it('keeps a title when there is no body', () => {
    expect(postText('Only a title', '')).toBe('Only a title');
  });
});
