// The bulk job queries and their cache: the list (keyset pages), one job (live: server-sent events,
// or polling when those fail), pages of results, and what to refresh after a change.
import type { BulkResultFilter } from '@postern/contracts';
import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RouterOutputs } from '../../lib/router-types.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { applyProgress, eventsUrl, isActive, parseProgressEvent } from './bulk-model.ts';

export type BulkJob = RouterOutputs['bulk']['get'];
export type BulkResult = RouterOutputs['bulk']['results']['items'][number];
export type BulkPreviewResult = RouterOutputs['bulk']['preview'];

export const JOBS_PAGE_SIZE = 20;
export const RESULTS_PAGE_SIZE = 50;
/** Polling interval when live events are not available. */
export const POLL_MS = 2_000;

/** The deployment's upload limits (they change only with the server's configuration). */
export function useBulkLimits() {
  const trpc = useTRPC();
  return useQuery(trpc.bulk.limits.queryOptions(undefined, { staleTime: 10 * 60_000 }));
}

/** The workspace's jobs, newest first; refreshed every few seconds while one of them is running. */
export function useJobsList(workspaceId: string) {
  const trpc = useTRPC();
  return useInfiniteQuery(
    trpc.bulk.list.infiniteQueryOptions(
      { workspaceId, limit: JOBS_PAGE_SIZE },
      {
        staleTime: 0,
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        refetchInterval: (query) =>
          query.state.data?.pages.some((page) => page.jobs.some((job) => isActive(job.status)))
            ? 3_000
            : false,
      },
    ),
  );
}

/** Everything that shows jobs or their results: re-read after a change (cancel, retry, delete, upload). */
export function useInvalidateBulk() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useCallback(
    () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: trpc.bulk.list.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.bulk.get.pathKey() }),
        queryClient.invalidateQueries({ queryKey: trpc.bulk.results.pathKey() }),
      ]),
    [queryClient, trpc],
  );
}

export type LiveMode = 'connecting' | 'live' | 'polling' | 'idle';

/**
 * One job, kept current while it runs: progress arrives as server-sent events (`progress`, then
 * `done`) and is written into the `bulk.get` cache; when the event stream fails, `bulk.get` is polled
 * every 2 s instead. When the job finishes, the job (dates, summary), its results, the list and the
 * notifications are re-read.
 */
export function useLiveJob(workspaceId: string, jobId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [streamFailed, setStreamFailed] = useState(false);
  const [connected, setConnected] = useState(false);
  const input = { workspaceId, jobId };
  const queryKey = trpc.bulk.get.queryKey(input);
  const job = useQuery(
    trpc.bulk.get.queryOptions(input, {
      staleTime: 0,
      refetchInterval: (query) =>
        query.state.data && isActive(query.state.data.status) && (streamFailed || !hasEventSource())
          ? POLL_MS
          : false,
    }),
  );
  const active = job.data ? isActive(job.data.status) : false;

  const finished = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: trpc.bulk.get.queryKey(input) });
    void queryClient.invalidateQueries({ queryKey: trpc.bulk.results.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.bulk.list.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.notifications.list.pathKey() });
  }, [queryClient, trpc, workspaceId, jobId]);

  // The event stream, while the job is active and the stream has not failed.
  useEffect(() => {
    if (!active || streamFailed || !hasEventSource()) return;
    const source = new EventSource(eventsUrl(workspaceId, jobId), { withCredentials: true });
    let closed = false;
    const apply = (event: MessageEvent<string>) => {
      const progress = parseProgressEvent(event.data);
      if (!progress) return;
      queryClient.setQueryData(queryKey, (old: BulkJob | undefined) =>
        old ? applyProgress(old, progress) : old,
      );
      return progress;
    };
    source.addEventListener('open', () => setConnected(true));
    source.addEventListener('progress', (event) => {
      setConnected(true);
      const progress = apply(event as MessageEvent<string>);
      if (progress && !isActive(progress.status)) {
        closed = true;
        source.close();
        finished();
      }
    });
    source.addEventListener('done', (event) => {
      apply(event as MessageEvent<string>);
      closed = true;
      source.close();
      finished();
    });
    source.addEventListener('error', () => {
      if (closed) return;
      // Refused (signed out, gone) or cut: poll instead; the poll also renews an expired session.
      closed = true;
      source.close();
      setConnected(false);
      setStreamFailed(true);
      void queryClient.invalidateQueries({ queryKey });
    });
    return () => {
      closed = true;
      source.close();
      setConnected(false);
    };
  }, [active, streamFailed, workspaceId, jobId, queryClient, finished]);

  // Polling or a refetch saw the job finish: refresh what depends on it. Also while the stream is up:
  // a refetch can see the end before the stream's `done` arrives, and then closes the stream (the job
  // is no longer active) so `done` is never read (seen in CI: the bell stayed empty until its 60 s
  // poll). Invalidating twice when `done` did arrive costs one extra read.
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active) finished();
    wasActive.current = active;
  }, [active, finished]);

  let mode: LiveMode = 'idle';
  if (active) mode = streamFailed || !hasEventSource() ? 'polling' : connected ? 'live' : 'connecting';
  return { job, mode };
}

function hasEventSource(): boolean {
  return typeof EventSource !== 'undefined';
}

/** One page of a job's results, `after` the last seq of the previous page (keyset). */
export function useResultsPage(
  workspaceId: string,
  jobId: string,
  status: BulkResultFilter | undefined,
  after: number,
  /** The job is still running: re-read the page every few seconds. */
  live: boolean,
) {
  const trpc = useTRPC();
  return useQuery(
    trpc.bulk.results.queryOptions(
      { workspaceId, jobId, after, limit: RESULTS_PAGE_SIZE, ...(status ? { status } : {}) },
      { staleTime: 0, placeholderData: keepPreviousData, refetchInterval: live ? 5_000 : false },
    ),
  );
}
