/** A part of a text to highlight: [start, end) in UTF-16 code units; `isOwn` for this finding's own evidence. */
export interface Highlight {
  start: number;
  end: number;
  isOwn: boolean;
}

// What core/mask-text.ts leaves of evidence: two characters, three to eight stars, two characters,
// or only stars for short evidence.
const MASKED_PIECE = /(?:[^\s*]{2})?\*{3,8}(?:[^\s*]{2})?/gu;

function occurrences(text: string, needle: string, isCaseSensitive: boolean): [number, number][] {
  if (needle === '') return [];
  const haystack = isCaseSensitive ? text : text.toLocaleLowerCase();
  const wanted = isCaseSensitive ? needle : needle.toLocaleLowerCase();
  // Lower-casing can change lengths (rarely): then only exact matches are trusted.
  if (haystack.length !== text.length) return isCaseSensitive ? [] : occurrences(text, needle, true);
  const found: [number, number][] = [];
  for (let at = haystack.indexOf(wanted); at >= 0; at = haystack.indexOf(wanted, at + Math.max(wanted.length, 1))) {
    found.push([at, at + wanted.length]);
  }
  return found;
}

function merged(highlights: Highlight[]): Highlight[] {
  const sorted = [...highlights].sort((a, b) => a.start - b.start || b.end - a.end);
  const result: Highlight[] = [];
  for (const highlight of sorted) {
    const last = result.at(-1);
    if (last && highlight.start < last.end) {
      last.end = Math.max(last.end, highlight.end);
      last.isOwn ||= highlight.isOwn;
    } else {
      result.push({ ...highlight });
    }
  }
  return result;
}

/** Where masked evidence sits in a masked text: this finding's own (its masked text) and any other masked piece. */
export function maskedHighlights(text: string, ownMasked: string): Highlight[] {
  const own = occurrences(text, ownMasked, true).map(([start, end]) => ({ start, end, isOwn: true }));
  const others = Array.from(text.matchAll(MASKED_PIECE), (match) => ({ start: match.index, end: match.index + match[0].length, isOwn: false }));
  return merged([...own, ...others]);
}

/** Where the revealed evidence sits in a clear text: the range the rule matched, when given, and every other occurrence ignoring case. */
export function revealedHighlights(text: string, evidence: string, range?: { start?: number | undefined; end?: number | undefined }): Highlight[] {
  const highlights = occurrences(text, evidence, false).map(([start, end]) => ({ start, end, isOwn: true }));
  if (range?.start !== undefined && range.end !== undefined && range.start >= 0 && range.end <= text.length && range.start < range.end) {
    highlights.push({ start: range.start, end: range.end, isOwn: true });
  }
  return merged(highlights);
}

/** A text rendered as React text (never as HTML) with its highlights in <mark>. */
export function EvidenceText({ text, highlights, className }: { text: string; highlights: readonly Highlight[]; className?: string }) {
  const parts: { key: string; text: string; highlight?: Highlight }[] = [];
  let position = 0;
  for (const highlight of highlights) {
    if (highlight.start > position) parts.push({ key: `t${position}`, text: text.slice(position, highlight.start) });
    parts.push({ key: `m${highlight.start}`, text: text.slice(highlight.start, highlight.end), highlight });
    position = highlight.end;
  }
  if (position < text.length) parts.push({ key: `t${position}`, text: text.slice(position) });
  return (
    <p className={className}>
      {parts.map((part) =>
        part.highlight ? (
          <mark key={part.key} className={part.highlight.isOwn ? 'findings-mark-own' : undefined}>
            {part.text}
          </mark>
        ) : (
          <span key={part.key}>{part.text}</span>
        ),
      )}
    </p>
  );
}
