import { isDash, isSpace } from '../fold-character.js';

/**
 * The candidate with every space and dash removed (any Unicode white space, hyphen or dash, as the
 * text normaliser folds them), so grouped numbers like `4111 1111-1111 1111` compare as written
 * without them; every other character is kept.
 */
export function removeSeparators(candidate: string): string {
  let kept = '';
  for (const character of candidate) {
    const codePoint = character.codePointAt(0) ?? 0;
    if (!isSpace(codePoint) && !isDash(codePoint)) kept += character;
  }
  return kept;
}
