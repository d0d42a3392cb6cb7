// What decides and paces retries: exponential back-off with full jitter, the client's retry budget
// (as in Finagle's RetryBudget and gRPC's retry throttling), and a wait that an AbortSignal ends.

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): a uniformly random wait
 * between 0 and min(maxDelayMs, baseDelayMs × 2^retry), `retry` counting from 0.
 */
export function backoffDelay(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCap(retry, baseDelayMs, maxDelayMs));
}

/** The upper bound of the wait before retry `retry` (from 0). */
export function backoffCap(retry: number, baseDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
}

const SLOTS = 10;

/**
 * At most `minRetries + ratio × calls` retries within a sliding window of `windowMs` (kept as ten
 * slots, so the window slides in steps of a tenth). A retry is withdrawn when it is decided, before
 * the back-off wait, so concurrent failures cannot overdraw it.
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #minRetries: number;
  readonly #slotMs: number;
  readonly #calls = new Array<number>(SLOTS).fill(0);
  readonly #retries = new Array<number>(SLOTS).fill(0);
  readonly #now: () => number;
  #slot = 0;

  constructor(
    options: { ratio: number; minRetries: number; windowMs: number },
    now: () => number = () => performance.now(),
  ) {
    this.#ratio = options.ratio;
    this.#minRetries = options.minRetries;
    this.#slotMs = options.windowMs / SLOTS;
    this.#now = now;
    this.#slot = Math.floor(now() / this.#slotMs);
  }

  #advance(): number {
    const slot = Math.floor(this.#now() / this.#slotMs);
    for (let s = this.#slot + 1; s <= slot && s <= this.#slot + SLOTS; s++) {
      this.#calls[s % SLOTS] = 0;
      this.#retries[s % SLOTS] = 0;
    }
    this.#slot = Math.max(this.#slot, slot);
    return this.#slot % SLOTS;
  }

  /** Counts a call (its first attempt). */
  deposit(): void {
    const index = this.#advance();
    this.#calls[index] = (this.#calls[index] ?? 0) + 1;
  }

  /** Takes one retry from the budget; false when the window's retries are spent. */
  tryWithdraw(): boolean {
    const index = this.#advance();
    const calls = this.#calls.reduce((sum, n) => sum + n, 0);
    const retries = this.#retries.reduce((sum, n) => sum + n, 0);
    // The epsilon keeps 0.1 × 80 from coming out as 7.999… and refusing the 8th retry.
    if (retries + 1 > this.#minRetries + this.#ratio * calls + 1e-9) return false;
    this.#retries[index] = (this.#retries[index] ?? 0) + 1;
    return true;
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
