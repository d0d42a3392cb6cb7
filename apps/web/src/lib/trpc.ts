// The typed tRPC client of the dashboard. Only the *type* of the router crosses the boundary.
import type { AppRouter } from '@postern/api/router';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: 2,
        retryDelay: (attempt) => Math.min(1_000 * 2 ** attempt, 10_000),
      },
    },
  });
}

export function createTrpcClient() {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        // Same origin: the API serves the dashboard (and Vite proxies /trpc in development).
        url: '/trpc',
        fetch: (input, init) => fetch(input, { ...init, credentials: 'include' } as RequestInit),
      }),
    ],
  });
}
