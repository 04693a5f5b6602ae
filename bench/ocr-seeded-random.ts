/**
 * A small seeded PRNG (mulberry32) for the photo corpus: the same seed gives the same images on
 * every machine, so two engines measured a week apart read the same pixels. Not for security.
 */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    // Mix the seed once so nearby seeds (7, 8, 9 …) do not start with correlated outputs.
    this.#state = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** A float in [min, max). */
  range(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `probability`. */
  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** `count` distinct elements of `items` (all of them when the list is shorter), in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let index = copy.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.next() * (index + 1));
      [copy[index], copy[other]] = [copy[other]!, copy[index]!];
    }
    return copy;
  }

  /** An approximately normal float with mean 0 and standard deviation 1 (sum of uniforms). */
  normal(): number {
    // Four uniforms have variance 4/12; √3 scales it to 1.
    return (this.next() + this.next() + this.next() + this.next() - 2) * 1.732_050_808;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let text = '';
    for (let index = 0; index < length; index += 1) text += alphabet[Math.floor(this.next() * alphabet.length)] ?? '';
    return text;
  }

  /** A new generator derived from this one and a label, so sub-streams stay independent. */
  fork(label: number): SeededRandom {
    return new SeededRandom(Math.floor(this.next() * 4_294_967_296) ^ Math.imul(label + 1, 0x27d4eb2d));
  }
}
