/**
 * Corpus texts mark their evidence inline with braces: `Budget: {1 240 000 EUR}` renders as
 * "Budget: 1 240 000 EUR" and makes "1", "240", "000" and "EUR" evidence words. Keeping the mark
 * in the text itself means a template can never drift from its list of evidence words.
 */
export interface MarkedLine {
  /** The line as rendered, braces removed. */
  readonly text: string;
  /** Every whitespace-separated token of `text`. */
  readonly words: readonly string[];
  /** The tokens that were inside braces, in order (a multiset: repeats count twice). */
  readonly evidence: readonly string[];
}

/** Splits a marked line into its rendered text, its words and its evidence words. */
export function parseMarkedLine(marked: string): MarkedLine {
  const evidence: string[] = [];
  for (const [, inside] of marked.matchAll(/\{([^{}]*)\}/gu)) evidence.push(...tokens(inside ?? ''));
  const text = marked.replace(/[{}]/gu, '');
  return { text, words: tokens(text), evidence };
}

/** Whitespace-separated tokens of a text. */
export function tokens(text: string): string[] {
  return text.split(/\s+/u).filter((token) => token !== '');
}

/** Marks a whole phrase as evidence. */
export function mark(text: string): string {
  return `{${text}}`;
}
