// Startup benchmark: seconds from `./postern up` to a ready /readyz (200), on a fresh data folder
// (cold: initdb + migrations) and on an existing one (warm), with peak RSS of the API and worker.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@postern/runtime/testing';
import { rssMb } from '../lib.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WARM_RUNS = Number(process.argv[2] ?? 3);

function childPids(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

async function once(dataDir: string) {
  const port = await freePort();
  const pgPort = await freePort();
  const started = performance.now();
  const proc: ChildProcess = spawn('bash', [join(root, 'postern'), 'up'], {
    cwd: root,
    env: {
      ...process.env,
      POSTERN_DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      DATABASE_URL: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => (output += c));
  proc.stderr?.on('data', (c: Buffer) => (output += c));
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`not ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const rss: Record<string, number> = {};
  for (const pid of childPids(proc.pid ?? 0)) {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const name = cmd.includes('apps/api')
      ? 'api'
      : cmd.includes('apps/worker')
        ? 'worker'
        : cmd.includes('embedded-postgres')
          ? 'pg_launcher'
          : `pid${pid}`;
    rss[name] = rssMb(pid);
  }
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  return { seconds, rssMb: rss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const dataDir = mkdtempSync(join(tmpdir(), 'postern-bench-'));
// As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
chmodSync(dataDir, 0o755);
try {
  const cold = await once(dataDir);
  process.stderr.write(`cold: ${cold.seconds.toFixed(2)} s\n`);
  const warm: number[] = [];
  const rss: Record<string, number> = { ...cold.rssMb };
  for (let i = 0; i < WARM_RUNS; i++) {
    const run = await once(dataDir);
    warm.push(run.seconds);
    for (const [name, mb] of Object.entries(run.rssMb)) rss[name] = Math.max(rss[name] ?? 0, mb);
    process.stderr.write(`warm ${i + 1}: ${run.seconds.toFixed(2)} s\n`);
  }
  const warmP50 = median(warm);
  console.log(
    JSON.stringify({
      bench: 'startup',
      cold_s: round(cold.seconds),
      warm_p50_s: round(warmP50),
      warm_max_s: round(Math.max(...warm)),
      warm_runs: warm.length,
      warm_over_cold: round(warmP50 / cold.seconds, 3),
      peak_rss_mb: rss,
      note: 'from `./postern up` (install already done) to /readyz 200; cold = new data folder (initdb + migrations)',
    }),
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
