// The signed-in user, from `auth.me`. UNAUTHENTICATED means signed out (not an error to show).
import type { User } from '@postern/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { isUnauthenticated } from '../../lib/api-errors.ts';
import { ME_QUERY_KEY, useTRPC } from '../../lib/trpc.ts';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed_out' }
  | { status: 'signed_in'; user: User }
  | { status: 'error'; error: unknown; retry: () => void; retrying: boolean };

export function useMeQuery() {
  const trpc = useTRPC();
  // Stale at once: every page that mounts a guard re-asks, so a session revoked elsewhere is noticed on
  // the next navigation (a cheap GET; concurrent observers share one request).
  return useQuery(trpc.auth.me.queryOptions(undefined, { staleTime: 0 }));
}

export function useSession(): SessionState {
  const me = useMeQuery();
  // A failed refetch keeps the old data: the error decides (a revoked session is signed out).
  if (me.error && isUnauthenticated(me.error)) return { status: 'signed_out' };
  if (me.data) return { status: 'signed_in', user: me.data };
  if (me.isPending) return { status: 'loading' };
  return { status: 'error', error: me.error, retry: () => void me.refetch(), retrying: me.isFetching };
}

function isMeKey(key: readonly unknown[]): boolean {
  const [path] = key;
  const [mePath] = ME_QUERY_KEY;
  return Array.isArray(path) && Array.isArray(mePath) && path.join('.') === mePath.join('.');
}

/** After sign-in: forget anything cached for a previous session, remember the user, go on. */
export function useCompleteSignIn() {
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const navigate = useNavigate();
  return useCallback(
    (user: User, next: string) => {
      queryClient.removeQueries({ predicate: (query) => !isMeKey(query.queryKey) });
      queryClient.setQueryData(trpc.auth.me.queryKey(), user);
      navigate(next, { replace: true });
    },
    [queryClient, trpc, navigate],
  );
}

/** After sign-out (or when the session is gone): drop every cached answer and go to sign-in. */
export function useForgetSession() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useCallback(
    (state?: { notice?: string }) => {
      queryClient.removeQueries();
      navigate('/sign-in', { replace: true, state });
    },
    [queryClient, navigate],
  );
}
