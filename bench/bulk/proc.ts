// /proc readings: CPU (clock ticks of 10 ms) of a process, of the database's backends, and of the
// machine; bytes a process has read. Resident memory is read with rssMb (../lib.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { round, ticks } from '../lib.ts';

const TICK_MS = 10;

export function processTicks(pid: number | undefined): number {
  try {
    return ticks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

/** CPU ticks of the PostgreSQL processes serving `dbName` (their title carries its name). */
export function backendTicks(dbName: string): number {
  let sum = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dbName)) continue;
      sum += ticks(readFileSync(`/proc/${entry}/stat`, 'utf8'));
    } catch {
      // ended meanwhile
    }
  }
  return sum;
}

export function machineTicks(): { busy: number; total: number } {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Bytes a process has read through system calls (sockets included): /proc/<pid>/io rchar. */
export function bytesRead(pid: number): number {
  try {
    return Number(/rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export interface CpuMark {
  at: number;
  api: number;
  worker: number;
  postgres: number;
  self: number;
  machine: { busy: number; total: number };
}

export interface Pids {
  api: number;
  workers: number[];
  dbName: string;
}

export function mark(pids: Pids): CpuMark {
  return {
    at: performance.now(),
    api: processTicks(pids.api),
    worker: pids.workers.reduce((sum, pid) => sum + processTicks(pid), 0),
    postgres: backendTicks(pids.dbName),
    self: processTicks(process.pid),
    machine: machineTicks(),
  };
}

/** Cores used by each process between two marks (1.0 = one core busy all the time). */
export function cores(from: CpuMark, to: CpuMark) {
  const wallMs = Math.max(1, to.at - from.at);
  const c = (a: number, b: number) => round(((b - a) * TICK_MS) / wallMs, 2);
  const machineTotal = Math.max(1, to.machine.total - from.machine.total);
  return {
    seconds: round(wallMs / 1000, 2),
    api_cores: c(from.api, to.api),
    worker_cores: c(from.worker, to.worker),
    postgres_cores: c(from.postgres, to.postgres),
    bench_and_dns_cores: c(from.self, to.self),
    machine_busy_pct: round(((to.machine.busy - from.machine.busy) / machineTotal) * 100, 0),
  };
}
