const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Masks matched evidence for export and for anyone who has not revealed it: the first and last
 * two characters stay (enough to recognise a known key), the rest become `*`, at most eight of
 * them so the mask does not give away the length of a long secret. Text of six characters or
 * fewer is masked whole. Characters are user-perceived ones (graphemes), so no letter is split.
 */
export function maskText(text: string): string {
  const characters = Array.from(graphemes.segment(text), (part) => part.segment);
  if (characters.length <= 6) return '*'.repeat(Math.max(characters.length, 1));
  const hidden = Math.min(characters.length - 4, 8);
  return `${characters.slice(0, 2).join('')}${'*'.repeat(hidden)}${characters.slice(-2).join('')}`;
}
