/**
 * An Aho-Corasick automaton over UTF-16 code units: finds every occurrence of many literal
 * strings in one pass over a text. Written here rather than taken from npm because the package
 * measured (modern-ahocorasick 3.3, grapheme-aware) cost more per post than the rule engine's
 * whole per-post budget; see docs/benchmarks.md for the engine's measured throughput.
 */
export class PhraseAutomaton<Value> {
  readonly #next: Map<number, number>[] = [new Map<number, number>()];
  readonly #fail: number[] = [0];
  readonly #outputs: (readonly Hit<Value>[])[] = [[]];
  // Built on first search: a dense transition table (a DFA), one array read per character.
  // Columns are the code units that occur in the literals; every other unit is column 0.
  #columnOf = new Uint16Array(0);
  #width = 1;
  #table: Uint16Array | Int32Array = new Int32Array(0);
  #hasOutput = new Uint8Array(0);
  #isBuilt = false;

  /** Adds `text` (already in matching form) with its value; must come before the first search. */
  add(text: string, value: Value): void {
    if (this.#isBuilt) throw new Error('PhraseAutomaton: add() after the first search');
    if (text.length === 0) return;
    let state = 0;
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      const transitions = this.#next[state] ?? new Map<number, number>();
      let target = transitions.get(code);
      if (target === undefined) {
        target = this.#next.length;
        this.#next.push(new Map());
        this.#fail.push(0);
        this.#outputs.push([]);
        transitions.set(code, target);
      }
      state = target;
    }
    this.#outputs[state] = [...(this.#outputs[state] ?? []), { length: text.length, value }];
  }

  /** Every occurrence: `end` is exclusive, `start = end - length`. Overlaps included. */
  search(text: string): PhraseMatch<Value>[] {
    if (!this.#isBuilt) this.#build();
    const matches: PhraseMatch<Value>[] = [];
    const columnOf = this.#columnOf;
    const table = this.#table;
    const width = this.#width;
    const outputs = this.#outputs;
    const hasOutput = this.#hasOutput;
    let state = 0;
    for (let index = 0; index < text.length; index += 1) {
      state = table[state * width + (columnOf[text.charCodeAt(index)] ?? 0)] ?? 0;
      if (hasOutput[state] === 0) continue;
      const found = outputs[state];
      if (found === undefined) continue;
      for (const output of found) {
        matches.push({ start: index + 1 - output.length, end: index + 1, value: output.value });
      }
    }
    return matches;
  }

  /** Size of the compiled automaton, for benchmarks and diagnostics. */
  get stats(): { states: number; columns: number } {
    return { states: this.#next.length, columns: this.#width };
  }

  get isEmpty(): boolean {
    return this.#next.length === 1;
  }

  #build(): void {
    this.#isBuilt = true;
    this.#linkFailures();
    const codes = new Set<number>();
    for (const transitions of this.#next) for (const code of transitions.keys()) codes.add(code);
    this.#columnOf = new Uint16Array(0x10000);
    let column = 1;
    for (const code of codes) this.#columnOf[code] = column++;
    this.#width = column;
    // Half the memory (and cache misses) while state numbers fit in 16 bits.
    const table = this.#next.length <= 0xffff ? new Uint16Array(this.#next.length * column) : new Int32Array(this.#next.length * column);
    this.#hasOutput = Uint8Array.from(this.#outputs, (found) => (found.length > 0 ? 1 : 0));
    // States in breadth-first order, so a state's failure link is filled before the state.
    const order = [0];
    for (let head = 0; head < order.length; head += 1) for (const child of this.#next[order[head] ?? 0]?.values() ?? []) order.push(child);
    for (const state of order) {
      const transitions = this.#next[state];
      const fallback = (this.#fail[state] ?? 0) * column;
      for (const code of codes) {
        const columnIndex = this.#columnOf[code] ?? 0;
        const direct = transitions?.get(code);
        table[state * column + columnIndex] = direct ?? (state === 0 ? 0 : (table[fallback + columnIndex] ?? 0));
      }
    }
    this.#table = table;
  }

  #linkFailures(): void {
    const queue: number[] = [];
    for (const child of this.#next[0]?.values() ?? []) queue.push(child);
    for (let head = 0; head < queue.length; head += 1) {
      const state = queue[head] ?? 0;
      for (const [code, child] of this.#next[state] ?? []) {
        queue.push(child);
        let fallback = this.#fail[state] ?? 0;
        while (fallback !== 0 && !(this.#next[fallback]?.has(code) ?? false)) fallback = this.#fail[fallback] ?? 0;
        const failTarget = this.#next[fallback]?.get(code);
        const link = failTarget !== undefined && failTarget !== child ? failTarget : 0;
        this.#fail[child] = link;
        const inherited = this.#outputs[link] ?? [];
        if (inherited.length > 0) this.#outputs[child] = [...(this.#outputs[child] ?? []), ...inherited];
      }
    }
  }
}

interface Hit<Value> {
  readonly length: number;
  readonly value: Value;
}

export interface PhraseMatch<Value> {
  readonly start: number;
  readonly end: number;
  readonly value: Value;
}
