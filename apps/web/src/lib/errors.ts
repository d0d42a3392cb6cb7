import { TRPCClientError } from '@trpc/client';

/**
 * A short, human explanation of a failed API call. Errors from the API carry a code in `data.code`
 * (never parse messages for logic); transport failures have no data, only maybe an HTTP status.
 */
export function describeApiError(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: unknown } | undefined;
    if (data && typeof data.code === 'string') return `${data.code}: ${error.message}`;
    const response = error.meta?.response as { status?: unknown } | undefined;
    if (typeof response?.status === 'number')
      return `The server answered HTTP ${response.status} instead of the API.`;
    return 'The API did not answer: it may be stopped or restarting.';
  }
  return error instanceof Error ? error.message : 'Unknown error';
}
