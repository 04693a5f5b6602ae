/** One located problem of a 400 reply (`issues` of the API's problem+json). */
export interface ProblemItem {
  path: string;
  message: string;
  line?: number;
}

/** A failed API call: the HTTP status and the problem+json the API sent (or a stand-in for a network failure). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly problems: readonly ProblemItem[];
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, title: string, detail?: string, problems: readonly ProblemItem[] = [], retryAfterSeconds?: number) {
    super(detail ?? title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.problems = problems;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Whether the session ended (expired, signed out elsewhere, user disabled): sign in again. */
  get isUnauthenticated(): boolean {
    return this.status === 401;
  }
}

/** Status 0: the server could not be reached at all. */
export const NETWORK_ERROR_STATUS = 0;
