import type { Category } from '../../../core/policy-schema.js';
import type { FindingEventPayload } from '../../../store/finding-event-payload.js';

// A takeover is not a leak: a hijacked corporate account gets a title of its own.
const GENERIC_TITLES: Readonly<Partial<Record<Category, string>>> = { takeover: 'Possible account takeover' };

/**
 * The finding's one-line title as SIEM events show it: the rule engine's title, or, when it gave
 * none, a generic one naming the category (`Possible internal host leak`, `Possible account
 * takeover`), since every format needs a non-empty name.
 */
export function findingTitle(payload: FindingEventPayload): string {
  if (payload.title !== null && payload.title.trim() !== '') return payload.title;
  return GENERIC_TITLES[payload.category] ?? `Possible ${payload.category.replaceAll('_', ' ')} leak`;
}
