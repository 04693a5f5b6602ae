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
export function isRegexSafe(source: string, options: { strict?: boolean } = {}): boolean {
  let root: Node;
  try {
    root = regjsparser.parse(source, 'u', { lookbehind: true, namedGroups: true, unicodePropertyEscape: true });
  } catch {
    return false;
  }
  if (options.strict === true && hasAnyNestedVariation(root, 1)) return false;
  return !hasNestedRepetition(root, false);
}

/**
 * The strict check, for patterns users write (the policy's employee-id pattern and allowlists),
 * which run over every post: no variable repetition inside another repetition at all —
 * `(?:a{1,40}){1,40}` backtracks for minutes on 35 characters though both bounds are small.
 */
function hasAnyNestedVariation(node: Node, outerMax: number): boolean {
  if (node.type === 'quantifier') {
    const max = node.max ?? Number.POSITIVE_INFINITY;
    if (max !== node.min && outerMax > 1) return true;
    return hasAnyNestedVariation(node.body[0], outerMax * max);
  }
  if ('body' in node && Array.isArray(node.body)) {
    return (node.body as Node[]).some((child) => hasAnyNestedVariation(child, outerMax));
  }
  return false;
}

/** The node inside any number of plain groups: `(?:(a|b))` → `a|b`. */
function unwrap(node: Node): Node {
  let current = node;
  while (current.type === 'group' && current.body.length === 1 && current.body[0] !== undefined) current = current.body[0];
  return current;
}

/**
 * Whether a repeated alternation may match the same text in two ways — `(\w|\d)+`, `(a|aa)+` —
 * which backtracks exponentially like nested repetition. Judged by each branch's first
 * character: two branches starting with the same literal, or either with a class, may overlap.
 * Conservative: `(?:[a-z]|-)+` is refused too; write `[a-z-]+`.
 */
function hasOverlappingBranches(node: Node): boolean {
  if (node.type !== 'disjunction') return false;
  const firsts = node.body.map(firstCharacter);
  for (let a = 0; a < firsts.length; a += 1) {
    for (let b = a + 1; b < firsts.length; b += 1) {
      const [first, second] = [firsts[a], firsts[b]];
      if (first === 'any' || second === 'any' || first === second) return true;
    }
  }
  return false;
}

/** The literal code point a branch must start with, or `any` when it may start with several. */
function firstCharacter(node: Node): number | 'any' {
  let current: Node | undefined = unwrap(node);
  while (current?.type === 'alternative') current = current.body[0] === undefined ? undefined : unwrap(current.body[0]);
  if (current?.type === 'value') return current.codePoint;
  return 'any';
}

function hasNestedRepetition(node: Node, insideRepeat: boolean): boolean {
  if (node.type === 'quantifier') {
    const isLarge = node.max === undefined || node.max >= LARGE_REPEAT;
    if (isLarge && insideRepeat) return true;
    if (isLarge && hasOverlappingBranches(unwrap(node.body[0]))) return true;
    return hasNestedRepetition(node.body[0], insideRepeat || isLarge);
  }
  if ('body' in node && Array.isArray(node.body)) {
    return (node.body as Node[]).some((child) =>
      hasNestedRepetition(child, insideRepeat),
    );
  }
  return false;
}
