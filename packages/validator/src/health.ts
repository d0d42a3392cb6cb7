// Resolver health: a resolver that lies (answers NXDOMAIN for everything, as a broken forwarder or a
// captive portal does) would turn every address into "domain not found". Canary domains that surely
// receive mail (gmail.com, outlook.com, yahoo.com by default) are looked up fresh — bypassing the
// cache — at start and then periodically (more often while unhealthy). When more than half of them
// fail to return MX records, the resolver is unhealthy: the engine marks its results so that a
// verdict resting on a negative answer becomes unknown/dns_error, the API's /readyz and Status page
// say why, and bulk jobs wait instead of rejecting addresses. On each change of health the DNS
// cache is emptied (negative answers cached while the resolver lied must not outlive it).
import type { DnsStage } from './dns/index.ts';

export const DEFAULT_CANARY_DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com'] as const;

export interface ResolverHealthOptions {
  dns: Pick<DnsStage, 'lookupFresh' | 'clear'>;
  /** Domains with MX records for sure. Default DEFAULT_CANARY_DOMAINS. */
  domains?: readonly string[];
  /** Between checks while healthy. Default 60 000 ms. */
  intervalMs?: number;
  /** Between checks while unhealthy. Default 5 000 ms. */
  unhealthyIntervalMs?: number;
  /** Called after each check whose outcome changed the health. */
  onChange?: (status: ResolverHealthStatus) => void;
  /**
   * A negative answer (NXDOMAIN, no mail host) arriving when the last check is older than this
   * makes the engine check the canaries again before trusting it, so a resolver that starts lying
   * between two periodic checks is caught at its first lie. Default 10 000 ms.
   */
  negativeRecheckMs?: number;
}

export interface ResolverHealthStatus {
  /** null until the first check has finished. */
  healthy: boolean | null;
  /** Why it is unhealthy (which canaries failed, how), else null. */
  reason: string | null;
  /** Epoch ms of the last finished check (performance-independent wall clock). */
  checkedAt: number | null;
  domains: readonly string[];
}

export interface ResolverHealth {
  status(): ResolverHealthStatus;
  /** Runs a check now (joins one in flight). */
  check(): Promise<ResolverHealthStatus>;
  /** The first check's status (started by `start()` or on demand). */
  ready(): Promise<ResolverHealthStatus>;
  /** Resolves once the resolver is healthy (at once when it is); polls with `check()` meanwhile. */
  waitUntilHealthy(signal?: AbortSignal): Promise<void>;
  /** Starts the first check and the periodic ones (timers do not keep the process alive). */
  start(): void;
  stop(): void;
}

export function createResolverHealth(options: ResolverHealthOptions): ResolverHealth {
  const domains = [...(options.domains ?? DEFAULT_CANARY_DOMAINS)];
  if (domains.length === 0) throw new RangeError('resolver health: at least one canary domain');
  const intervalMs = options.intervalMs ?? 60_000;
  const unhealthyIntervalMs = options.unhealthyIntervalMs ?? 5_000;
  let current: ResolverHealthStatus = { healthy: null, reason: null, checkedAt: null, domains };
  let running: Promise<ResolverHealthStatus> | null = null;
  let first: Promise<ResolverHealthStatus> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let started = false;
  const waiters = new Set<() => void>();

  async function run(): Promise<ResolverHealthStatus> {
    const results = await Promise.all(
      domains.map(async (domain) => {
        try {
          const outcome = await options.dns.lookupFresh(domain);
          return { domain, ok: outcome.status === 'mx', status: outcome.status };
        } catch (error) {
          return { domain, ok: false, status: error instanceof Error ? error.message : 'error' };
        }
      }),
    );
    const failed = results.filter((r) => !r.ok);
    const healthy = failed.length * 2 <= domains.length;
    const reason = healthy
      ? null
      : `canary domains without MX: ${failed.map((f) => `${f.domain} (${f.status})`).join(', ')}`;
    const changed = current.healthy !== healthy;
    current = { healthy, reason, checkedAt: Date.now(), domains };
    if (changed) {
      options.dns.clear();
      options.onChange?.(current);
    }
    if (healthy) for (const wake of [...waiters]) wake();
    return current;
  }

  function check(): Promise<ResolverHealthStatus> {
    running ??= run().finally(() => {
      running = null;
    });
    first ??= running;
    return running;
  }

  function schedule() {
    if (!started) return;
    timer = setTimeout(
      () => {
        check().finally(schedule);
      },
      current.healthy === false ? unhealthyIntervalMs : intervalMs,
    );
    timer.unref();
  }

  return {
    status: () => ({ ...current }),
    check,
    ready: () => first ?? check(),
    async waitUntilHealthy(signal) {
      for (;;) {
        const status = current.healthy === null ? await (first ?? check()) : current;
        if (status.healthy) return;
        if (signal?.aborted) throw signal.reason ?? new Error('aborted');
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(poll);
            waiters.delete(wake);
            signal?.removeEventListener('abort', wake);
            resolve();
          };
          const poll = setTimeout(() => {
            check().finally(wake);
          }, unhealthyIntervalMs);
          waiters.add(wake);
          signal?.addEventListener('abort', wake, { once: true });
        });
      }
    },
    start() {
      if (started) return;
      started = true;
      check().finally(schedule);
    },
    stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
