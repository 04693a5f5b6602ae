/**
 * Error classes grouped by what the caller should do with them, after crawlee's grouping:
 * only a TransientError is worth retrying; every other OvershareError is permanent.
 * Branch on `instanceof`, never on message text.
 */

/** Base of every error overshare raises on purpose; `code` is stable and safe to show. */
export abstract class OvershareError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A failure that will happen again on retry: the job fails at once and is kept for inspection. */
export class PermanentError extends OvershareError {
  readonly code: string = 'permanent';
}

/** A failure that may pass: retry with backoff, after `retryAfterMs` when the other side said so. */
export class TransientError extends OvershareError {
  readonly code: string = 'transient';
  readonly retryAfterMs: number | undefined;
  /** What kind of trouble it was, where the thrower knows: platform health counts failures by it. */
  readonly kind: TransientKind | undefined;

  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number; kind?: TransientKind }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
    this.kind = options?.kind;
  }
}

/** Kinds of passing trouble: no answer in time, a 5xx, a failed connection, a 429. */
export type TransientKind = 'timeout' | 'server_error' | 'network' | 'rate_limited';

/**
 * A feed that showed no posts at all where posts were expected (the account had posts before, or
 * is a canary): the platform's layout probably changed. Never read as "nothing new".
 */
export class EmptyFeedError extends PermanentError {
  override readonly code = 'empty_feed';
}

/** A platform refused us (login wall, captcha, block page): never bypassed, reported on the account. */
export class PlatformBlockedError extends PermanentError {
  override readonly code = 'platform_blocked';
  readonly platform: string;
  readonly reason: string;

  constructor(platform: string, reason: string, options?: ErrorOptions) {
    super(`${platform} blocked collection: ${reason}`, options);
    this.platform = platform;
    this.reason = reason;
  }
}

/** The environment or a configuration file is wrong; the message lists every problem found. */
export class ConfigError extends PermanentError {
  override readonly code = 'config';
}

/** One problem in user input, located by its path (YAML path, JSON pointer or CSV line). */
export interface InputIssue {
  /** Where the problem is, e.g. `sensitiveSites[0].radiusM` or `line 12`. */
  path: string;
  message: string;
  /** 1-based line and column in the source text, where known. */
  line?: number;
  column?: number;
}

/** User input (a policy file, an API body, a CSV row) failed validation; `issues` lists every problem. */
export class InputValidationError extends PermanentError {
  override readonly code = 'input_validation';
  readonly source: string;
  readonly issues: readonly InputIssue[];

  constructor(source: string, issues: readonly InputIssue[], options?: ErrorOptions) {
    super(formatIssues(source, issues), options);
    this.source = source;
    this.issues = issues;
  }
}

/** A thing that was asked for by id or name does not exist. */
export class NotFoundError extends PermanentError {
  override readonly code = 'not_found';
  readonly resource: string;
  readonly id: string;

  constructor(resource: string, id: string, options?: ErrorOptions) {
    super(`${resource} ${JSON.stringify(id)} was not found`, options);
    this.resource = resource;
    this.id = id;
  }
}

function formatIssues(source: string, issues: readonly InputIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => {
    const at = issue.line === undefined ? source : `${source}:${issue.line}:${issue.column ?? 1}`;
    return `  ${at}  ${issue.path || '(top level)'}: ${issue.message}`;
  });
  return [`${source} has ${count}:`, ...lines].join('\n');
}

/** True when retrying the operation that threw `error` may succeed. */
export function isRetryable(error: unknown): boolean {
  return error instanceof TransientError;
}
