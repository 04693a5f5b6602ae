import type { EventFormat } from '../../server/siem/formats/event-formats.js';
import { latencyPercentiles, type LatencyPercentiles } from './latency-percentiles.js';

/** Reading the feed in one format from its start. */
export interface EventFeedResult {
  format: EventFormat;
  events: number;
  pages: number;
  eventsPerS: number;
  /** Each page of 1,000 events, request to whole body. */
  pageLatency: LatencyPercentiles;
}

/** The feed goal of the issue, in events per second. */
export const FEED_GOAL_EVENTS_PER_S = 5_000;

const PAGE_SIZE = 1_000;

/**
 * Pages through `GET /api/v1/events` with a SIEM role's API key, `limit=1000`, from the oldest
 * event on, following `next_cursor` one page at a time as a pulling SIEM would, until `has_more`
 * is false or `maxEvents` were read. The body is read whole and parsed as JSON (as a consumer must).
 */
export async function measureEventFeed(options: { url: string; token: string; format: EventFormat; maxEvents: number }): Promise<EventFeedResult> {
  const samples: number[] = [];
  let events = 0;
  let after: string | undefined;
  const began = performance.now();
  for (;;) {
    const path = `/api/v1/events?limit=${String(PAGE_SIZE)}&format=${options.format}${after === undefined ? '' : `&after=${after}`}`;
    const pageBegan = performance.now();
    const response = await fetch(`${options.url}${path}`, { headers: { authorization: `Bearer ${options.token}` } });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path} answered ${String(response.status)}: ${text.slice(0, 300)}`);
    const page = JSON.parse(text) as { events: unknown[]; next_cursor: string; has_more: boolean };
    samples.push(performance.now() - pageBegan);
    events += page.events.length;
    after = page.next_cursor;
    if (!page.has_more || events >= options.maxEvents) break;
  }
  const seconds = (performance.now() - began) / 1000;
  return { format: options.format, events, pages: samples.length, eventsPerS: events / seconds, pageLatency: latencyPercentiles(samples) };
}
