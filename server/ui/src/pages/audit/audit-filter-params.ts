import type { QueryValue } from '../../api/api-client.js';

/** The audit filters the URL holds, named as GET /audit names them. */
export const AUDIT_FILTER_NAMES = ['actor_type', 'actor_id', 'action', 'target_type', 'target_id', 'from', 'to'] as const;

export type AuditFilterName = (typeof AUDIT_FILTER_NAMES)[number];

/** The filters as the URL holds them; `from` and `to` as a date-time input writes them (local time, no zone). */
export type AuditFilters = Partial<Record<AuditFilterName, string>>;

/** The filters present and non-empty in the URL's search parameters. */
export function readAuditFilters(searchParams: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  for (const name of AUDIT_FILTER_NAMES) {
    const value = searchParams.get(name)?.trim();
    if (value !== undefined && value !== '') filters[name] = value;
  }
  return filters;
}

/** GET /audit's query for the filters: local date-times become instants with an offset; one that is not a date is sent as is, for the API to refuse with its reason. */
export function toAuditQuery(filters: AuditFilters): Record<string, QueryValue> {
  const query: Record<string, QueryValue> = { ...filters };
  for (const name of ['from', 'to'] as const) {
    const value = filters[name];
    if (value === undefined) continue;
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime())) query[name] = instant.toISOString();
  }
  return query;
}
