// CPU accounting from /proc for the API benchmark (bench/api/index.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { ticks } from '../lib.ts';

// ---------------------------------------------------------------------------------------------
// CPU accounting from /proc (USER_HZ = 100 ticks/s): the server under test (its main thread, the
// event loop, and its other threads: V8's GC helpers, the libuv pool), this process (the load
// generator), Redis, the bench database's PostgreSQL backends, and the whole machine, so each
// phase's cost per request can be split between them, kernel interrupt time, and the rest (other
// processes on the machine).

export const TICK_MS = 10;

/**
 * Pids of processes with this command name (`comm`) whose command line contains `marker` (the
 * PostgreSQL backends of the bench's database carry its name in their title).
 */
export function pidsNamed(name: string, marker = ''): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
      if (marker && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) continue;
      pids.push(Number(entry));
    } catch {
      // A process that ended between the listing and the read.
    }
  }
  return pids;
}

export interface Watched {
  serverPid: number;
  redis: number[];
  postgres: number[];
}

export interface CpuSnapshot {
  serverMainMs: number;
  serverOtherMs: number;
  clientMs: number;
  /** CPU ms of each watched process, by pid (one that ends in the window is left out). */
  redis: Map<number, number>;
  postgres: Map<number, number>;
  /** Kernel time in interrupts (irq + softirq: loopback networking), charged to no process. */
  hostIrqMs: number;
  hostBusyMs: number;
  hostTotalMs: number;
}

export interface CpuDelta {
  serverMainMs: number;
  serverOtherMs: number;
  clientMs: number;
  redisMs: number;
  postgresMs: number;
  /** Kernel time in interrupts (irq + softirq: loopback networking), charged to no process. */
  hostIrqMs: number;
  hostBusyMs: number;
  hostTotalMs: number;
}

export function perPid(pids: number[]): Map<number, number> {
  const ms = new Map<number, number>();
  for (const pid of pids) {
    try {
      ms.set(pid, ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')) * TICK_MS);
    } catch {
      // Ended.
    }
  }
  return ms;
}

export function cpuSnapshot(watched: Watched): CpuSnapshot {
  let serverMainMs = 0;
  let serverOtherMs = 0;
  for (const tid of readdirSync(`/proc/${watched.serverPid}/task`)) {
    try {
      const ms = ticks(readFileSync(`/proc/${watched.serverPid}/task/${tid}/stat`, 'utf8')) * TICK_MS;
      if (Number(tid) === watched.serverPid) serverMainMs += ms;
      else serverOtherMs += ms;
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  const usage = process.cpuUsage();
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1, 9).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return {
    serverMainMs,
    serverOtherMs,
    clientMs: (usage.user + usage.system) / 1000,
    redis: perPid(watched.redis),
    postgres: perPid(watched.postgres),
    hostIrqMs: ((cpu[5] ?? 0) + (cpu[6] ?? 0)) * TICK_MS,
    hostBusyMs: (total - idle) * TICK_MS,
    hostTotalMs: total * TICK_MS,
  };
}

export function cpuDelta(from: CpuSnapshot, to: CpuSnapshot): CpuDelta {
  const sum = (a: Map<number, number>, b: Map<number, number>) => {
    let ms = 0;
    for (const [pid, end] of b) ms += end - (a.get(pid) ?? end);
    return ms;
  };
  return {
    serverMainMs: to.serverMainMs - from.serverMainMs,
    serverOtherMs: to.serverOtherMs - from.serverOtherMs,
    clientMs: to.clientMs - from.clientMs,
    redisMs: sum(from.redis, to.redis),
    postgresMs: sum(from.postgres, to.postgres),
    hostIrqMs: to.hostIrqMs - from.hostIrqMs,
    hostBusyMs: to.hostBusyMs - from.hostBusyMs,
    hostTotalMs: to.hostTotalMs - from.hostTotalMs,
  };
}
