/**
 * True for the HTTP statuses a sink sender retries: 408 (request timeout), 429 (rate limited) and
 * every 5xx (the receiver or a gateway in front of it is failing or busy). Every other non-2xx
 * answer is permanent until someone changes the sink's configuration.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}
