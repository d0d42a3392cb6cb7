// SMTP probe benchmark, against local smtp-server instances on loopback addresses that wait
// RCPT_DELAY_MS before each RCPT reply (a stand-in for a remote MX's think time; the network round
// trip itself is loopback). Half the addresses exist, half do not; no domain is a catch-all.
//   smtp_probe_p50_ms / smtp_probe_p99_ms: one probe at a time over warm (reused) connections,
//     each answered after one RCPT delay;
//   smtp_probes_per_s: probes per second with CONCURRENCY callers spread over MX_HOSTS hosts, at
//     the single-check path's default per-host limit (it starts at 2 sessions per MX and grows to
//     SMTP_PROBE_MAX_CONNECTIONS_PER_HOST, 5). Batched bulk probing is measured by `pnpm bench smtp`.
// The cold cost (a new connection per probe: connect, greeting, EHLO) is logged, not returned:
// smtp-server pauses 100 ms before its greeting, which would measure the test server. Progress
// goes to stderr.
import { createSmtpProber, type ProbeAddress } from '../../packages/validator/src/smtp/index.ts';
import type { MxHost } from '../../packages/validator/src/types.ts';
import { startSmtpCluster } from '../../packages/validator/test/support/smtp-servers.ts';

const RCPT_DELAY_MS = 20;
const MX_HOSTS = 4;
const WARMUP = 50;
const SERIAL_PROBES = 300;
const COLD_PROBES = 20;
const CONCURRENCY = 64;
const THROUGHPUT_DURATION_MS = 3_000;

const log = (line: string) => process.stderr.write(`smtp: ${line}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const address = (local: string, domain: string): ProbeAddress => ({
  local,
  ascii: `${local}@${domain}`,
  smtputf8: false,
});

export async function benchSmtp(): Promise<Record<string, number>> {
  const mailboxes = Object.fromEntries(
    Array.from({ length: 1000 }, (_, i) => [`user${i}`, 'accept' as const]),
  );
  const cluster = await startSmtpCluster(
    Array.from({ length: MX_HOSTS }, () => ({ mailboxes, rcptDelayMs: RCPT_DELAY_MS })),
  );
  const hosts: MxHost[][] = cluster.servers.map((server) => [server.mx]);
  const options = {
    heloName: 'probe.postern.test',
    mailFrom: 'verify@postern.test',
    port: cluster.port,
    connectTimeoutMs: 2_000,
    commandTimeoutMs: 2_000,
  };
  // Every other address exists (user<even>), the rest are unknown (nobody<odd>).
  const target = (i: number): [ProbeAddress, MxHost[]] => {
    const k = i % MX_HOSTS;
    const local = i % 2 === 0 ? `user${(i >> 1) % 1000}` : `nobody${i}`;
    return [address(local, `d${k}.bench.test`), hosts[k] as MxHost[]];
  };
  const check = (status: string, i: number) => {
    const expected = i % 2 === 0 ? 'accepted' : 'mailbox_not_found';
    if (status !== expected) throw new Error(`probe ${i}: ${status}, expected ${expected}`);
  };

  try {
    const prober = createSmtpProber(options);
    try {
      for (let i = 0; i < WARMUP; i++) check((await prober.probe(...target(i))).status, i);
      const samples: number[] = [];
      for (let i = 0; i < SERIAL_PROBES; i++) {
        const t0 = performance.now();
        const result = await prober.probe(...target(i));
        samples.push(performance.now() - t0);
        check(result.status, i);
      }
      samples.sort((a, b) => a - b);
      const p50 = percentile(samples, 50);
      const p99 = percentile(samples, 99);
      log(
        `serial, warm connections: p50 ${round(p50)} ms, p99 ${round(p99)} ms over ${SERIAL_PROBES} probes`,
      );

      let done = 0;
      const t0 = performance.now();
      const deadline = t0 + THROUGHPUT_DURATION_MS;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, worker) => {
          for (let i = worker; performance.now() < deadline; i += CONCURRENCY) {
            check((await prober.probe(...target(i))).status, i);
            done++;
          }
        }),
      );
      const perSecond = done / ((performance.now() - t0) / 1000);
      log(
        `throughput: ${Math.round(perSecond)} probes/s (${CONCURRENCY} callers, ${MX_HOSTS} MX, adaptive 2–5 per MX)`,
      );

      const cold = createSmtpProber({ ...options, reuseConnections: false });
      const coldSamples: number[] = [];
      for (let i = 0; i < COLD_PROBES; i++) {
        const c0 = performance.now();
        check((await cold.probe(...target(i))).status, i);
        coldSamples.push(performance.now() - c0);
      }
      await cold.close();
      coldSamples.sort((a, b) => a - b);
      log(
        `cold (new connection each, incl. smtp-server's 100 ms greet pause): p50 ${round(percentile(coldSamples, 50))} ms`,
      );

      return {
        smtp_probe_p50_ms: round(p50),
        smtp_probe_p99_ms: round(p99),
        smtp_probes_per_s: Math.round(perSecond),
      };
    } finally {
      await prober.close();
    }
  } finally {
    await cluster.close();
  }
}
