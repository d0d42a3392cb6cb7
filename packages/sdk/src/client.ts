// createClient: validated options -> transport -> a tRPC client typed from the API's router.
import type { AppRouter } from '@postern/api/router';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { type ClientOptions, resolveOptions } from './options.ts';
import { createTransport } from './transport.ts';

/**
 * The Postern client: the API's procedures, e.g. `client.system.health.query()`.
 * Calls reject with a TRPCClientError; `toPosternError(error)` gives its code, status and request id.
 */
export type PosternClient = TRPCClient<AppRouter>;

export function createClient(options: ClientOptions): PosternClient {
  const resolved = resolveOptions(options);
  const transport = createTransport(resolved);
  return createTRPCClient<AppRouter>({
    // httpLink, not httpBatchLink: one HTTP request per call keeps one request id per call and lets
    // a failed call be retried on its own.
    links: [httpLink({ url: `${resolved.baseUrl}/trpc`, fetch: transport })],
  });
}
