// The auth benchmark's CPU accounting and load loop (bench/auth/index.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { percentile, ticks } from '../lib.ts';

export const log = (line: string) => process.stderr.write(`auth: ${line}\n`);

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc, so a phase's cost per request can be told apart from a busy machine:
// the API's main thread (event loop: Fastify, tRPC, ORM), its other threads (the libuv pool, where
// argon2 runs, and V8's helpers), and the whole machine. /proc counts in USER_HZ = 100 ticks/s.

const TICK_MS = 10;
let apiPid: number | undefined;

/** The API process whose threads are accounted (its main thread apart). */
export function watchApi(pid: number | undefined) {
  apiPid = pid;
}

export interface CpuSnapshot {
  apiMainMs: number;
  apiOtherMs: number;
  hostBusyMs: number;
  hostTotalMs: number;
}

export function cpuSnapshot(): CpuSnapshot {
  let apiMainMs = 0;
  let apiOtherMs = 0;
  if (apiPid !== undefined) {
    for (const tid of readdirSync(`/proc/${apiPid}/task`)) {
      try {
        const ms = ticks(readFileSync(`/proc/${apiPid}/task/${tid}/stat`, 'utf8')) * TICK_MS;
        if (Number(tid) === apiPid) apiMainMs += ms;
        else apiOtherMs += ms;
      } catch {
        // A thread that ended between the listing and the read.
      }
    }
  }
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1, 9).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { apiMainMs, apiOtherMs, hostBusyMs: (total - idle) * TICK_MS, hostTotalMs: total * TICK_MS };
}

// ---------------------------------------------------------------------------------------------
// Load loop: `concurrency` closed-loop workers; a warm-up, then a measured window. Only answers with
// the expected status count; anything else (or a network error) is an error, tallied by status.

export interface Phase {
  ok: number;
  errors: number;
  errorsByStatus: Record<string, number>;
  perSecond: number;
  p50: number;
  p99: number;
  seconds: number;
  /** API CPU per successful request, in ms: main thread, other threads. */
  apiMainMsPerOp: number;
  apiOtherMsPerOp: number;
  /** Share of the whole machine's CPU in use during the measured window (all processes), %. */
  hostBusyPct: number;
}

export interface Op {
  /** Untimed work before a request (a simulated client changing address). */
  prepare?: (worker: number) => Promise<void>;
  run: (worker: number) => Promise<{ ok: boolean; status: string }>;
}

export async function runPhase(
  name: string,
  options: { concurrency: number; warmupMs: number; durationMs: number; maxCount?: number },
  op: Op,
): Promise<Phase> {
  log(`${name}: warm-up ${options.warmupMs} ms at ${options.concurrency} concurrent`);
  const start = performance.now();
  const measureFrom = start + options.warmupMs;
  const measureUntil = measureFrom + options.durationMs;
  const latencies: number[] = [];
  const errorsByStatus: Record<string, number> = {};
  let errors = 0;
  let started = 0;
  let lastEnd = measureFrom;
  let announced = false;
  let cpuFrom: CpuSnapshot | undefined;
  const worker = async (w: number) => {
    for (;;) {
      if (performance.now() >= measureUntil) return;
      await op.prepare?.(w);
      const t0 = performance.now();
      if (t0 >= measureUntil) return;
      const measured = t0 >= measureFrom;
      if (measured) {
        if (!announced) {
          announced = true;
          cpuFrom = cpuSnapshot();
          log(`${name}: measuring for ${options.durationMs} ms`);
        }
        if (options.maxCount !== undefined && started >= options.maxCount) return;
        started++;
      }
      let result: { ok: boolean; status: string };
      try {
        result = await op.run(w);
      } catch (error) {
        result = { ok: false, status: (error as NodeJS.ErrnoException).code ?? 'network' };
      }
      const t1 = performance.now();
      if (!measured) continue;
      lastEnd = Math.max(lastEnd, t1);
      if (result.ok) latencies.push(t1 - t0);
      else {
        errors++;
        errorsByStatus[result.status] = (errorsByStatus[result.status] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, w) => worker(w)));
  const cpuTo = cpuSnapshot();
  const from = cpuFrom ?? cpuTo;
  const seconds = (lastEnd - measureFrom) / 1000;
  latencies.sort((a, b) => a - b);
  const perOp = (ms: number) => (latencies.length ? ms / latencies.length : 0);
  const phase: Phase = {
    ok: latencies.length,
    errors,
    errorsByStatus,
    perSecond: seconds > 0 ? latencies.length / seconds : 0,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    seconds,
    apiMainMsPerOp: perOp(cpuTo.apiMainMs - from.apiMainMs),
    apiOtherMsPerOp: perOp(cpuTo.apiOtherMs - from.apiOtherMs),
    hostBusyPct:
      cpuTo.hostTotalMs > from.hostTotalMs
        ? (100 * (cpuTo.hostBusyMs - from.hostBusyMs)) / (cpuTo.hostTotalMs - from.hostTotalMs)
        : 0,
  };
  log(
    `${name}: ${phase.ok} ok in ${seconds.toFixed(1)} s = ${phase.perSecond.toFixed(1)}/s, ` +
      `p50 ${phase.p50.toFixed(1)} ms, p99 ${phase.p99.toFixed(1)} ms; API CPU per request ` +
      `${phase.apiMainMsPerOp.toFixed(2)} ms main thread + ${phase.apiOtherMsPerOp.toFixed(2)} ms other threads; ` +
      `machine ${phase.hostBusyPct.toFixed(0)}% busy` +
      (errors ? `, ${errors} ERRORS ${JSON.stringify(errorsByStatus)}` : ''),
  );
  return phase;
}
