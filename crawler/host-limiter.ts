import PQueue from 'p-queue';

/** Limits of one platform's server: requests in flight and requests started per second. */
export interface HostLimits {
  concurrency: number;
  requestsPerSecond: number;
}

/**
 * Politeness per platform and host: each `platform host` pair gets its own queue with a
 * concurrency cap and a sliding-window rate (p-queue's strict mode), and can be paused until a
 * time the server named (Retry-After, X-RateLimit-Reset). Keyed by host as well as platform
 * because self-hosted instances (Mastodon, WordPress) are separate servers with separate limits.
 */
export class HostLimiter {
  readonly #limits: HostLimits;
  readonly #queues = new Map<string, PQueue>();
  readonly #resumeTimers = new Map<string, { until: number; timer: NodeJS.Timeout }>();

  constructor(limits: HostLimits) {
    this.#limits = limits;
  }

  /** Runs `task` when the key's queue allows; rejects with the signal's reason if aborted while waiting. */
  run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.#queue(key).add(task, { signal });
  }

  /** Starts nothing more for `key` until `untilMs` (epoch ms); a later pause extends an earlier one. */
  pauseUntil(key: string, untilMs: number): void {
    const waitMs = untilMs - Date.now();
    if (waitMs <= 0) return;
    const current = this.#resumeTimers.get(key);
    if (current !== undefined && current.until >= untilMs) return;
    if (current !== undefined) clearTimeout(current.timer);
    const queue = this.#queue(key);
    queue.pause();
    // Not unref'd: work queued behind a pause must keep a command alive until it runs (close() clears it).
    const timer = setTimeout(() => {
      this.#resumeTimers.delete(key);
      queue.start();
    }, waitMs);
    this.#resumeTimers.set(key, { until: untilMs, timer });
  }

  /** Epoch ms until which `key` is paused, if it is. */
  pausedUntil(key: string): number | undefined {
    return this.#resumeTimers.get(key)?.until;
  }

  /** Stops the resume timers (queued work stays queued). */
  close(): void {
    for (const { timer } of this.#resumeTimers.values()) clearTimeout(timer);
    this.#resumeTimers.clear();
  }

  /** Queues alive now (an idle, unpaused queue is dropped a second after its last task). */
  get size(): number {
    return this.#queues.size;
  }

  #queue(key: string): PQueue {
    let queue = this.#queues.get(key);
    if (queue === undefined) {
      const created = new PQueue({
        concurrency: this.#limits.concurrency,
        intervalCap: this.#limits.requestsPerSecond,
        interval: 1_000,
        strict: true,
      });
      // A long-running scheduler meets thousands of hosts (media CDNs above all): drop a queue once
      // it is idle, unpaused and its one-second rate window has passed, so memory stays bounded.
      created.on('idle', () => {
        setTimeout(() => {
          if (created.size === 0 && created.pending === 0 && !this.#resumeTimers.has(key) && this.#queues.get(key) === created) {
            this.#queues.delete(key);
          }
        }, 1_000).unref();
      });
      this.#queues.set(key, created);
      queue = created;
    }
    return queue;
  }
}
