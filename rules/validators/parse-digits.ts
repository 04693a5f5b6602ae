import { removeSeparators } from './remove-separators.js';

const ASCII_DIGITS = /^[0-9]+$/u;

/**
 * The candidate's digits as numbers once spaces and dashes are removed, or `undefined` when
 * anything but ASCII digits remains or nothing does.
 */
export function parseDigits(candidate: string): number[] | undefined {
  const compact = removeSeparators(candidate);
  if (!ASCII_DIGITS.test(compact)) return undefined;
  return Array.from(compact, (character) => Number(character));
}
