import regjsparser, { type AstNode } from 'regjsparser';

type Node = AstNode<{ lookbehind: true; namedGroups: true; unicodePropertyEscape: true }>;

/** Repetitions bounded below this count are cheap to nest; above it they act as unbounded. */
const LARGE_REPEAT = 50;

/** What to tell the author of a pattern isRegexSafe refuses. */
export const UNSAFE_REGEX_MESSAGE =
  'may take exponential time on some inputs (a repetition inside a repetition, such as (a+)+ or (\\d+\\s?)*); rewrite it so no repeated group can itself repeat';

/**
 * Whether a regular expression (Unicode mode) is free of the nested repetition that makes
 * backtracking take exponential time — `(a+)+`, `(\d+\s?)*` — the usual ReDoS shape. A
 * repetition bounded to a few occurrences (`(x{1,200}\.)?`) is allowed. Parsed with regjsparser
 * (the parser Babel uses), so lookbehind, named groups and `\p{…}` are understood. Returns false
 * for a pattern it cannot parse.
 */
export function isRegexSafe(source: string): boolean {
  let root: Node;
  try {
    root = regjsparser.parse(source, 'u', { lookbehind: true, namedGroups: true, unicodePropertyEscape: true });
  } catch {
    return false;
  }
  return !hasNestedRepetition(root, false);
}

function hasNestedRepetition(node: Node, insideRepeat: boolean): boolean {
  if (node.type === 'quantifier') {
    const isLarge = node.max === undefined || node.max >= LARGE_REPEAT;
    if (isLarge && insideRepeat) return true;
    return hasNestedRepetition(node.body[0], insideRepeat || isLarge);
  }
  if ('body' in node && Array.isArray(node.body)) {
    return (node.body as Node[]).some((child) =>
      hasNestedRepetition(child, insideRepeat),
    );
  }
  return false;
}
