// The SMTP probe (depth `enhanced`): asks the domain's mail servers whether they would take mail
// for an address, without sending any. The HELO name and MAIL FROM are the operator's own (never the
// target's), STARTTLS is used when offered, SMTPUTF8 when the address needs it, and a random RCPT
// tells a catch-all domain (cached per domain). Two ways in, sharing each MX host's connections:
//   probe()        one address, its own transaction on a pooled connection (single.ts): lowest latency;
//   probeBatched() the address joins its first MX host's queue and shares a session with others
//                  (batch.ts): up to `maxRcptsPerSession` RCPTs per session, pipelined. A host that
//                  does not answer it hands it to the single probe for the next MX hosts.
// Sessions per MX host adapt up to `maxConnectionsPerHost` (host-pool.ts); connections are reused
// (RSET between transactions) and closed with QUIT.
import { performance } from 'node:perf_hooks';
import type { MxHost, SmtpResult } from '../types.ts';
import { Batcher } from './batch.ts';
import { CatchAllCache } from './catch-all.ts';
import { HostPool } from './host-pool.ts';
import { assertClean, proberSettings, type SmtpProberOptions } from './options.ts';
import { toResult } from './outcome.ts';
import { SELF_CHECK_HOST, type SelfCheckResult, selfCheck } from './self-check.ts';
import type { ProberContext } from './session.ts';
import { domainOf, orderedHosts, type ProbeAddress, type ProbeTlsPolicy, probeHosts } from './single.ts';

export interface SmtpProber {
  probe(address: ProbeAddress, hosts: MxHost[], policy?: ProbeTlsPolicy): Promise<SmtpResult>;
  /**
   * Same answer as probe(), but the address shares a session with other addresses for the same MX
   * host (several RCPTs per transaction): for many addresses at once, where throughput matters more
   * than one address's latency.
   */
  probeBatched(address: ProbeAddress, hosts: MxHost[], policy?: ProbeTlsPolicy): Promise<SmtpResult>;
  /** Whether this machine can open outbound SMTP connections at all (port 25 is often blocked). */
  selfCheck(host?: string, timeoutMs?: number): Promise<SelfCheckResult>;
  /** Sessions allowed per MX host right now and deferrals seen (by host name, lower case). */
  hostStats(): Map<string, { connectionLimit: number; deferrals: number }>;
  /** Waits for running probes, then QUITs every open connection. */
  close(): Promise<void>;
}

export function createSmtpProber(options: SmtpProberOptions): SmtpProber {
  const settings = proberSettings(options);
  const pools = new Map<string, HostPool>();
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  const ctx: ProberContext = {
    settings,
    catchAll: new CatchAllCache(settings.catchAllTtlMs, settings.now),
    poolFor(host) {
      const key = host.toLowerCase();
      let pool = pools.get(key);
      if (!pool) {
        pool = new HostPool(host, {
          cap: settings.maxConnectionsPerHost,
          initial: settings.initialConnectionsPerHost,
          backoffMs: settings.backoffMs,
          now: Date.now,
        });
        pools.set(key, pool);
      }
      return pool;
    },
    track(task) {
      pending.add(task);
      const forget = () => pending.delete(task);
      task.then(forget, forget);
      return task;
    },
    isClosed: () => closed,
  };
  const batcher = new Batcher(ctx);

  const checked = (address: ProbeAddress): Error | null => {
    if (closed) return new Error('the SMTP prober is closed');
    try {
      assertClean('address', address.ascii);
    } catch (error) {
      return error as Error;
    }
    return address.ascii.includes('@') ? null : new TypeError('address.ascii has no domain');
  };

  const batched = async (address: ProbeAddress, hosts: MxHost[], policy: ProbeTlsPolicy | undefined) => {
    const started = performance.now();
    const [first, ...rest] = orderedHosts(ctx, hosts);
    if (first === undefined) return probeHosts(ctx, address, [], started, policy);
    const outcome = await batcher.enqueue(first, address, policy?.requireVerifiedTls === true);
    if (outcome.final || rest.length === 0) {
      return toResult(outcome, ctx.catchAll.get(domainOf(address)), started);
    }
    return probeHosts(ctx, address, rest, started, policy, outcome);
  };

  return {
    probe(address, hosts, policy) {
      const error = checked(address);
      if (error) return Promise.reject(error);
      const started = performance.now();
      return ctx.track(probeHosts(ctx, address, orderedHosts(ctx, hosts), started, policy));
    },

    probeBatched(address, hosts, policy) {
      const error = checked(address);
      if (error) return Promise.reject(error);
      return ctx.track(batched(address, hosts, policy));
    },

    selfCheck(host = SELF_CHECK_HOST, timeoutMs = settings.connectTimeoutMs) {
      return selfCheck(host, settings.port, timeoutMs, settings.resolveHost);
    },

    hostStats() {
      const stats = new Map<string, { connectionLimit: number; deferrals: number }>();
      for (const [key, pool] of pools) {
        stats.set(key, { connectionLimit: pool.connectionLimit, deferrals: pool.deferrals });
      }
      return stats;
    },

    async close() {
      closed = true;
      while (pending.size > 0) await Promise.allSettled([...pending]);
      const quits: Promise<void>[] = [];
      for (const pool of pools.values()) {
        for (const conn of pool.idle.splice(0)) quits.push(conn.quit(settings.commandTimeoutMs));
      }
      await Promise.allSettled(quits);
    },
  };
}
