// The API benchmark's load loop and per-phase summary (bench/api/index.ts).
import { percentile } from '../lib.ts';
import { type CpuDelta, type CpuSnapshot, cpuDelta, cpuSnapshot, type Watched } from './cpu.ts';

/** Closed-loop workers, one keep-alive connection each. */
export const CONNECTIONS = 50;

export const log = (line: string) => process.stderr.write(`api: ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Load loop: CONNECTIONS closed-loop workers; a warm-up, then a measured window. Only answers with
// the expected status count; anything else (or a network error) is an error, tallied by status.
// A target's windows add up in its tally: the bare server and /v1/me are measured in alternating
// windows (a, b, a, b), so a change in the machine's other load during the run hits both alike.

export interface Tally {
  latencies: number[];
  errors: number;
  errorsByStatus: Record<string, number>;
  seconds: number;
  /** Rate of each measured window. */
  windows: number[];
  cpu: CpuDelta;
}

export const newTally = (): Tally => ({
  latencies: [],
  errors: 0,
  errorsByStatus: {},
  seconds: 0,
  windows: [],
  cpu: {
    serverMainMs: 0,
    serverOtherMs: 0,
    clientMs: 0,
    redisMs: 0,
    postgresMs: 0,
    hostIrqMs: 0,
    hostBusyMs: 0,
    hostTotalMs: 0,
  },
});

export async function measure(
  name: string,
  tally: Tally,
  options: { watched: () => Watched; warmupMs: number; durationMs: number; expect: number },
  run: () => Promise<number>,
): Promise<void> {
  const watched = options.watched();
  const measureFrom = performance.now() + options.warmupMs;
  const measureUntil = measureFrom + options.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let lastEnd = measureFrom;
  let cpuFrom: CpuSnapshot | undefined;
  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= measureUntil) return;
      const measured = t0 >= measureFrom;
      if (measured && !cpuFrom) cpuFrom = cpuSnapshot(watched);
      let status: string;
      try {
        status = String(await run());
      } catch (error) {
        status = (error as NodeJS.ErrnoException).code ?? 'network';
      }
      const t1 = performance.now();
      if (!measured) continue;
      lastEnd = Math.max(lastEnd, t1);
      if (status === String(options.expect)) latencies.push(t1 - t0);
      else {
        errors++;
        tally.errorsByStatus[status] = (tally.errorsByStatus[status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, () => worker()));
  const cpuTo = cpuSnapshot(watched);
  const delta = cpuDelta(cpuFrom ?? cpuTo, cpuTo);
  for (const key of Object.keys(delta) as (keyof CpuDelta)[]) tally.cpu[key] += delta[key];
  const seconds = (lastEnd - measureFrom) / 1000;
  tally.seconds += seconds;
  tally.windows.push(seconds > 0 ? latencies.length / seconds : 0);
  tally.errors += errors;
  for (const ms of latencies) tally.latencies.push(ms);
  log(
    `${name}: ${options.warmupMs} ms warm-up, ${latencies.length} ok in ${seconds.toFixed(1)} s ` +
      `(${(latencies.length / seconds).toFixed(0)}/s)${errors ? `, ${errors} errors` : ''}`,
  );
}

export interface Phase {
  ok: number;
  errors: number;
  errorsByStatus: Record<string, number>;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU ms per successful request: the server (main thread, other threads), the load generator,
   * Redis, the database's PostgreSQL backends, kernel interrupt time (loopback networking), and the
   * rest of the machine (other work). */
  cpuMsPerReq: {
    server: number;
    server_main: number;
    server_other: number;
    load_generator: number;
    redis: number;
    postgres: number;
    kernel_irq: number;
    rest: number;
  };
  hostBusyPct: number;
  /** Share of the machine's CPU used by processes other than those listed (other work), %. */
  hostOtherPct: number;
}

export function summarize(name: string, tally: Tally): Phase {
  const latencies = [...tally.latencies].sort((a, b) => a - b);
  const perReq = (ms: number) => (latencies.length ? ms / latencies.length : 0);
  const { cpu } = tally;
  const serverMs = cpu.serverMainMs + cpu.serverOtherMs;
  const accounted = serverMs + cpu.clientMs + cpu.redisMs + cpu.postgresMs + cpu.hostIrqMs;
  const phase: Phase = {
    ok: latencies.length,
    errors: tally.errors,
    errorsByStatus: tally.errorsByStatus,
    perSecond: tally.seconds > 0 ? latencies.length / tally.seconds : 0,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpuMsPerReq: {
      server: perReq(serverMs),
      server_main: perReq(cpu.serverMainMs),
      server_other: perReq(cpu.serverOtherMs),
      load_generator: perReq(cpu.clientMs),
      redis: perReq(cpu.redisMs),
      postgres: perReq(cpu.postgresMs),
      kernel_irq: perReq(cpu.hostIrqMs),
      rest: perReq(Math.max(0, cpu.hostBusyMs - accounted)),
    },
    hostBusyPct: cpu.hostTotalMs > 0 ? (100 * cpu.hostBusyMs) / cpu.hostTotalMs : 0,
    hostOtherPct: cpu.hostTotalMs > 0 ? (100 * Math.max(0, cpu.hostBusyMs - accounted)) / cpu.hostTotalMs : 0,
  };
  const c = phase.cpuMsPerReq;
  const us = (ms: number) => (ms * 1000).toFixed(0);
  log(
    `${name}: ${phase.ok} ok in ${tally.seconds.toFixed(1)} s = ${phase.perSecond.toFixed(0)}/s, ` +
      `p50 ${phase.p50.toFixed(2)} ms, p99 ${phase.p99.toFixed(2)} ms; CPU µs per request: ` +
      `server ${us(c.server)} (main thread ${us(c.server_main)}), load generator ${us(c.load_generator)}, ` +
      `redis ${us(c.redis)}, postgres ${us(c.postgres)}, kernel irq ${us(c.kernel_irq)}, ` +
      `rest of machine ${us(c.rest)}; ` +
      `machine ${phase.hostBusyPct.toFixed(0)}% busy (${phase.hostOtherPct.toFixed(0)}% other work)` +
      (phase.errors ? `, ${phase.errors} ERRORS ${JSON.stringify(phase.errorsByStatus)}` : ''),
  );
  return phase;
}
