/**
 * Progress of a many-input command on standard error, so standard output stays pure JSON lines.
 * On a terminal one line is rewritten in place; in a log (not a terminal) a line is written at
 * every tenth of the way. Fewer than PROGRESS_MIN_INPUTS inputs show nothing.
 */
const PROGRESS_MIN_INPUTS = 10;

export class ProgressLine {
  readonly #total: number;
  readonly #isTerminal = process.stderr.isTTY;
  #done = 0;
  #leaks = 0;
  #errors = 0;
  #lastTenth = 0;
  #shown = false;

  constructor(total: number) {
    this.#total = total;
  }

  advance(isLeak: boolean, isError: boolean): void {
    this.#done += 1;
    if (isLeak) this.#leaks += 1;
    if (isError) this.#errors += 1;
    if (this.#total < PROGRESS_MIN_INPUTS) return;
    if (this.#isTerminal) {
      process.stderr.write(`\r${this.#summary()}`);
      this.#shown = true;
      return;
    }
    const tenth = Math.floor((this.#done * 10) / this.#total);
    if (tenth > this.#lastTenth) {
      this.#lastTenth = tenth;
      process.stderr.write(`${this.#summary()}\n`);
    }
  }

  /** Takes the rewritten line away before something else is written to standard error. */
  clear(): void {
    if (this.#shown) process.stderr.write('\r\x1b[K');
    this.#shown = false;
  }

  finish(): void {
    if (this.#shown) process.stderr.write('\n');
    this.#shown = false;
  }

  #summary(): string {
    return `analyzed ${String(this.#done)}/${String(this.#total)} inputs: ${String(this.#leaks)} with leaks, ${String(this.#errors)} failed`;
  }
}
