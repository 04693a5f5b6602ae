import type { FindingEventPayload } from '../../../store/finding-event-payload.js';

/**
 * The finding's one-line title as SIEM events show it: the rule engine's title, or, when it gave
 * none, a generic one naming the category (`Possible internal host leak`), since every format
 * needs a non-empty name.
 */
export function findingTitle(payload: FindingEventPayload): string {
  if (payload.title !== null && payload.title.trim() !== '') return payload.title;
  return `Possible ${payload.category.replaceAll('_', ' ')} leak`;
}
