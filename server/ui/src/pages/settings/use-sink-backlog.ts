import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../api/api-client.js';
import type { EventPage, Sink } from '../../api/api-types.js';
import { useSignedIn } from '../../session/session-context.js';

/** How far the backlog is counted: past this, "more than". */
export const BACKLOG_LIMIT = 500;

/** What a sink has not delivered yet: how many events (up to BACKLOG_LIMIT) and when the oldest of them happened. */
export interface SinkBacklog {
  count: number;
  hasMore: boolean;
  oldestAt: string | null;
}

/**
 * A sink's backlog, read from the pull feed after the sink's own cursor (GET /events, events:read);
 * undefined while loading, null when the signed-in role may not read the feed.
 */
export function useSinkBacklog(sink: Pick<Sink, 'id' | 'cursor'>): { backlog: SinkBacklog | null | undefined; error: unknown } {
  const session = useSignedIn();
  const canRead = session.can('events:read');
  const query = useQuery({
    queryKey: ['sinks', sink.id, 'backlog', sink.cursor],
    queryFn: async ({ signal }) => {
      const page = await apiRequest<EventPage>('GET', '/events', { query: { after: sink.cursor, limit: BACKLOG_LIMIT, format: 'native' }, signal });
      const oldest = page.events[0]?.occurred_at;
      return { count: page.events.length, hasMore: page.has_more, oldestAt: typeof oldest === 'string' ? oldest : null } satisfies SinkBacklog;
    },
    enabled: canRead,
    refetchInterval: 30_000,
  });
  if (!canRead) return { backlog: null, error: undefined };
  return { backlog: query.data, error: query.error ?? undefined };
}
