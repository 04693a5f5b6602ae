import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api/api-client.js';
import type { Account, DeleteAccountResult, StartedScan } from '../../api/api-types.js';

// The refreshes after a change are not awaited, so that a caller's own onSuccess runs while its row is still shown.

/** Starts a scan of one account now; the accounts and scans shown are refreshed after. */
export function useScanAccountNow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, isFull }: { id: string; isFull: boolean }) => apiRequest<StartedScan>('POST', `/accounts/${encodeURIComponent(id)}/scan`, { body: { full: isFull } }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['accounts'] });
      void queryClient.invalidateQueries({ queryKey: ['scans'] });
    },
  });
}

/** Enables or disables scanning of one account (nothing is deleted); the accounts shown are refreshed after. */
export function useSetAccountActive() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, isActive }: { id: string; isActive: boolean }) => apiRequest<Account>('PATCH', `/accounts/${encodeURIComponent(id)}`, { body: { active: isActive } }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ['accounts'] }),
  });
}

/** Deletes one account with what it holds; without `isForced` the API refuses (409) while it has findings. */
export function useRemoveAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, isForced }: { id: string; isForced: boolean }) =>
      apiRequest<DeleteAccountResult>('DELETE', `/accounts/${encodeURIComponent(id)}`, { query: { force: isForced ? 'true' : undefined } }),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['accounts', 'list'] });
      void queryClient.invalidateQueries({ queryKey: ['findings'] });
    },
  });
}
