/**
 * A sink URL as it may appear in errors and logs: scheme, host and port only, with `/…` standing
 * for any path. Webhook URLs often carry a secret in the path (`/hooks/T0/B0/XyZ…`) or the query,
 * so neither is ever shown.
 */
export function shownSinkUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' || url.pathname === '' ? '' : '/…'}`;
}
