import type { QueryValue } from '../../api/api-client.js';
import type { Category, FindingState, Severity } from '../../api/api-types.js';

/** Every finding state, in the order of the queue's tabs. */
export const FINDING_STATES = ['new', 'in_review', 'reopened', 'resolved'] as const satisfies readonly FindingState[];
/** The states still waiting for a verdict: the queue's default tab. */
export const OPEN_STATES = ['new', 'in_review', 'reopened'] as const satisfies readonly FindingState[];
/** Every severity, highest first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const satisfies readonly Severity[];
// A record, so that a category the API gains but this list lacks fails the build.
const CATEGORY_SET: Record<Category, true> = {
  marking: true,
  secret: true,
  credential: true,
  pii: true,
  financial: true,
  codename: true,
  internal_host: true,
  employee_id: true,
  customer: true,
  personnel: true,
  product: true,
  security: true,
  fingerprint: true,
  location: true,
  takeover: true,
};
/** Every finding category, in the order menus list them. */
export const CATEGORIES = Object.keys(CATEGORY_SET) as readonly Category[];
/** The platforms accounts can be on: the accounts pages' list, checked complete against the API. */
export { PLATFORMS } from '../accounts/platforms.js';
/** The orders GET /findings offers. */
export const SORTS = ['created_at', 'updated_at', 'score', 'severity'] as const;

/** A tab of the queue: a set of states, or every finding. */
export type StateTab = 'open' | FindingState | 'all';

/**
 * The queue's filters as the URL query string holds them. The names are GET /findings' own
 * (state, severity, category, platform, account, owner, rule, created_from, created_to, text, sort,
 * order), so a URL copied from the address bar and an API query read alike; the one addition is
 * `state=all` (every state), because no `state` at all means the open ones.
 */
export interface FindingsFilters {
  tab: StateTab;
  severity: Severity[];
  category: string;
  platform: string;
  account: string;
  rule: string;
  owner: string;
  text: string;
  createdFrom: string;
  createdTo: string;
  sort: (typeof SORTS)[number];
  order: 'asc' | 'desc';
}

const LIST_PARAMETERS = ['category', 'platform', 'account', 'rule'] as const;

function listOf(search: URLSearchParams, name: string): string[] {
  return search
    .getAll(name)
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '');
}

function isOneOf<T extends string>(values: readonly T[], value: string | null | undefined): value is T {
  return values.some((candidate) => candidate === value);
}

function tabOf(states: readonly string[]): StateTab {
  if (states.length === 0) return 'open';
  if (states.length === 1 && states[0] === 'all') return 'all';
  if (states.length === 1 && isOneOf(FINDING_STATES, states[0])) return states[0];
  const sorted = [...new Set(states)].sort().join(',');
  if (sorted === [...OPEN_STATES].sort().join(',')) return 'open';
  return 'all';
}

/** The filters a URL query string holds; anything unknown or malformed falls back to its default. */
export function filtersFromSearch(search: URLSearchParams): FindingsFilters {
  const sort = search.get('sort');
  const order = search.get('order');
  const first = (name: (typeof LIST_PARAMETERS)[number]) => listOf(search, name)[0] ?? '';
  return {
    tab: tabOf(listOf(search, 'state')),
    severity: SEVERITIES.filter((severity) => listOf(search, 'severity').includes(severity)),
    category: first('category'),
    platform: first('platform'),
    account: first('account'),
    rule: first('rule'),
    owner: search.get('owner')?.trim() ?? '',
    text: search.get('text')?.trim() ?? '',
    createdFrom: dateOrEmpty(search.get('created_from')),
    createdTo: dateOrEmpty(search.get('created_to')),
    sort: isOneOf(SORTS, sort) ? sort : 'created_at',
    order: order === 'asc' ? 'asc' : 'desc',
  };
}

function dateOrEmpty(value: string | null): string {
  return value !== null && /^\d{4}-\d{2}-\d{2}$/u.test(value) ? value : '';
}

/** The URL query string of these filters: only what differs from the defaults, in a stable order. */
export function searchFromFilters(filters: FindingsFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.tab !== 'open') search.set('state', filters.tab);
  if (filters.severity.length > 0) search.set('severity', filters.severity.join(','));
  for (const name of LIST_PARAMETERS) if (filters[name] !== '') search.set(name, filters[name]);
  if (filters.owner !== '') search.set('owner', filters.owner);
  if (filters.text !== '') search.set('text', filters.text);
  if (filters.createdFrom !== '') search.set('created_from', filters.createdFrom);
  if (filters.createdTo !== '') search.set('created_to', filters.createdTo);
  if (filters.sort !== 'created_at') search.set('sort', filters.sort);
  if (filters.order !== 'desc') search.set('order', filters.order);
  return search;
}

/** The states a tab shows; undefined for every state. */
export function statesOf(tab: StateTab): readonly FindingState[] | undefined {
  if (tab === 'all') return undefined;
  if (tab === 'open') return OPEN_STATES;
  return [tab];
}

/** GET /findings/summary's query for these filters, leaving out the state or the severity so each tab and chip can show its own count. */
export function summaryQueryOf(filters: FindingsFilters, leaveOut?: 'state' | 'severity'): Record<string, QueryValue> {
  return {
    state: leaveOut === 'state' ? undefined : statesOf(filters.tab)?.join(','),
    severity: leaveOut === 'severity' || filters.severity.length === 0 ? undefined : filters.severity.join(','),
    category: filters.category,
    platform: filters.platform,
    account: filters.account,
    rule: filters.rule,
    owner: filters.owner,
    text: filters.text,
    created_from: filters.createdFrom,
    created_to: filters.createdTo,
  };
}

/** GET /findings' query for these filters, in their order. */
export function listQueryOf(filters: FindingsFilters): Record<string, QueryValue> {
  return { ...summaryQueryOf(filters), sort: filters.sort, order: filters.order, limit: 50 };
}

/**
 * The filters a view keeps: all but the owner and the search text, which can name a person or hold
 * the leaked value itself, and would outlive sign-out and erasure in this browser's storage.
 */
export function withoutPersonalFilters(search: string): string {
  const parameters = new URLSearchParams(search);
  parameters.delete('owner');
  parameters.delete('text');
  const kept = parameters.toString();
  return kept === '' ? '' : `?${kept}`;
}
