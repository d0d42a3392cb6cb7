// The subscribe half of the contacts benchmark: the hosted form's POST (urlencoded, a new address each
// time, double opt-in: a confirmation email is queued for every post) at CONNECTIONS closed-loop
// connections, alternating windows with a bare Fastify route (bench/api/bare-server.ts) as bench/api
// does. Each connection has its own source address in 127.0.0.0/8, so the per-IP form limit (raised by
// configuration for the run, OPT_IN_FORM_POSTS_PER_MINUTE) applies per connection as it would per visitor.
import http from 'node:http';
import { percentile, round } from '../lib.ts';

export const CONNECTIONS = 50;

function post(agent: http.Agent, base: URL, path: string, body: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: base.hostname,
        port: Number(base.port),
        method: body === null ? 'GET' : 'POST',
        path,
        agent,
        headers:
          body === null
            ? {}
            : { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) },
      },
      (res) => {
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
        res.resume();
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

export interface Window {
  ok: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

let serial = 0;

/** One window of `durationMs` (after `warmupMs`) at CONNECTIONS connections; counts `expect` answers. */
export async function loadWindow(
  base: string,
  path: string,
  form: boolean,
  expect: number,
  warmupMs: number,
  durationMs: number,
): Promise<Window> {
  const url = new URL(base);
  const from = performance.now() + warmupMs;
  const until = from + durationMs;
  const latencies: number[] = [];
  let errors = 0;
  const agents = Array.from(
    { length: CONNECTIONS },
    (_, i) => new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: `127.0.1.${i + 10}` }),
  );
  await Promise.all(
    agents.map(async (agent) => {
      for (;;) {
        const t0 = performance.now();
        if (t0 >= until) return;
        const body = form
          ? `email=sub.${process.pid}.${serial++}%40bench.example.com&name=Bench&website=`
          : null;
        let status = 0;
        try {
          status = await post(agent, url, path, body);
        } catch {
          status = 0;
        }
        if (t0 < from) continue;
        if (status === expect) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  for (const agent of agents) agent.destroy();
  return { ok: latencies.length, errors, seconds: (performance.now() - from) / 1000, latencies };
}

export function summary(windows: Window[]) {
  const latencies = windows.flatMap((w) => w.latencies).sort((a, b) => a - b);
  const seconds = windows.reduce((a, w) => a + w.seconds, 0);
  const ok = windows.reduce((a, w) => a + w.ok, 0);
  return {
    rps: round(ok / seconds, 0),
    p50: round(percentile(latencies, 0.5), 1),
    p99: round(percentile(latencies, 0.99), 1),
    errors: windows.reduce((a, w) => a + w.errors, 0),
  };
}
