/**
 * Parses a PostgreSQL int8 (bigint) as a JavaScript number. Counts and sequence values stay far
 * below 2^53; a value beyond it would lose precision, so it is refused rather than rounded.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`int8 value ${text} does not fit a JavaScript number exactly`);
  }
  return value;
}
