import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiRequest, setCsrfToken, setUnauthenticatedHandler } from '../api/api-client.js';
import { ApiError } from '../api/api-error.js';
import type { Session } from '../api/api-types.js';

/** What the app knows about who is signed in. */
export interface SessionState {
  /** undefined while the first check runs; null when signed out. */
  session: Session | null | undefined;
  /** Why the last session ended, when it ended by itself (expiry, revocation). */
  endedReason: 'expired' | undefined;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Whether the signed-in user holds this API permission (buttons for what they may not do are not shown). */
  can: (permission: string) => boolean;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

/** Loads the session on start, and forgets it (showing sign-in) whenever the API answers 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [endedReason, setEndedReason] = useState<'expired' | undefined>(undefined);

  const adopt = useCallback(
    (next: Session | null) => {
      setCsrfToken(next?.csrf_token ?? null);
      setSession(next);
      if (next === null) queryClient.clear();
    },
    [queryClient],
  );

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setEndedReason('expired');
      adopt(null);
    });
    apiRequest<Session>('GET', '/auth/session')
      .then((current) => adopt(current))
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.isUnauthenticated) setEndedReason(undefined);
        adopt(null);
      });
    return () => setUnauthenticatedHandler(undefined);
  }, [adopt]);

  const signIn = useCallback(
    async (username: string, password: string) => {
      const next = await apiRequest<Session>('POST', '/auth/login', { body: { username, password } });
      setEndedReason(undefined);
      adopt(next);
    },
    [adopt],
  );

  const signOut = useCallback(async () => {
    try {
      await apiRequest('POST', '/auth/logout');
    } finally {
      setEndedReason(undefined);
      adopt(null);
    }
  }, [adopt]);

  const value = useMemo<SessionState>(() => {
    const permissions = new Set(session?.permissions ?? []);
    return { session, endedReason, signIn, signOut, can: (permission) => permissions.has(permission) };
  }, [session, endedReason, signIn, signOut]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session; only inside SessionProvider. */
export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (state === undefined) throw new Error('useSession is used outside SessionProvider');
  return state;
}

/** The signed-in user's session; only on pages behind sign-in. */
export function useSignedIn(): Session & { can: (permission: string) => boolean } {
  const { session, can } = useSession();
  if (!session) throw new Error('useSignedIn is used on a page that does not require sign-in');
  return { ...session, can };
}
