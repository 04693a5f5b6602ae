/** True when the digits, check digit last, pass the Luhn (mod 10) checksum; false for no digits. */
export function hasLuhnChecksum(digits: readonly number[]): boolean {
  if (digits.length === 0) return false;
  let sum = 0;
  // Every second digit from the right, starting with the one left of the check digit, is doubled.
  digits.toReversed().forEach((digit, indexFromRight) => {
    const value = indexFromRight % 2 === 1 ? digit * 2 : digit;
    sum += value > 9 ? value - 9 : value;
  });
  return sum % 10 === 0;
}
