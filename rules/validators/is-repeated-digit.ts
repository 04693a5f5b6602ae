/** True when every digit is the same one (`0000000000`), the placeholder that many checksums pass. */
export function isRepeatedDigit(digits: readonly number[]): boolean {
  return digits.every((digit) => digit === digits[0]);
}
