/**
 * Tesseract with Greek and Russian loaded together reads Greek capitals as their Cyrillic
 * look-alikes: ΑΠΟΡΡΗΤΟ comes out as Cyrillic "АПОРРНТО", which no Greek rule matches and the
 * rule engine's mixed-script folding cannot see (the word is all Cyrillic). On a page whose text is
 * plainly Greek, words written only in letters that have a Greek twin are rewritten in Greek.
 */

const TO_GREEK = new Map<string, string>(
  Object.entries({
    // Cyrillic capitals and small letters with a Greek twin.
    А: 'Α', В: 'Β', Г: 'Γ', Е: 'Ε', З: 'Ζ', И: 'Η', К: 'Κ', Л: 'Λ', М: 'Μ', Н: 'Η', О: 'Ο', П: 'Π', Р: 'Ρ', С: 'Σ', Т: 'Τ', У: 'Υ', Ф: 'Φ', Х: 'Χ', І: 'Ι',
    а: 'α', в: 'β', г: 'γ', е: 'ε', к: 'κ', л: 'λ', о: 'ο', п: 'π', р: 'ρ', т: 'τ', у: 'γ', ф: 'φ', х: 'χ', і: 'ι',
    // Latin capitals with a Greek twin, for words that mix them with Cyrillic or Greek.
    A: 'Α', B: 'Β', E: 'Ε', H: 'Η', I: 'Ι', K: 'Κ', M: 'Μ', N: 'Ν', O: 'Ο', P: 'Ρ', T: 'Τ', X: 'Χ', Y: 'Υ', Z: 'Ζ',
  }),
);

const GREEK = /\p{Script=Greek}/u;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LETTER = /\p{L}/u;
// Letters only one script has: evidence of which script the page is written in.
const PLAINLY_GREEK = /[βγδζθλξπσςφψωάέήίόύώΓΔΘΛΞΠΣΦΨΩ]/gu;
const PLAINLY_CYRILLIC = /[бджйцчшщъыьэюяєїґБДЖЙЦЧШЩЪЫЬЭЮЯЄЇҐ]/gu;

/**
 * Rewrites look-alike words on Greek lines. Each line is judged by its own letters (a page can mix
 * a Russian paragraph with a Greek one); a line too short to tell is judged by the whole page.
 */
export function fixScriptLookalikes<T extends { readonly text: string; readonly line?: number }>(words: readonly T[]): T[] {
  const pageIsGreek = isGreek(words.map((word) => word.text).join(' '));
  const lineIsGreek = new Map<number | undefined, boolean | undefined>();
  for (const word of words) {
    if (lineIsGreek.has(word.line)) continue;
    const line = words.filter((other) => other.line === word.line).map((other) => other.text).join(' ');
    lineIsGreek.set(word.line, word.line === undefined ? pageIsGreek : isGreek(line));
  }
  return words.map((word) => {
    if (!(lineIsGreek.get(word.line) ?? pageIsGreek ?? false)) return word;
    const rewritten = toGreek(word.text);
    return rewritten === undefined ? word : { ...word, text: rewritten };
  });
}

/** True or false when the text has enough plainly Greek or plainly Cyrillic letters to tell, else undefined. */
function isGreek(text: string): boolean | undefined {
  const greek = text.match(PLAINLY_GREEK)?.length ?? 0;
  const cyrillic = text.match(PLAINLY_CYRILLIC)?.length ?? 0;
  if (greek + cyrillic < 3) return undefined;
  return greek >= cyrillic * 3;
}

function toGreek(text: string): string | undefined {
  const letters = Array.from(text).filter((character) => LETTER.test(character));
  // Latin-only words on a Greek page are usually real (brands, English terms): leave them.
  if (!letters.some((character) => CYRILLIC.test(character) || GREEK.test(character))) return undefined;
  if (letters.every((character) => GREEK.test(character))) return undefined;
  if (!letters.every((character) => GREEK.test(character) || TO_GREEK.has(character))) return undefined;
  return text.replace(/\p{L}/gu, (character) => TO_GREEK.get(character) ?? character);
}
