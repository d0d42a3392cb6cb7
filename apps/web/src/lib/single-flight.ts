/**
 * Wraps an async task so that concurrent callers share one run: while it is in flight every call
 * gets the same promise; once it settles, the next call starts a new run. (Ten requests failing
 * with an expired token at once must cause one refresh, not ten: refresh tokens rotate.)
 */
export function singleFlight<T>(task: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    if (!inFlight) {
      inFlight = task().finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  };
}
