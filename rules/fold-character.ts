/** The writing system of a folded letter, for homoglyph resolution. */
export const Script = { None: 0, Latin: 1, Cyrillic: 2, Greek: 3, OtherLetter: 4, Digit: 5 } as const;
export type Script = (typeof Script)[keyof typeof Script];
export type LetterScript = typeof Script.Latin | typeof Script.Cyrillic | typeof Script.Greek;

// Letters that look alike across Latin, Cyrillic and Greek in upper or lower case, keyed by the
// folded (lower-case, diacritic-free) letter. A mixed-script word is rewritten in its main script.
const LOOKALIKES: readonly (readonly [latin: string, cyrillic: string, greek: string])[] = [
  ['a', 'а', 'α'],
  ['b', 'в', 'β'],
  ['c', 'с', ''],
  ['e', 'е', 'ε'],
  ['h', 'н', 'η'],
  ['i', 'і', 'ι'],
  ['j', 'ј', ''],
  ['k', 'к', 'κ'],
  ['m', 'м', 'μ'],
  ['n', '', 'ν'],
  ['o', 'о', 'ο'],
  ['p', 'р', 'ρ'],
  ['s', 'ѕ', ''],
  ['t', 'т', 'τ'],
  ['x', 'х', 'χ'],
  ['y', 'у', 'υ'],
  ['z', '', 'ζ'],
];

/** For each script, the letter of that script that a look-alike from another script stands for. */
export const LOOKALIKE_TO_SCRIPT: Readonly<Record<LetterScript, ReadonlyMap<string, string>>> =
  buildLookalikeMaps();

/** Folded letters that have a look-alike in another script (so they do not decide a word's script). */
export const AMBIGUOUS_LETTERS: ReadonlySet<string> = new Set(
  LOOKALIKES.flatMap((row) => row.filter((letter) => letter !== '')),
);

function buildLookalikeMaps() {
  const latin = new Map<string, string>();
  const cyrillic = new Map<string, string>();
  const greek = new Map<string, string>();
  for (const [l, c, g] of LOOKALIKES) {
    for (const [map, own, others] of [
      [latin, l, [c, g]],
      [cyrillic, c, [l, g]],
      [greek, g, [l, c]],
    ] as const) {
      if (own === '') continue;
      for (const other of others) if (other !== '') map.set(other, own);
    }
  }
  return { [Script.Latin]: latin, [Script.Cyrillic]: cyrillic, [Script.Greek]: greek } as const;
}

// Letters NFKD does not decompose but readers (and OCR) treat as their base letter.
const EXTRA_FOLDS: ReadonlyMap<string, string> = new Map([
  ['ł', 'l'],
  ['ø', 'o'],
  ['đ', 'd'],
  ['ı', 'i'],
  ['ς', 'σ'],
  ['ß', 'ss'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ґ', 'г'],
  ['ё', 'е'],
]);

const foldCache = new Map<number, string>();
const scriptCache = new Map<number, Script>();

/**
 * The matching form of one code point: lower case, compatibility-decomposed (NFKD), with
 * combining marks (accents, broken diacritics) removed. May be empty or several characters.
 */
export function foldCharacter(codePoint: number): string {
  let folded = foldCache.get(codePoint);
  if (folded === undefined) {
    const lower = String.fromCodePoint(codePoint).toLowerCase();
    folded = '';
    for (const part of lower.normalize('NFKD')) {
      if (/\p{M}/u.test(part)) continue;
      const base = part.toLowerCase();
      folded += EXTRA_FOLDS.get(base) ?? base;
    }
    foldCache.set(codePoint, folded);
  }
  return folded;
}

/** The script of a folded character (one UTF-16 unit or surrogate pair). */
export function scriptOf(codePoint: number): Script {
  if (codePoint >= 0x61 && codePoint <= 0x7a) return Script.Latin;
  if (codePoint >= 0x30 && codePoint <= 0x39) return Script.Digit;
  if (codePoint < 0x80) return Script.None;
  let script = scriptCache.get(codePoint);
  if (script === undefined) {
    const character = String.fromCodePoint(codePoint);
    if (/\p{Script=Cyrillic}/u.test(character)) script = Script.Cyrillic;
    else if (/\p{Script=Greek}/u.test(character)) script = Script.Greek;
    else if (/\p{Script=Latin}/u.test(character)) script = Script.Latin;
    else if (/\p{L}/u.test(character)) script = Script.OtherLetter;
    else if (/\p{N}/u.test(character)) script = Script.Digit;
    else script = Script.None;
    scriptCache.set(codePoint, script);
  }
  return script;
}

/** Zero-width characters and soft hyphens: invisible, dropped before matching. */
export function isInvisible(codePoint: number): boolean {
  return codePoint === 0xad || (codePoint >= 0x200b && codePoint <= 0x200d) || codePoint === 0x2060 || codePoint === 0xfeff;
}

/** Hyphens and dashes of every width, folded to `-`. */
export function isDash(codePoint: number): boolean {
  return (
    codePoint === 0x2d ||
    (codePoint >= 0x2010 && codePoint <= 0x2015) ||
    codePoint === 0x2212 ||
    codePoint === 0xfe58 ||
    codePoint === 0xfe63 ||
    codePoint === 0xff0d
  );
}

/** Any Unicode white space, including no-break spaces. */
export function isSpace(codePoint: number): boolean {
  return (
    codePoint === 0x20 ||
    (codePoint >= 0x09 && codePoint <= 0x0d) ||
    codePoint === 0xa0 ||
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000
  );
}
