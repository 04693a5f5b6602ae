import type { AnyNode, CDATA, Element, Text } from 'domhandler';
import { decodeHTML } from 'entities';
import { parseDocument } from 'htmlparser2';

/**
 * Post HTML (feed items, Mastodon statuses, WordPress posts) as the plain text later stages read:
 * markup gone, entities decoded, paragraphs kept as blank lines and `<br>` as line breaks.
 */

// Elements that end a paragraph (a blank line) or a line; everything else is inline.
const PARAGRAPH_ELEMENTS = new Set(['p', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'table', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr']);
const LINE_ELEMENTS = new Set([
  'div', 'section', 'article', 'header', 'footer', 'aside', 'main', 'nav', 'li', 'dt', 'dd', 'tr', 'figcaption',
  'address', 'details', 'summary', 'form', 'fieldset', 'caption',
]);
// Never shown to a reader, so never part of the post's text.
const HIDDEN_ELEMENTS = new Set(['script', 'style', 'noscript', 'template', 'head', 'iframe', 'object', 'svg', 'title', 'select']);

// domhandler's node types are an enum of strings; compare them as strings (the enum is not exported by cheerio).
const isElement = (node: AnyNode): node is Element => ['tag', 'script', 'style'].includes(node.type);
const isText = (node: AnyNode): node is Text => (node.type as string) === 'text';
const isCdata = (node: AnyNode): node is CDATA => (node.type as string) === 'cdata';

interface TextBuilder {
  parts: string[];
  /** Break owed before the next text: 0 none, 1 newline, 2 blank line. */
  pendingBreak: number;
}

const owe = (builder: TextBuilder, level: number): void => {
  builder.pendingBreak = Math.max(builder.pendingBreak, level);
};

const emit = (builder: TextBuilder, text: string): void => {
  if (text === '') return;
  if (builder.pendingBreak > 0 && builder.parts.length > 0) builder.parts.push(builder.pendingBreak === 2 ? '\n\n' : '\n');
  builder.pendingBreak = 0;
  builder.parts.push(text);
};

const walk = (nodes: readonly AnyNode[], builder: TextBuilder, isPreformatted: boolean): void => {
  for (const node of nodes) {
    if (isText(node)) {
      // HTML collapses runs of white space (newlines too) to one space, except inside <pre>.
      emit(builder, isPreformatted ? node.data : node.data.replace(/[ \t\n\r\f]+/gu, ' '));
    } else if (isCdata(node)) {
      walk(node.children, builder, isPreformatted);
    } else if (isElement(node)) {
      const name = node.name.toLowerCase();
      if (HIDDEN_ELEMENTS.has(name)) continue;
      if (name === 'br') {
        // A line break is owed text, not pending: two <br> in a row make a blank line.
        if (builder.parts.length > 0) builder.parts.push('\n');
        continue;
      }
      const level = PARAGRAPH_ELEMENTS.has(name) ? 2 : LINE_ELEMENTS.has(name) ? 1 : 0;
      owe(builder, level);
      walk(node.children, builder, isPreformatted || name === 'pre');
      owe(builder, level);
    }
  }
};

/** Plain text of an HTML fragment: entities decoded, `<p>` → blank line, `<br>` → newline, scripts dropped, trimmed. */
export function htmlToText(html: string): string {
  // Most titles and many short posts hold no markup at all: no tree to build for them.
  if (!html.includes('<')) return tidy(decodeEntities(html).replace(/[ \t\n\r\f]+/gu, ' '));
  // htmlparser2's tree directly, not through cheerio: this runs once per post of every feed and API page.
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true });
  const builder: TextBuilder = { parts: [], pendingBreak: 0 };
  walk(document.children, builder, false);
  return tidy(builder.parts.join(''));
}

function tidy(text: string): string {
  return text
    .replace(/\u00a0/gu, ' ')
    .replace(/[ \t]*\n[ \t]*/gu, '\n')
    .replace(/ {2,}/gu, ' ')
    .replace(/\n{3,}/gu, '\n\n')
    .trim();
}

/** `text` with HTML entities decoded and nothing else changed: for titles, where `<demo>` is literal text. */
export function decodeEntities(text: string): string {
  return text.includes('&') ? decodeHTML(text) : text;
}
