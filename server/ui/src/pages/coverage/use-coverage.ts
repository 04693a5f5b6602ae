import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../api/api-client.js';
import type { CoverageGapList, CoverageSummary } from '../../api/api-types.js';
import { useSignedIn } from '../../session/session-context.js';

/** How often the banner and the coverage page ask again: health is judged over hours, a minute is fresh enough. */
export const COVERAGE_REFRESH_MS = 60_000;
const GAP_PAGE_SIZE = 50;

/** GET /coverage, shared by the banner and the coverage page (one request, one answer for both); idle without `coverage:read`. */
export function useCoverageSummary() {
  const { can } = useSignedIn();
  return useQuery({
    queryKey: ['coverage', 'summary'],
    queryFn: ({ signal }) => apiRequest<CoverageSummary>('GET', '/coverage', { signal }),
    enabled: can('coverage:read'),
    refetchInterval: COVERAGE_REFRESH_MS,
  });
}

/** Pages of GET /coverage/gaps in one state (open or closed), newest detected first, for one platform or all. */
export function useCoverageGaps(state: 'open' | 'closed', platform: string | undefined) {
  return useInfiniteQuery({
    queryKey: ['coverage', 'gaps', { state, platform }],
    queryFn: ({ pageParam, signal }) =>
      apiRequest<CoverageGapList>('GET', '/coverage/gaps', { query: { state, platform, cursor: pageParam, limit: GAP_PAGE_SIZE }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    refetchInterval: COVERAGE_REFRESH_MS,
  });
}
