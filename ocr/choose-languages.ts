/**
 * Picks tesseract's languages for a page from a sample of it. Tesseract retries every doubtful word
 * in each language it has loaded, so reading in five languages cost two to three times reading in
 * one in development checks — even with the right language first, since a photographed page has
 * many doubtful words. Whether choosing pays depends on the feed (docs/benchmarks.md). So the page's longest lines are read first in all five, and the page is
 * then read in its own language, with English beside the non-Latin ones for the code names,
 * hosts, keys and currency codes such pages carry.
 */

const GREEK = /\p{Script=Greek}/gu;
const CYRILLIC = /\p{Script=Cyrillic}/gu;
const LATIN = /\p{Script=Latin}/gu;
// Letters one language of a script has and its neighbour has not.
const UKRAINIAN = /[іїєґІЇЄҐ]/gu;
const RUSSIAN = /[ыэъёЫЭЪЁ]/gu;
const POLISH = /[ąćęłńśźżĄĆĘŁŃŚŹŻ]/gu;

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** The language to read a page in first, from words read in a sample of it; undefined when the sample says too little. */
export function primaryLanguage(sample: readonly { readonly text: string; readonly confidence: number }[]): string | undefined {
  const text = sample
    .filter((word) => word.confidence >= 50)
    .map((word) => word.text)
    .join(' ');
  const greek = count(text, GREEK);
  const cyrillic = count(text, CYRILLIC);
  const latin = count(text, LATIN);
  if (greek + cyrillic + latin < 8) return undefined;
  // Greek and Cyrillic pages carry Latin too (EUR, code names, e-mail addresses): a fifth of the
  // letters in their script is enough to call the page theirs.
  if ((greek + cyrillic) * 4 >= latin) {
    if (greek >= cyrillic) return 'ell';
    return count(text, UKRAINIAN) > count(text, RUSSIAN) ? 'ukr' : 'rus';
  }
  return count(text, POLISH) > 0 ? 'pol' : 'eng';
}

const COMPANIONS: Readonly<Record<string, readonly string[]>> = { rus: ['eng'], ukr: ['eng'], ell: ['eng'], pol: ['eng'] };

/** The languages to read a page in: its own (and English beside a non-Latin one), or all of them when the sample could not tell. */
export function readingLanguages(available: readonly string[], primary: string | undefined): readonly string[] {
  if (primary === undefined || !available.includes(primary)) return available;
  return [primary, ...(COMPANIONS[primary] ?? []).filter((language) => available.includes(language))];
}
