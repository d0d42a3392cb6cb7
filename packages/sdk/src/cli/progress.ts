// The CLI's progress display on stderr: a bar redrawn in place on a terminal, plain lines (at most
// one every few seconds) when stderr is a file or a pipe (CI logs, `2> log`).
import type { BulkProgressEvent } from '../types.ts';

export interface ProgressSink {
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  write(text: string): unknown;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `1:02:03`, `4:05`, or `0:07`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function formatCount(n: number): string {
  return integer.format(n);
}

/** `1 duplicate`, `2 duplicates`, `0 addresses`: the noun in the plural unless the count is 1. */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export class ProgressReporter {
  readonly #out: ProgressSink;
  readonly #now: () => number;
  readonly #lineEveryMs: number;
  #first: { at: number; processed: number } | undefined;
  #lastLineAt = -Infinity;
  #lastDrawAt = -Infinity;
  #drawn = false;
  #lastText = '';

  constructor(out: ProgressSink, options: { now?: () => number; lineEveryMs?: number } = {}) {
    this.#out = out;
    this.#now = options.now ?? (() => performance.now());
    this.#lineEveryMs = options.lineEveryMs ?? 5000;
  }

  /** Addresses per second since the first event (undefined until there is a measure). */
  #rate(progress: BulkProgressEvent, now: number): number | undefined {
    if (!this.#first) {
      this.#first = { at: now, processed: progress.processed };
      return undefined;
    }
    const seconds = (now - this.#first.at) / 1000;
    if (seconds < 0.5) return undefined;
    return (progress.processed - this.#first.processed) / seconds;
  }

  /** The text of one progress report, without the bar. */
  describe(progress: BulkProgressEvent, now = this.#now()): string {
    const rate = this.#rate(progress, now);
    const parts = [
      `${progress.percent.toFixed(1).padStart(5)}%`,
      `${formatCount(progress.processed)}/${formatCount(progress.total)}`,
      rate === undefined ? '-/s' : `${formatCount(rate)}/s`,
    ];
    let eta: number | null | undefined = progress.etaSeconds;
    if ((eta === null || eta === undefined) && rate) eta = (progress.total - progress.processed) / rate;
    const active = progress.status === 'queued' || progress.status === 'running';
    parts.push(
      active ? `ETA ${eta === null || eta === undefined ? '-' : formatDuration(eta)}` : progress.status,
    );
    return parts.join('  ');
  }

  update(progress: BulkProgressEvent): void {
    const now = this.#now();
    const text = this.describe(progress, now);
    const ended = !(progress.status === 'queued' || progress.status === 'running');
    if (this.#out.isTTY) {
      if (!ended && now - this.#lastDrawAt < 100) return;
      this.#lastDrawAt = now;
      const width = Math.max(10, Math.min(40, (this.#out.columns ?? 80) - text.length - 4));
      const filled = Math.round((Math.min(100, progress.percent) / 100) * width);
      this.#out.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
      this.#drawn = true;
      return;
    }
    if (!ended && now - this.#lastLineAt < this.#lineEveryMs) return;
    if (text === this.#lastText) return;
    this.#lastLineAt = now;
    this.#lastText = text;
    this.#out.write(`progress: ${text}\n`);
  }

  /** Ends the bar's line before other output. */
  finish(): void {
    if (this.#drawn) this.#out.write('\n');
    this.#drawn = false;
  }
}
