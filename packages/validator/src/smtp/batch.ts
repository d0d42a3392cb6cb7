// The batched probe: addresses queue per MX host, and each host's sessions (as many as its pool
// allows, see host-pool.ts) take up to `maxRcptsPerSession` RCPTs from its queue: EHLO with our own
// name, MAIL FROM once per transaction, the RCPTs pipelined, QUIT when the session's RCPTs are used
// up or nothing is left to ask. Hosts never wait for each other: each has its own queue and pool.
import { type Batch, type BatchItem, transactBatch, unansweredOutcome } from './batch-transaction.ts';
import type { SmtpConnection } from './connection.ts';
import type { HostPool } from './host-pool.ts';
import type { Outcome } from './outcome.ts';
import { finish, MAX_ERRORS_PER_CONNECTION, openSession, type ProberContext } from './session.ts';
import { domainOf, noSmtputf8, type ProbeAddress } from './single.ts';

/** Sessions that may end while an address is being answered; then the address gets that failure. */
const MAX_ATTEMPTS = 3;
/** Session openings in a row a host may defer (421) before its queued addresses are given up on. */
const MAX_OPEN_FAILURES = 3;

interface HostQueue {
  key: string;
  pool: HostPool;
  requireVerified: boolean;
  items: BatchItem[];
  /** Workers started and not finished. */
  workers: number;
  /** Workers in a transaction (their items are out of the queue). */
  busy: number;
}

export class Batcher {
  private readonly ctx: ProberContext;
  private readonly queues = new Map<string, HostQueue>();

  constructor(ctx: ProberContext) {
    this.ctx = ctx;
  }

  /** Queues an address for `host`; resolves with what the host said (or why it did not). */
  enqueue(host: string, address: ProbeAddress, requireVerified: boolean): Promise<Outcome> {
    const key = `${host.toLowerCase()}\n${requireVerified}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { key, pool: this.ctx.poolFor(host), requireVerified, items: [], workers: 0, busy: 0 };
      this.queues.set(key, queue);
    }
    const added = queue;
    return new Promise((resolve) => {
      added.items.push({ address, domain: domainOf(address), attempts: 0, resolve });
      this.spawn(added);
    });
  }

  /** Enough workers for the queue (each fills one session), at most the host's cap. */
  private spawn(queue: HostQueue): void {
    const wanted = Math.ceil(queue.items.length / this.ctx.settings.maxRcptsPerSession);
    while (queue.workers - queue.busy < wanted && queue.workers < queue.pool.cap) {
      queue.workers++;
      this.ctx.track(this.work(queue));
    }
  }

  private async work(queue: HostQueue): Promise<void> {
    try {
      while (queue.items.length > 0) {
        await queue.pool.acquire();
        try {
          if (queue.items.length > 0) await this.session(queue);
        } finally {
          queue.pool.release();
        }
      }
    } finally {
      queue.workers--;
      if (queue.items.length > 0) this.spawn(queue);
      else if (queue.workers === 0) this.queues.delete(queue.key);
    }
  }

  /** An idle connection fit for this queue, or null. */
  private async reuse(queue: HostQueue): Promise<SmtpConnection | null> {
    if (!this.ctx.settings.reuseConnections) return null;
    const conn = queue.pool.takeIdle();
    if (!conn) return null;
    if (queue.requireVerified && !conn.verified) {
      // Opened under a looser policy: closed before another is opened, so the cap holds.
      await conn.quit(this.ctx.settings.commandTimeoutMs);
      return null;
    }
    return conn;
  }

  /** One connection: transactions while the queue has addresses and the session has RCPTs left. */
  private async session(queue: HostQueue): Promise<void> {
    const { settings } = this.ctx;
    let conn = await this.reuse(queue);
    let reused = conn !== null;
    if (!conn) {
      const opened = await openSession(this.ctx, queue.pool, queue.requireVerified);
      if ('outcome' in opened) return this.openFailed(queue, opened.outcome);
      conn = opened.conn;
    }
    let reusable = true;
    while (
      reusable &&
      queue.items.length > 0 &&
      conn.usable &&
      conn.transactions < settings.maxProbesPerConnection &&
      conn.errors < MAX_ERRORS_PER_CONNECTION
    ) {
      const batch = this.take(queue, conn);
      if (batch.items.length === 0) {
        // Too few RCPTs left in this session for the next address (and its catch-all RCPT).
        reusable = queue.items.length === 0;
        break;
      }
      queue.busy++;
      const done = await transactBatch(this.ctx, conn, batch).finally(() => queue.busy--);
      if (done.deadOnArrival && reused) {
        // The server dropped the pooled connection while it sat idle: the next session is new.
        queue.items.unshift(...done.unanswered);
        conn.destroy();
        return;
      }
      reused = false;
      this.giveBack(queue, conn, done.unanswered, done.error);
      reusable = done.reusable;
    }
    finish(this.ctx, queue.pool, conn, reusable);
  }

  /** Addresses for the next transaction, within the session's RCPTs left (catch-all RCPTs count). */
  private take(queue: HostQueue, conn: SmtpConnection): Batch {
    const { settings, catchAll } = this.ctx;
    const budget = settings.maxRcptsPerSession - conn.rcpts;
    const batch: Batch = { items: [], detect: new Set() };
    const utf8 = conn.extensions.has('SMTPUTF8');
    while (queue.items.length > 0) {
      const item = queue.items[0] as BatchItem;
      if (item.address.smtputf8 && !utf8) {
        queue.items.shift();
        item.resolve(noSmtputf8(conn, catchAll.get(item.domain)));
        continue;
      }
      const detect = !batch.detect.has(item.domain) && catchAll.unknown(item.domain);
      const used = batch.items.length + batch.detect.size;
      if (used + (detect ? 2 : 1) > budget) {
        // A fresh session always takes one address (with a limit of one RCPT, without detection).
        if (used > 0 || conn.rcpts > 0 || budget < 1) break;
        queue.items.shift();
        batch.items.push(item);
        break;
      }
      queue.items.shift();
      batch.items.push(item);
      if (detect) batch.detect.add(item.domain);
    }
    return batch;
  }

  /**
   * Addresses a session ended before answering go back to the front of the queue. The first of them
   * was being answered when it ended (a reply that timed out, say): it counts an attempt and, after
   * a few, gets the failure; the others did nothing wrong and are asked again as they are.
   */
  private giveBack(queue: HostQueue, conn: SmtpConnection, items: BatchItem[], error: unknown): void {
    const [first, ...rest] = items;
    if (!first) return;
    first.attempts++;
    if (first.attempts >= MAX_ATTEMPTS) first.resolve(unansweredOutcome(conn, error));
    else rest.unshift(first);
    queue.items.unshift(...rest);
  }

  /**
   * No session: a deferral (421, 4xx) leaves the addresses queued while the pool backs off, unless
   * the host deferred the last few attempts with no other session running; anything else (refused, timed out, 5xx) answers them all
   * with the failure, so they go on to the next MX host.
   */
  private openFailed(queue: HostQueue, outcome: Outcome): void {
    const { pool } = queue;
    pool.failures++;
    const code = outcome.reply?.code ?? 0;
    const deferral = code >= 400 && code < 500;
    // While other sessions with the host run, a deferral only means "not one more": they go on.
    if (deferral && (pool.failures < MAX_OPEN_FAILURES || pool.busy > 1)) return;
    pool.failures = 0;
    for (const item of queue.items.splice(0)) item.resolve(outcome);
  }
}
