/**
 * The Shannon entropy of the value in bits per character, counting Unicode code points (not UTF-16
 * units): 0 for an empty or single-symbol value, log2(n) for n equally frequent symbols.
 */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  let length = 0;
  for (const character of value) {
    counts.set(character, (counts.get(character) ?? 0) + 1);
    length += 1;
  }
  let bits = 0;
  for (const count of counts.values()) {
    const probability = count / length;
    bits -= probability * Math.log2(probability);
  }
  return bits;
}
