import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { apiRequest } from '../../api/api-client.js';
import type { ApiKey, UserList } from '../../api/api-types.js';
import { useSignedIn } from '../../session/session-context.js';

/**
 * Names for the user and API key ids of audit entries, from GET /users and GET /keys when the
 * signed-in role may read them; others see the ids (an auditor may not list users or keys).
 */
export function useActorNames(): ReadonlyMap<string, string> {
  const session = useSignedIn();
  const canUsers = session.can('users:admin');
  const canKeys = session.can('keys:admin');
  const users = useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) => apiRequest<UserList>('GET', '/users', { signal }),
    enabled: canUsers,
    staleTime: 60_000,
  });
  const keys = useQuery({
    queryKey: ['keys'],
    queryFn: ({ signal }) => apiRequest<{ items: ApiKey[] }>('GET', '/keys', { signal }),
    enabled: canKeys,
    staleTime: 60_000,
  });
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const user of users.data?.items ?? []) names.set(user.id, user.username);
    for (const key of keys.data?.items ?? []) names.set(key.id, `${key.name} (${key.prefix})`);
    return names;
  }, [users.data, keys.data]);
}
