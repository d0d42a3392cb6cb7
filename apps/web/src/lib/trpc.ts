// The typed tRPC client of the dashboard. Only the *type* of the router crosses the boundary.

import type { AppRouter } from '@postern/api/router';
import { CSRF_HEADER, TRPC_MAX_BATCH_SIZE } from '@postern/contracts/constants';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { apiErrorData, isClientError } from './api-errors.ts';
import { authLink } from './auth-link.ts';
import { readCsrfToken } from './cookies.ts';
import { browserRefresherDeps, createRefresher } from './refresh.ts';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The prefix of the `auth.me` query key (the signed-in user): reset it when the session ends. */
export const ME_QUERY_KEY = [['auth', 'me']];

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A refused request (signed out, not found, rate limited…) gets the same answer again.
        retry: (failures, error) => failures < 2 && !isClientError(error),
        retryDelay: (attempt) => Math.min(1_000 * 2 ** attempt, 10_000),
      },
    },
  });
}

// Same origin: the API serves the dashboard (and Vite proxies /trpc in development).
const TRPC_URL = '/trpc';

const withCredentials = (input: RequestInfo | URL, init?: RequestInit) =>
  fetch(input, { ...init, credentials: 'include' } as RequestInit);

/** Double-submit CSRF: every request echoes the readable CSRF cookie (`pst_csrf`, `__Host-pst_csrf` under https) in a header. */
function csrfHeaders(): Record<string, string> {
  const token = readCsrfToken(document.cookie);
  return token ? { [CSRF_HEADER]: token } : {};
}

export interface TrpcClientOptions {
  /** Called when the session is over (revoked elsewhere, expired, refresh refused). */
  onSessionLost?: () => void;
}

export function createTrpcClient(options: TrpcClientOptions = {}) {
  // Refreshes go through their own client, outside the auth link (a refresh never refreshes itself).
  // `keepalive`: if the page is reloaded or left while a refresh is in flight, the browser still
  // completes it and stores the rotated cookies; otherwise the server would have rotated the refresh
  // token while the browser kept the old one, and its next use would count as token theft.
  const refreshClient = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: TRPC_URL,
        fetch: (input, init) => withCredentials(input, { ...init, keepalive: true } as RequestInit),
        headers: csrfHeaders,
      }),
    ],
  });
  const refresh = createRefresher(
    browserRefresherDeps(async () => {
      try {
        await refreshClient.auth.refresh.mutate();
        return true;
      } catch (error) {
        // The server answered no: the session is over. No answer at all: let the caller report that.
        if (apiErrorData(error)) return false;
        throw error;
      }
    }),
  );

  return createTRPCClient<AppRouter>({
    links: [
      authLink<AppRouter>({ refresh, onSessionLost: () => options.onSessionLost?.() }),
      httpBatchLink({
        url: TRPC_URL,
        fetch: withCredentials,
        headers: csrfHeaders,
        // The server refuses a batched request with more calls than this: split batches at it.
        maxItems: TRPC_MAX_BATCH_SIZE,
      }),
    ],
  });
}
