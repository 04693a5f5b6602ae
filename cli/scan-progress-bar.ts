import type { ScanProgress } from '../store/repositories/scan-runs-repository.js';

/**
 * A scan's progress on standard error: on a terminal, one line rewritten in place with a bar for
 * the accounts and counts of posts, images and findings; in a log, a line whenever the counts
 * change, at most every five seconds.
 */
export class ScanProgressBar {
  readonly #isTerminal = process.stderr.isTTY;
  #lastLine = '';
  #lastWrittenAt = 0;
  #shown = false;

  update(progress: ScanProgress): void {
    const line = describeProgress(progress);
    if (line === this.#lastLine) return;
    this.#lastLine = line;
    if (this.#isTerminal) {
      const width = 20;
      const share = progress.accounts.total === 0 ? 1 : progress.accounts.done / progress.accounts.total;
      const filled = Math.round(share * width);
      process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${line}`);
      this.#shown = true;
      return;
    }
    if (Date.now() - this.#lastWrittenAt < 5_000 && !progress.isDone) return;
    this.#lastWrittenAt = Date.now();
    process.stderr.write(`${line}\n`);
  }

  finish(): void {
    if (this.#shown) process.stderr.write('\n');
    this.#shown = false;
  }
}

/** `accounts 3/6 · posts 25 (12 waiting) · images 2/4 · findings 7`. */
export function describeProgress(progress: ScanProgress): string {
  const { accounts, posts, images } = progress;
  return [
    `accounts ${accounts.done}/${accounts.total}`,
    `posts ${posts.total}${posts.pending > 0 ? ` (${posts.pending} waiting)` : ''}`,
    `images ${images.total - images.pending}/${images.total}`,
    `findings ${progress.findings}`,
  ].join(' · ');
}
