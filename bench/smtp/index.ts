// SMTP probing benchmark (issue #19): 200 domains on 20 MX hosts (127.0.0.x, see servers.ts), a local
// DNS server answering MX and A, every SMTP reply delayed 50 ms, each host refusing a 6th concurrent
// connection with 421. 20,000 addresses with a generated ground truth (two mailboxes in three exist,
// every tenth domain is a catch-all) go through createVerifier().verifyMany at depth `enhanced`;
// each verdict (decide()) is compared with the ground truth.
//   per_hour, correct_ratio, refused_421, sessions, rcpts_per_session, max_rcpts_per_session,
//   max_connections_per_host: the batched path (verifyMany) over the 20,000 addresses;
//   p50_ms, p99_ms: single checks (verify()) one at a time afterwards;
//   baseline_*: the one-address-per-transaction path (validate(), 2 sessions per host, 40 in flight:
//     every allowed session busy) over the first BASELINE_ADDRESSES addresses, in the same run.
// Progress goes to stderr; the last line is one JSON object.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createVerificationEngine } from '../../packages/validator/src/engine.ts';
import { decide } from '../../packages/validator/src/verdict.ts';
import { createVerifier } from '../../packages/validator/src/verifier.ts';
import { percentile, round } from '../lib.ts';
import type { BenchServerStats } from './servers.ts';
import { addressAt, DELAY_MS, DOMAINS, expected, HOSTS } from './shape.ts';

const ADDRESSES = 20_000;
const SINGLE_CHECKS = 200;
const BASELINE_ADDRESSES = 2_000;
const BASELINE_CONCURRENCY = 40;
const HELO = 'probe.postern.bench';

const log = (line: string) => process.stderr.write(`smtp: ${line}\n`);

type Stats = Omit<BenchServerStats, 'heloNames'> & { heloNames: string[] };
const world = fork(new URL('./world.ts', import.meta.url), {
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ask = async <T>(type: string): Promise<T> => {
  const reply = once(world, 'message') as Promise<[T]>;
  world.send({ type });
  return (await reply)[0];
};
const [ready] = (await once(world, 'message')) as [{ port: number; dns: string }];
const servers = {
  stats: async () => (await ask<{ stats: Stats }>('stats')).stats,
  reset: () => ask('reset'),
};
const options = {
  // The local dns2 server now and then loses a query of the first burst (200 domains at once): a
  // short per-try timeout asks again soon instead of stalling the start for seconds.
  dns: { servers: [ready.dns], timeoutMs: 500, tries: 4 },
  parse: { allowSpecialUse: true },
  smtp: {
    heloName: HELO,
    mailFrom: 'verify@postern.bench',
    port: ready.port,
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 5_000,
  },
};

async function batched() {
  const verifier = createVerifier(options);
  // A worker process is warm: the lists and tables parsing loads lazily are loaded before timing
  // (an address on a domain that does not exist, so no DNS or SMTP answer is cached for the run).
  await verifier.verify('warm-up@warm-up.bench.test');
  const load = loadavg()[0] ?? 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let correct = 0;
  let seen = 0;
  const input = (function* () {
    for (let i = 0; i < ADDRESSES; i++) yield addressAt(i);
  })();
  // The default window (5,000 in flight) keeps 20 hosts × 5 sessions × 20 RCPTs full.
  for await (const { address, result } of verifier.verifyMany(input, { depth: 'enhanced' })) {
    seen++;
    if (seen === 1 || seen % 5000 === 0) log(`${seen} at ${Math.round(performance.now() - t0)} ms`);
    if (decide(result).status === expected(address)) correct++;
    else if (seen - correct <= 3) log(`wrong: ${address} ${JSON.stringify(result.smtp)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stats = await servers.stats();
  log(
    `batched: ${seen} in ${round(seconds)} s, ${correct} correct, ${stats.sessions} sessions, ` +
      `cpu ${round((cpu.user + cpu.system) / 1e6)} s (prober only), load ${round(load)}`,
  );
  const singles: number[] = [];
  for (let i = 0; i < SINGLE_CHECKS; i++) {
    const t = performance.now();
    const result = await verifier.verify(addressAt(i * 97), { depth: 'enhanced' });
    singles.push(performance.now() - t);
    if (decide(result).status !== expected(addressAt(i * 97))) throw new Error('single check: wrong verdict');
  }
  singles.sort((a, b) => a - b);
  await verifier.close();
  // Every session, single checks included, after close(): how many ended with QUIT.
  const closed = await servers.stats();
  const quitRatio = closed.quits / Math.max(1, closed.sessions);
  return {
    seconds,
    seen,
    correct,
    stats,
    singles,
    load,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    quitRatio,
  };
}

async function baseline() {
  await servers.reset();
  // Today's bulk path: validate() per address, one transaction each, at most 2 sessions per host.
  const engine = createVerificationEngine({
    ...options,
    smtp: { ...options.smtp, maxConnectionsPerHost: 2 },
  });
  let next = 0;
  let correct = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: BASELINE_CONCURRENCY }, async () => {
      while (next < BASELINE_ADDRESSES) {
        const address = addressAt(next++);
        const result = await engine.validate(address, { depth: 'enhanced' });
        if (decide(result).status === expected(address)) correct++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const singles: number[] = [];
  for (let i = 0; i < SINGLE_CHECKS / 2; i++) {
    const t = performance.now();
    await engine.validate(addressAt(i * 97), { depth: 'enhanced' });
    singles.push(performance.now() - t);
  }
  singles.sort((a, b) => a - b);
  await engine.close();
  const stats = await servers.stats();
  log(
    `baseline: ${BASELINE_ADDRESSES} in ${round(seconds)} s, ${correct} correct, ${stats.sessions} sessions`,
  );
  return { seconds, correct, stats, singles };
}

try {
  const run = await batched();
  const base = await baseline();
  const perHour = Math.round((run.seen / run.seconds) * 3600);
  const s = run.stats;
  console.log(
    JSON.stringify({
      bench: 'smtp',
      addresses: run.seen,
      domains: DOMAINS,
      mx_hosts: HOSTS,
      reply_delay_ms: DELAY_MS,
      per_hour: perHour,
      correct_ratio: round(run.correct / run.seen, 4),
      refused_421: s.refused421,
      sessions: s.sessions,
      quit_ratio: round(run.quitRatio, 4),
      transactions: s.transactions,
      mean_open_sessions: round(s.sessionMs / (run.seconds * 1000), 1),
      mean_session_ms: round(s.sessionMs / Math.max(1, s.sessions)),
      rcpts_per_session: round(s.rcpts / Math.max(1, s.sessions)),
      max_rcpts_per_session: s.maxRcptsPerSession,
      max_connections_per_host: s.maxConnectionsPerHost,
      helo_names: [...s.heloNames],
      p50_ms: round(percentile(run.singles, 0.5)),
      p99_ms: round(percentile(run.singles, 0.99)),
      cpu_s: round(run.cpuSeconds),
      load_avg_1m: round(run.load),
      baseline_per_hour: Math.round((BASELINE_ADDRESSES / base.seconds) * 3600),
      baseline_correct_ratio: round(base.correct / BASELINE_ADDRESSES, 4),
      baseline_refused_421: base.stats.refused421,
      baseline_rcpts_per_session: round(base.stats.rcpts / Math.max(1, base.stats.sessions)),
      baseline_p50_ms: round(percentile(base.singles, 0.5)),
      baseline_p99_ms: round(percentile(base.singles, 0.99)),
      goal_met: perHour >= 4_000_000 && run.correct === run.seen && s.refused421 === 0,
    }),
  );
} finally {
  world.send({ type: 'close' });
  await once(world, 'exit');
}
process.exit(0);
