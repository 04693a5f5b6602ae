/**
 * The sum of each digit times the weight at its position, over the first `weights.length` digits;
 * throws a `RangeError` when there are fewer digits than weights.
 */
export function weightedSum(digits: readonly number[], weights: readonly number[]): number {
  if (digits.length < weights.length) {
    throw new RangeError(`${weights.length} weights need as many digits, got ${digits.length}`);
  }
  return weights.reduce((sum, weight, index) => sum + weight * (digits[index] ?? 0), 0);
}
