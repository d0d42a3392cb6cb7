// `jobs.wait`: follows a job until it ends. One request to the job's event stream, where the API
// pushes a `progress` event at each change and `done` at the end; when the stream cannot be used (a
// proxy that buffers or refuses it, a dropped connection, a silent stream) it polls `get` instead.
// An answer that polling could not change — the key or its account refused, the stream's `error` event
// (the job was deleted) — rejects at once.
import { abortError, isPosternError, PosternError, type PosternErrorCode } from './errors.ts';
import { invalid, jobPath } from './jobs-checks.ts';
import type { JobsTransport, WaitOptions } from './jobs-types.ts';
import { resolveTimeout } from './options.ts';
import { sleep } from './retry.ts';
import { readEventStream } from './sse.ts';
import type { BulkJob, BulkJobStatus, BulkProgressEvent, CallOptions } from './types.ts';

/** The shortest interval of `wait`'s polling fallback: every poll spends a token of the rate limit. */
export const MIN_POLL_INTERVAL_MS = 2000;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const ENDED: ReadonlySet<BulkJobStatus> = new Set(['completed', 'failed', 'cancelled']);
/**
 * Refusals of the key or its account when the stream is opened: a poll would get the same answer, so
 * `wait` rejects with them at once. ACCOUNT_DISABLED: the key's workspace is suspended (every owner
 * disabled by the instance operator, or the workspace scheduled for deletion) until the operator acts.
 */
const REFUSED: ReadonlySet<string> = new Set([
  'UNAUTHENTICATED',
  'API_KEY_EXPIRED',
  'ACCOUNT_DISABLED',
  'FORBIDDEN',
  'INSUFFICIENT_SCOPE',
]);

interface WaitPlan {
  id: string;
  path: string;
  timeoutMs: number | undefined;
  pollMs: number;
  idleMs: number;
  options: WaitOptions;
}

/**
 * An error that ends `wait` as it is (not a stream failure to fall back from): one thrown by the
 * caller's onProgress, or the stream's `error` event.
 */
class FinalError {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/** Checks the options at once (a wrong one throws at the call); the wait itself is async. */
export function waitForJob(
  transport: JobsTransport,
  get: (id: string, options: CallOptions) => Promise<BulkJob>,
  id: string,
  options: WaitOptions,
): Promise<BulkJob> {
  const path = jobPath(id, 'wait', '/events');
  const timeoutMs = resolveTimeout(options.timeoutMs, 'jobs.wait(): timeoutMs');
  const pollMs = options.pollIntervalMs ?? MIN_POLL_INTERVAL_MS;
  if (typeof pollMs !== 'number' || !(pollMs >= MIN_POLL_INTERVAL_MS) || !Number.isFinite(pollMs)) {
    throw invalid(
      `jobs.wait(): pollIntervalMs must be at least ${MIN_POLL_INTERVAL_MS} (every poll is a request)`,
    );
  }
  const idleMs =
    resolveTimeout(options.idleTimeoutMs, 'jobs.wait(): idleTimeoutMs') ?? DEFAULT_IDLE_TIMEOUT_MS;
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw invalid('jobs.wait(): onProgress must be a function');
  }
  return run(transport, get, { id, path, timeoutMs, pollMs, idleMs, options });
}

/**
 * Calls onProgress when the progress moves (processed or total) and once when the job ends — never
 * the same progress twice: not for `queued` → `running` at the same count, nor for a running job at
 * 100 % (its ending follows at once and reports it), nor for the stream's last `progress` event, its
 * `done` and the final read of the job, which all say the same.
 */
function progressReporter(onProgress: WaitOptions['onProgress']): (progress: BulkProgressEvent) => void {
  let last: BulkProgressEvent | undefined;
  return (progress) => {
    const ended = ENDED.has(progress.status);
    if (!ended && progress.total > 0 && progress.processed >= progress.total) return;
    const moved = !last || last.processed !== progress.processed || last.total !== progress.total;
    const justEnded = ended && !(last && ENDED.has(last.status));
    if (!moved && !justEnded) return;
    last = progress;
    if (!onProgress) return;
    try {
      onProgress(progress);
    } catch (error) {
      throw new FinalError(error);
    }
  };
}

async function run(
  transport: JobsTransport,
  get: (id: string, options: CallOptions) => Promise<BulkJob>,
  plan: WaitPlan,
): Promise<BulkJob> {
  const { id, timeoutMs, options } = plan;
  const deadline = new AbortController();
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(
          () =>
            deadline.abort(new DOMException(`jobs.wait: timeoutMs (${timeoutMs}) passed`, 'TimeoutError')),
          timeoutMs,
        );
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const report = progressReporter(options.onProgress);
  try {
    let ended = false;
    try {
      ended = await follow(transport, plan, signal, report);
    } catch (error) {
      if (error instanceof FinalError || signal.aborted) throw error;
      if (isPosternError(error) && REFUSED.has(error.code)) throw error;
      // Anything else (network, 5xx, a proxy that buffers, a stream that fell silent): poll.
    }
    for (;;) {
      const job = await get(id, { signal });
      const { status, total, processed, percent, counts, etaSeconds } = job;
      report({ id: job.id, status, total, processed, percent, counts, etaSeconds });
      if (ended || ENDED.has(job.status)) return job;
      await sleep(plan.pollMs, signal);
    }
  } catch (error) {
    throw waitError(error, plan, deadline.signal, signal);
  } finally {
    clearTimeout(timer);
  }
}

/** What `wait` rejects with: the callback's error, TIMEOUT for its own limit, ABORTED, or the failure. */
function waitError(error: unknown, plan: WaitPlan, deadline: AbortSignal, signal: AbortSignal): unknown {
  if (error instanceof FinalError) return error.error;
  if (deadline.aborted && !plan.options.signal?.aborted) {
    return new PosternError({
      code: 'TIMEOUT',
      message: `Job ${plan.id} did not end within ${plan.timeoutMs} ms (it keeps running: wait again or cancel it)`,
      attempts: isPosternError(error) ? error.attempts : 0,
      cause: error,
    });
  }
  if (signal.aborted && !isPosternError(error)) {
    return (
      abortError(signal.reason, 0) ??
      new PosternError({ code: 'ABORTED', message: 'The wait was aborted', cause: signal.reason })
    );
  }
  return error;
}

/** Follows the event stream; true when it ended with `done` (or a progress event of an ended job). */
async function follow(
  transport: JobsTransport,
  plan: WaitPlan,
  signal: AbortSignal,
  report: (progress: BulkProgressEvent) => void,
): Promise<boolean> {
  const { data: response, meta } = await transport.request<Response>(
    { method: 'GET', path: plan.path, expect: 'stream', accept: 'text/event-stream' },
    { signal },
  );
  const type = response.headers.get('content-type') ?? '';
  if (!/^text\/event-stream\b/i.test(type)) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`expected text/event-stream, got ${type || 'no content type'}`);
  }
  for await (const message of readEventStream(response, { idleMs: plan.idleMs, signal })) {
    if (message.event === 'error') throw streamError(message.data, meta.requestId);
    if (message.event !== 'progress' && message.event !== 'done') continue;
    const progress = JSON.parse(message.data) as BulkProgressEvent;
    report(progress);
    if (message.event === 'done') return true;
  }
  // Closed without `done` (a restart, a proxy's limit): the caller polls.
  return false;
}

/**
 * The stream's `error` event (`{ code, message }`, e.g. NOT_FOUND when the job was deleted meanwhile)
 * as the PosternError a poll would get; one without a code is a stream failure (the caller polls).
 */
function streamError(data: string, requestId: string | undefined): FinalError | Error {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    body = undefined;
  }
  const { code, message } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof code !== 'string' || typeof message !== 'string')
    return new Error('the event stream sent an error event without a code');
  return new FinalError(
    new PosternError({ code: code as PosternErrorCode, message, requestId, attempts: 1 }),
  );
}
