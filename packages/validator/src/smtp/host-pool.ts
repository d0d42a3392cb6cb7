// One MX host's share of the prober: a counting semaphore whose size adapts to what the host
// tolerates, and the idle connections kept for reuse. It starts with a few sessions, opens one more
// after each session the host accepts (up to the cap), and on a deferral (421, or 4xx to the greeting
// or EHLO) halves the number, opens nothing for a while and remembers how many sessions were open
// then, so it does not climb straight back into the host's limit.
import type { SmtpConnection } from './connection.ts';

/** Longest wait after repeated deferrals. */
const MAX_BACKOFF_MS = 30_000;
/** How long the number of sessions open at a deferral is taken as the host's limit. */
const CEILING_MEMORY_MS = 10 * 60_000;

export interface HostPoolLimits {
  /** Most sessions at once (maxConnectionsPerHost). */
  cap: number;
  /** Sessions allowed at first. */
  initial: number;
  /** First wait after a deferral (doubles on each further one, reset by a success). */
  backoffMs: number;
  now: () => number;
}

export class HostPool {
  readonly host: string;
  readonly idle: SmtpConnection[] = [];
  tlsBrokenUntil = 0;
  /** Session openings that failed in a row (the batch path gives up on a host after a few). */
  failures = 0;
  /** Deferrals (421 or 4xx at the greeting/EHLO) seen from this host. */
  deferrals = 0;
  /** Permits held by probes and batch sessions. */
  private active = 0;
  /** Connections being closed: they still count against the limit. */
  private closing = 0;
  private limit: number;
  private ceiling: number;
  private ceilingUntil = 0;
  private pausedUntil = 0;
  private nextBackoffMs: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly limits: HostPoolLimits;
  private readonly waiters: (() => void)[] = [];

  constructor(host: string, limits: HostPoolLimits) {
    this.host = host;
    this.limits = limits;
    this.limit = limits.initial;
    this.ceiling = limits.cap;
    this.nextBackoffMs = limits.backoffMs;
  }

  /** Sessions allowed right now. */
  get connectionLimit(): number {
    return this.limit;
  }

  get cap(): number {
    return this.limits.cap;
  }

  /** Permits held right now (sessions running or being set up). */
  get busy(): number {
    return this.active;
  }

  acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
  }

  release(): void {
    this.active--;
    this.pump();
  }

  beginClosing(): void {
    this.closing++;
  }

  endClosing(): void {
    this.closing--;
    this.pump();
  }

  /** The host took a session: one more may be opened (up to the cap, or the remembered limit). */
  succeeded(): void {
    this.failures = 0;
    this.nextBackoffMs = this.limits.backoffMs;
    const ceiling = this.limits.now() < this.ceilingUntil ? this.ceiling : this.limits.cap;
    if (this.limit < ceiling) {
      this.limit++;
      this.pump();
    }
  }

  /** The host deferred a session: halve, remember how many were open, and wait before opening more. */
  deferred(): void {
    this.deferrals++;
    const now = this.limits.now();
    // The deferred session itself holds a permit: the others were what the host accepted.
    this.ceiling = Math.max(1, Math.min(this.limits.cap, this.active + this.closing - 1));
    this.ceilingUntil = now + CEILING_MEMORY_MS;
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.pausedUntil = now + this.nextBackoffMs;
    this.nextBackoffMs = Math.min(MAX_BACKOFF_MS, this.nextBackoffMs * 2);
  }

  /** The most recently used live idle connection (least likely to have timed out server-side). */
  takeIdle(): SmtpConnection | null {
    for (let conn = this.idle.pop(); conn; conn = this.idle.pop()) {
      conn.clearIdle();
      if (conn.usable) {
        conn.setIdle(false);
        return conn;
      }
      conn.destroy();
    }
    return null;
  }

  remove(conn: SmtpConnection): boolean {
    const index = this.idle.indexOf(conn);
    if (index === -1) return false;
    this.idle.splice(index, 1);
    return true;
  }

  private pump(): void {
    const wait = this.pausedUntil - this.limits.now();
    if (wait > 0) {
      if (this.waiters.length === 0) return;
      // Nothing new until the back-off is over; then the waiters are looked at again.
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    // Idle connections count too: a new one is opened only when no idle one is left.
    while (this.waiters.length > 0 && this.active + this.closing < this.limit) {
      this.active++;
      (this.waiters.shift() as () => void)();
    }
  }
}
