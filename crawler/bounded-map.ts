/**
 * A Map that holds at most `maxEntries` entries: setting a key makes it the newest, and once the
 * map is full the entry set longest ago is dropped. For the adapters' small in-process caches
 * (feed URLs found on a site's home page, Mastodon account ids), so a crawler that runs for months
 * over many accounts keeps a bounded amount of memory.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #maxEntries: number;

  /** `maxEntries` must be a positive integer. */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`a BoundedMap holds at least one entry, not ${maxEntries}`);
    this.#maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Stores `value` under `key` as the newest entry, dropping the oldest entry when the map is full. */
  set(key: K, value: V): this {
    // Deleting first moves a key that is set again to the end of Map's insertion order.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }
}
