// The delivery loop of one worker process (docs/webhooks.md, "How delivery works").
//
// A pass ("pump") fans out waiting outbox rows and claims due deliveries, never more than the free
// capacity (`concurrency` attempts in flight, at most `endpointConcurrency` of them to one endpoint,
// so a slow or backlogged endpoint cannot hold every slot); deliveries created by this process's
// fan-out are claimed in the same transaction and attempted at once, with no second round trip. A
// pass runs when:
//   - the `webhooks.dispatch` job arrives (sent after a commit; LISTEN/NOTIFY wakes the worker),
//   - the poll timer fires (every WORKER_POLL_SECONDS: the safety net for a lost job and for retries
//     scheduled by other processes),
//   - a retry scheduled by this process falls due, or capacity frees up while work was left waiting.
// Attempt results are written in batches (one transaction per batch, see record.ts recordAttempts),
// so the database sees a few statements per batch, not per delivery.
import type { EntityManager } from '@postern/db';
import type { Logger } from '@postern/runtime';
import type { Clock } from '../clock.ts';
import type { Keyring } from '../crypto/index.ts';
import { attemptDelivery } from './attempt.ts';
import { type ClaimedDelivery, claimDueDeliveries } from './claim.ts';
import { type EndpointTarget, loadEndpointTargets } from './endpoint-targets.ts';
import { fanOutOutbox, outboxPending } from './fan-out.ts';
import { createWebhookHttp, type WebhookHttp } from './http.ts';
import { type AttemptResult, recordAttempts } from './record.ts';
import type { WebhookSettings } from './settings.ts';

export interface WebhookEngineDeps {
  /** Forks an EntityManager per operation (e.g. `() => orm.em.fork()`). */
  em: () => EntityManager;
  keyring: Keyring;
  clock: Clock;
  logger: Logger;
  settings: WebhookSettings;
  /** The HTTP client (default: createWebhookHttp from the settings). */
  http?: WebhookHttp;
  userAgent?: string;
}

export interface WebhookEngineStats {
  events: number;
  attempts: number;
  succeeded: number;
  failed: number;
  retried: number;
  inFlight: number;
}

const RESULT_BATCH = 250;
/** Claims repeated at once when another worker held some of the deliveries ranked first. */
const CONTENDED_RETRIES = 3;
const RESULT_FLUSH_MS = 10;

export class WebhookEngine {
  readonly #deps: WebhookEngineDeps;
  readonly #http: WebhookHttp;
  readonly #stats: WebhookEngineStats = {
    events: 0,
    attempts: 0,
    succeeded: 0,
    failed: 0,
    retried: 0,
    inFlight: 0,
  };
  #started = false;
  #stopping = false;
  #pollTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryAt = Number.POSITIVE_INFINITY;
  #pumping: Promise<void> | undefined;
  #again = false;
  /** Set when a pass stopped for lack of capacity: a finishing attempt starts the next pass. */
  #saturated = false;
  #results: AttemptResult[] = [];
  #flushTimer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #idleWaiters: (() => void)[] = [];
  /** Consecutive failed writes of the results batch at the head of the queue. */
  #flushFailures = 0;
  /** Attempts in flight per endpoint (capped at settings.endpointConcurrency). */
  readonly #busy = new Map<string, number>();
  /** The last claim found deliveries that another worker held: a finishing attempt starts a pass. */
  #contended = false;
  /**
   * Endpoints that had more due deliveries than free slots at the last look: a finishing attempt to
   * one of them starts a pass (the others' finishing attempts need none).
   */
  readonly #waiting = new Set<string>();

  constructor(deps: WebhookEngineDeps) {
    this.#deps = deps;
    this.#http =
      deps.http ??
      createWebhookHttp({
        policy: deps.settings.targets,
        timeoutMs: deps.settings.timeoutMs,
        maxResponseBytes: deps.settings.responseSnippetBytes,
        ...(deps.settings.dnsServers ? { dnsServers: deps.settings.dnsServers } : {}),
      });
  }

  /** Starts the poll and runs a first pass (deliveries left by a stopped worker, outbox backlog). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#pollTimer = setInterval(() => this.wake(), this.#deps.settings.pollMs);
    this.#pollTimer.unref();
    this.wake();
  }

  stats(): WebhookEngineStats {
    return { ...this.#stats };
  }

  /** Runs a pass soon (errors are logged). */
  wake(): void {
    this.dispatchNow().catch((error) => this.#deps.logger.error({ err: error }, 'webhook pass failed'));
  }

  /**
   * Runs a pass and resolves when a pass that started after this call has fanned out and claimed what
   * it could (attempts go on in the background). Concurrent calls share passes.
   */
  dispatchNow(): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    if (this.#pumping) {
      this.#again = true;
      return this.#pumping;
    }
    this.#pumping = (async () => {
      // Yield first, so `#pumping` is assigned before the `finally` below can clear it.
      await null;
      try {
        do {
          this.#again = false;
          await this.#fanOut();
          await this.#claim();
        } while (this.#again && !this.#stopping);
      } finally {
        this.#pumping = undefined;
      }
    })();
    return this.#pumping;
  }

  /**
   * Stops claiming, lets attempts in flight finish (each ends within the attempt timeout) and writes
   * their results. After `timeoutMs`, attempts still running are abandoned: their claims expire and
   * another worker attempts them again (same webhook-id).
   */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#pollTimer);
    clearTimeout(this.#retryTimer);
    await this.#pumping?.catch(() => {});
    if (this.#stats.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    clearTimeout(this.#flushTimer);
    await this.#flushAll();
    await this.#http.close();
  }

  /** The core context of one operation: its own EntityManager fork. */
  #ctx() {
    const { keyring, clock } = this.#deps;
    return { em: this.#deps.em(), keyring, clock };
  }

  #free(): number {
    return Math.max(0, this.#deps.settings.concurrency - this.#stats.inFlight);
  }

  async #fanOut(): Promise<void> {
    const { settings } = this.#deps;
    while (!this.#stopping) {
      const ctx = this.#ctx();
      if (!(await outboxPending(ctx))) return;
      const result = await fanOutOutbox(ctx, {
        limit: settings.batchSize,
        claim: this.#free(),
        leaseMs: settings.leaseMs,
        perEndpoint: { cap: settings.endpointConcurrency, busy: this.#busy },
      });
      this.#stats.events += result.events;
      for (const delivery of result.claimed) this.#begin(delivery, result.endpoints.get(delivery.endpointId));
      for (const endpointId of result.unclaimedEndpoints) this.#waiting.add(endpointId);
      // Deliveries left unclaimed (no slot free, or their endpoint at its cap): attempt what is due
      // before fanning out more, or a large outbox would keep this pass from sending anything.
      if (result.created > result.claimed.length) {
        this.#saturated = true;
        this.#again = true;
        return;
      }
      if (result.events < settings.batchSize) return;
    }
  }

  async #claim(): Promise<void> {
    const { settings } = this.#deps;
    let retries = 0;
    while (!this.#stopping) {
      const want = Math.min(this.#free(), settings.batchSize);
      if (want === 0) {
        this.#saturated = true;
        return;
      }
      const ctx = this.#ctx();
      const report = { eligible: 0 };
      const busyBefore = new Map(this.#busy);
      const claimed = await claimDueDeliveries(ctx, {
        limit: want,
        leaseMs: settings.leaseMs,
        perEndpoint: { cap: settings.endpointConcurrency, busy: this.#busy },
        report,
      });
      // Deliveries another worker was claiming at that moment (both ranked the same oldest ones): look
      // again at once — its claim has committed by then and the next ones are ranked first — and on
      // each finishing attempt, or this process would wait for its poll with free slots and work due.
      this.#contended = report.eligible > claimed.length;
      // An endpoint given every slot it had free may have more due: wake on its next finishing
      // attempt. One given fewer had no more due rows (unless another worker held some: contended).
      const got = new Map<string, number>();
      for (const d of claimed) got.set(d.endpointId, (got.get(d.endpointId) ?? 0) + 1);
      for (const endpointId of new Set([...this.#waiting, ...got.keys(), ...busyBefore.keys()])) {
        const free = settings.endpointConcurrency - (busyBefore.get(endpointId) ?? 0);
        if ((got.get(endpointId) ?? 0) >= free) this.#waiting.add(endpointId);
        else this.#waiting.delete(endpointId);
      }
      if (claimed.length) {
        const targets = await loadEndpointTargets(
          ctx,
          claimed.map((d) => d.endpointId),
        );
        for (const delivery of claimed) this.#begin(delivery, targets.get(delivery.endpointId));
      }
      if (this.#contended && retries < CONTENDED_RETRIES) {
        retries += 1;
        continue;
      }
      if (claimed.length < want) return;
    }
  }

  #begin(delivery: ClaimedDelivery, target: EndpointTarget | undefined): void {
    this.#stats.inFlight += 1;
    const endpoint = delivery.endpointId;
    this.#busy.set(endpoint, (this.#busy.get(endpoint) ?? 0) + 1);
    this.#attempt(delivery, target)
      .catch((error) =>
        this.#deps.logger.error({ err: error, deliveryId: delivery.id }, 'webhook attempt crashed'),
      )
      .finally(() => {
        this.#stats.inFlight -= 1;
        const busy = (this.#busy.get(endpoint) ?? 1) - 1;
        if (busy > 0) this.#busy.set(endpoint, busy);
        else this.#busy.delete(endpoint);
        if (this.#stats.inFlight === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
        if ((this.#saturated || this.#contended || this.#waiting.has(endpoint)) && !this.#stopping) {
          this.#saturated = false;
          this.wake();
        }
      });
  }

  async #attempt(delivery: ClaimedDelivery, target: EndpointTarget | undefined): Promise<void> {
    const { clock, settings } = this.#deps;
    const userAgent = this.#deps.userAgent ?? 'Postern-Webhooks/1.0';
    const result = await attemptDelivery(this.#http, { clock, settings, userAgent }, delivery, target);
    const { http } = result;
    this.#stats.attempts += 1;
    if (result.outcome === 'succeeded') this.#stats.succeeded += 1;
    else if (result.outcome === 'failed') this.#stats.failed += 1;
    else this.#stats.retried += 1;
    if (result.outcome !== 'succeeded')
      this.#deps.logger.debug(
        {
          deliveryId: delivery.id,
          endpointId: delivery.endpointId,
          attempt: delivery.attempt,
          statusCode: http.statusCode,
          error: http.error,
          outcome: result.outcome,
          nextAttemptAt: result.nextAttemptAt,
        },
        'webhook attempt failed',
      );
    if (result.nextAttemptAt) this.#wakeAt(result.nextAttemptAt.getTime());
    this.#results.push(result);
    if (this.#results.length >= RESULT_BATCH) void this.#flush();
    else if (!this.#flushTimer) {
      this.#flushTimer = setTimeout(() => {
        this.#flushTimer = undefined;
        void this.#flush();
      }, RESULT_FLUSH_MS);
    }
  }

  /** A pass when a retry scheduled by this process falls due. */
  #wakeAt(at: number): void {
    if (this.#stopping || at >= this.#retryAt) return;
    clearTimeout(this.#retryTimer);
    this.#retryAt = at;
    this.#retryTimer = setTimeout(
      () => {
        this.#retryAt = Number.POSITIVE_INFINITY;
        this.wake();
      },
      Math.max(0, at - this.#deps.clock.now().getTime()),
    );
    this.#retryTimer.unref();
  }

  /** Writes the results gathered so far (one batch at a time). */
  #flush(): Promise<void> {
    if (this.#flushing) return this.#flushing;
    this.#flushing = (async () => {
      // Yield first, so `#flushing` is assigned before the `finally` below can clear it.
      await null;
      try {
        while (this.#results.length) {
          const batch = this.#results.splice(0, RESULT_BATCH);
          try {
            const disabled = await recordAttempts(this.#ctx(), batch, this.#deps.settings);
            this.#flushFailures = 0;
            for (const d of disabled)
              this.#deps.logger.warn(
                { endpointId: d.endpointId, workspaceId: d.workspaceId, reason: d.reason },
                'webhook endpoint disabled',
              );
          } catch (error) {
            // Try again shortly (a few times): if the results are never written, the claims expire and the
            // deliveries are attempted again by some worker (at least once, same webhook-id).
            this.#flushFailures += 1;
            const giveUp = this.#flushFailures >= 5;
            if (!giveUp) this.#results.unshift(...batch);
            else this.#flushFailures = 0;
            this.#deps.logger.error(
              { err: error, results: batch.length, dropped: giveUp },
              'recording webhook attempts failed',
            );
            if (this.#stopping) throw error;
            await new Promise((resolve) => setTimeout(resolve, 500));
          }
        }
      } finally {
        this.#flushing = undefined;
      }
    })();
    return this.#flushing;
  }

  async #flushAll(): Promise<void> {
    for (let tries = 0; tries < 3 && (this.#results.length || this.#flushing); tries++) {
      try {
        await this.#flushing;
        await this.#flush();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    if (this.#results.length)
      this.#deps.logger.error(
        { results: this.#results.length },
        'webhook attempt results not recorded at stop',
      );
  }
}
