// API benchmark: throughput and latency at 50 concurrent keep-alive connections of
//   (a) a bare Fastify 5 JSON route in its own process (bench/api/bare-server.ts): the floor;
//   (b) the public REST endpoint `GET /v1/me` of the real API with `Authorization: Bearer pst_live_…`
//       (key lookup, cached in process, + the workspace's token bucket in Redis, + usage counting),
//       with every plan's limits raised (RATE_LIMIT_MULTIPLIER) so it measures cost, not refusals;
//   (c) `GET /trpc/auth.me` without a session (401 once tRPC's middleware has run, no database or
//       Redis work): the floor of any tRPC call, which the lean /v1 path does not pay;
// and the ratio b/a (goal: >= 0.5). (a) and (b) are measured in alternating windows (a, b, a, b) so
// a change in the machine's other load hits both alike. The API runs as a child process (the entry
// point operators run) on a fresh test database and the local Redis, at LOG_LEVEL=warn: at info it
// writes one request log line per request, which would be measured too. The load generator (this
// process) shares the machine's cores with the servers, Redis and PostgreSQL, so every target also
// reports CPU microseconds per request of each (from /proc): the servers' own cost, whatever the
// sharing. BENCH_API_NODE_OPTIONS, when set, is passed to the API as NODE_OPTIONS (e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it). The last stdout line is one JSON object of
// figures; progress goes to stderr.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
// The root package depends on @postern/runtime only; contracts and db are reached by path.
import { AUTH_COOKIES } from '../../packages/contracts/src/index.ts';
import { createTestDatabase, type TestDatabase } from '../../packages/db/src/testing.ts';
import { startDnsServer, type TestDnsServer } from '../../packages/validator/test/support/dns-server.ts';
import { cookieValue, request, round, rssMb } from '../lib.ts';
import { agent, hit, target, trpc, USER_AGENT } from './client.ts';
import { pidsNamed, type Watched } from './cpu.ts';
import { CONNECTIONS, log, measure, newTally, type Phase, summarize } from './load.ts';

const WARMUP_MS = 2_000;
/** Measured time per target, split in ROUNDS alternating windows (a, b, a, b); later windows re-warm
 * for REWARM_MS (the sockets stay open). */
const DURATION_MS = 8_000;
const ROUNDS = 4;
const REWARM_MS = 500;
/** The tRPC comparison is optional context: a shorter phase keeps the whole run under a minute. */
const TRPC_WARMUP_MS = 1_000;
const TRPC_DURATION_MS = 5_000;
const GOAL_RATIO = 0.5;
const PASSWORD = 'Bench-Password-42!';

// ---------------------------------------------------------------------------------------------

function startBare(port: number): { proc: ChildProcess; lines: string[] } {
  const proc = spawn(process.execPath, [fileURLToPath(new URL('./bare-server.ts', import.meta.url))], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const onData = (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  return { proc, lines };
}

async function stopBare(proc: ChildProcess) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

let db: TestDatabase | undefined;
let app: SpawnedApp | undefined;
let dnsServer: TestDnsServer | undefined;
let bare: { proc: ChildProcess; lines: string[] } | undefined;
const began = performance.now();
// The figures assume the machine is otherwise idle; the load average before the run tells.
const loadBefore = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
try {
  db = await createTestDatabase();
  const dbName = db.name;
  log(`database ${dbName}`);
  const barePort = await freePort();
  bare = startBare(barePort);
  // /v1/validate resolves through a local DNS server, so the cache-hit figure is of a real answer.
  dnsServer = await startDnsServer({
    'bench-mail.com': { mx: [{ exchange: 'mx.bench-mail.com', priority: 10 }] },
    'mx.bench-mail.com': { a: ['192.0.2.25'] }, // without an address the MX would be dangling
  });
  app = await spawnApp('api', {
    DNS_SERVERS: dnsServer.address,
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    // At info the API writes one request log line per request; the bench measures the handling.
    LOG_LEVEL: 'warn',
    // Every plan's limits x100,000: the bench measures the cost of the bucket, not its refusals.
    RATE_LIMIT_MULTIPLIER: '100000',
    ...(process.env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS } : {}),
  });
  const bareBase = `http://127.0.0.1:${barePort}`;
  await Promise.all([
    waitForHttp(`${app.url}/healthz`, { timeoutMs: 30_000 }),
    waitForHttp(`${bareBase}/bare`, { timeoutMs: 30_000 }),
  ]);
  const apiPid = app.proc.pid ?? 0;
  const barePid = bare.proc.pid ?? 0;
  const api = target(app.url);
  const bareTarget = target(bareBase);
  log(`api at ${app.url} (pid ${apiPid}), bare Fastify at ${bareBase} (pid ${barePid})`);

  // Setup over tRPC, as the dashboard does: a browser's CSRF cookie, sign-up (the session cookie),
  // the account's workspace, and an API key of it.
  const first = await request(agent, api, 'GET', '/trpc/system.health', { 'user-agent': USER_AGENT });
  const csrf = cookieValue(first.setCookie, AUTH_COOKIES.csrf);
  if (!csrf) throw new Error('GET /trpc/system.health: no CSRF cookie');
  const cookies: Record<string, string> = { [AUTH_COOKIES.csrf]: csrf };
  const email = `bench-api-${randomBytes(4).toString('hex')}@example.test`;
  await trpc(api, 'POST', 'auth.signUp', cookies, { email, password: PASSWORD });
  // Sign-up answers "check your email"; the session (and a new CSRF token) come with sign-in.
  const signIn = await trpc(api, 'POST', 'auth.signIn', cookies, { email, password: PASSWORD });
  const access = cookieValue(signIn.setCookie, AUTH_COOKIES.access);
  if (!access) throw new Error('sign-in: no session cookie');
  cookies[AUTH_COOKIES.access] = access;
  cookies[AUTH_COOKIES.csrf] = cookieValue(signIn.setCookie, AUTH_COOKIES.csrf) ?? csrf;
  const list = await trpc<{ workspaces: { id: string }[] }>(api, 'GET', 'workspaces.list', cookies);
  const workspaceId =
    list.data.workspaces[0]?.id ??
    (await trpc<{ id: string }>(api, 'POST', 'workspaces.create', cookies, { name: 'Bench' })).data.id;
  const key = await trpc<{ secret: string }>(api, 'POST', 'apiKeys.create', cookies, {
    workspaceId,
    name: 'bench',
  });
  // An API client as an SDK would be: the key in the header, no cookies.
  const v1Headers = { authorization: `Bearer ${key.data.secret}`, 'user-agent': 'postern-bench/1' };
  const check = await request(agent, api, 'GET', '/v1/me', v1Headers);
  const me = JSON.parse(check.body) as { workspace?: { id?: string } };
  if (check.status !== 200 || me.workspace?.id !== workspaceId)
    throw new Error(`GET /v1/me: HTTP ${check.status} ${check.body}`);
  const bareCheck = await request(agent, bareTarget, 'GET', '/bare', {});
  if (bareCheck.status !== 200) throw new Error(`GET /bare: HTTP ${bareCheck.status}`);
  log(`workspace ${workspaceId}, API key created; /v1/me and /bare answer 200`);
  const apiRssSetupMb = rssMb(apiPid, 'VmRSS');

  const watchBare = (): Watched => ({ serverPid: barePid, redis: [], postgres: [] });
  const watchApi = (): Watched => ({
    serverPid: apiPid,
    redis: pidsNamed('redis-server'),
    postgres: pidsNamed('postgres', dbName),
  });
  const bareTally = newTally();
  const v1Tally = newTally();
  log(
    `bare Fastify and GET /v1/me at ${CONNECTIONS} connections, ${ROUNDS} alternating windows of ` +
      `${DURATION_MS / ROUNDS} ms each`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    const warmupMs = round === 0 ? WARMUP_MS : REWARM_MS;
    const durationMs = DURATION_MS / ROUNDS;
    await measure('bare Fastify', bareTally, { watched: watchBare, warmupMs, durationMs, expect: 200 }, () =>
      hit(bareTarget, '/bare', {}),
    );
    await measure('GET /v1/me', v1Tally, { watched: watchApi, warmupMs, durationMs, expect: 200 }, () =>
      hit(api, '/v1/me', v1Headers),
    );
  }
  const apiHwmAfterV1Mb = rssMb(apiPid);
  // A browser's request: the CSRF cookie (so no new one is issued), no session: 401 from tRPC.
  const trpcHeaders = { cookie: `${AUTH_COOKIES.csrf}=${csrf}`, 'user-agent': USER_AGENT };
  const trpcTally = newTally();
  await measure(
    'tRPC auth.me unauthenticated',
    trpcTally,
    { watched: watchApi, warmupMs: TRPC_WARMUP_MS, durationMs: TRPC_DURATION_MS, expect: 401 },
    () => hit(api, '/trpc/auth.me', trpcHeaders),
  );

  // POST /v1/validate answered from the 1-hour cache (the first call fills it).
  const validateHeaders = { ...v1Headers, 'content-type': 'application/json' };
  const validateBody = JSON.stringify({ email: 'someone@bench-mail.com' });
  if ((await hit(api, '/v1/validate', validateHeaders, validateBody)) !== 200)
    throw new Error('POST /v1/validate failed');
  const validateTally = newTally();
  await measure(
    'POST /v1/validate (cache hit)',
    validateTally,
    { watched: watchApi, warmupMs: TRPC_WARMUP_MS, durationMs: TRPC_DURATION_MS, expect: 200 },
    () => hit(api, '/v1/validate', validateHeaders, validateBody),
  );
  const validatePhase = summarize('POST /v1/validate (cache hit)', validateTally);

  const barePhase = summarize('bare Fastify', bareTally);
  const v1Phase = summarize('GET /v1/me', v1Tally);
  const trpcPhase = summarize('tRPC auth.me unauthenticated', trpcTally);
  const rss = {
    api: rssMb(apiPid),
    api_after_setup_rss: apiRssSetupMb,
    api_after_v1_me: apiHwmAfterV1Mb,
    bare: rssMb(barePid),
  };
  const phases = { bare: barePhase, v1_me: v1Phase, trpc_me_unauth: trpcPhase };
  const errorsDetail = Object.fromEntries(
    Object.entries(phases)
      .filter(([, phase]) => phase.errors > 0)
      .map(([name, phase]) => [name, phase.errorsByStatus]),
  );
  const errors = barePhase.errors + v1Phase.errors + trpcPhase.errors;
  if (errors) log(`WARNING: ${errors} requests failed: ${JSON.stringify(errorsDetail)}`);
  const ratio = barePhase.perSecond > 0 ? v1Phase.perSecond / barePhase.perSecond : 0;
  // What the machine would do with no other work on it, from the CPU per request: the rate is bounded
  // by the load generator's one thread, the server's main thread, and all the cores shared by every
  // listed process. A model, not a measurement; it holds while the CPU per request does.
  const cores = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? 1;
  const projectedRps = (phase: Phase) => {
    const c = phase.cpuMsPerReq;
    const all = c.server + c.load_generator + c.redis + c.postgres + c.kernel_irq;
    const bounds = [c.load_generator, c.server_main, all / cores].filter((ms) => ms > 0);
    return bounds.length ? 1000 / Math.max(...bounds) : 0;
  };
  const projectedBare = projectedRps(barePhase);
  const projectedV1 = projectedRps(v1Phase);
  const ratioByRound = bareTally.windows.map((rps, i) =>
    rps > 0 ? round((v1Tally.windows[i] ?? 0) / rps, 3) : 0,
  );
  const otherPct = Math.max(barePhase.hostOtherPct, v1Phase.hostOtherPct);
  if (otherPct > 10)
    log(
      `WARNING: other work used up to ${otherPct.toFixed(0)}% of the machine's CPU during the measurement; ` +
        'the rates are not those of an idle machine (the CPU per request figures hold better)',
    );
  const cpuUs = (phase: Phase) =>
    Object.fromEntries(Object.entries(phase.cpuMsPerReq).map(([k, v]) => [k, Math.round(v * 1000)]));
  log(`done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  console.log(
    JSON.stringify({
      bench: 'api',
      connections: CONNECTIONS,
      warmup_s: WARMUP_MS / 1000,
      measure_s: DURATION_MS / 1000,
      bare_rps: Math.round(barePhase.perSecond),
      bare_p50_ms: round(barePhase.p50),
      bare_p99_ms: round(barePhase.p99),
      v1_me_rps: Math.round(v1Phase.perSecond),
      v1_me_p50_ms: round(v1Phase.p50),
      v1_me_p99_ms: round(v1Phase.p99),
      v1_validate_cached_rps: Math.round(validatePhase.perSecond),
      v1_validate_cached_p50_ms: round(validatePhase.p50),
      v1_validate_cached_p99_ms: round(validatePhase.p99),
      ratio_validate_cached_over_bare: round(validatePhase.perSecond / barePhase.perSecond, 3),
      ratio_v1_over_bare: round(ratio, 3),
      ratio_by_round: ratioByRound,
      projected_idle_rps: { bare: Math.round(projectedBare), v1_me: Math.round(projectedV1) },
      projected_idle_ratio_v1_over_bare: projectedBare > 0 ? round(projectedV1 / projectedBare, 3) : 0,
      goal_ratio: GOAL_RATIO,
      goal_met: errors === 0 && ratio >= GOAL_RATIO,
      trpc_me_unauth_rps: Math.round(trpcPhase.perSecond),
      trpc_me_unauth_p50_ms: round(trpcPhase.p50),
      trpc_me_unauth_p99_ms: round(trpcPhase.p99),
      ratio_trpc_over_bare: barePhase.perSecond > 0 ? round(trpcPhase.perSecond / barePhase.perSecond, 3) : 0,
      // The servers' own cost, free of the shared cores: bare server CPU / API CPU, per request.
      server_cpu_ratio_v1_over_bare:
        v1Phase.cpuMsPerReq.server > 0
          ? round(barePhase.cpuMsPerReq.server / v1Phase.cpuMsPerReq.server, 3)
          : 0,
      cpu_us_per_req: { bare: cpuUs(barePhase), v1_me: cpuUs(v1Phase), trpc_me_unauth: cpuUs(trpcPhase) },
      peak_rss_mb: rss,
      host_busy_pct: {
        bare: Math.round(barePhase.hostBusyPct),
        v1_me: Math.round(v1Phase.hostBusyPct),
        trpc_me_unauth: Math.round(trpcPhase.hostBusyPct),
      },
      /** Machine CPU used by processes other than the servers, the load generator, Redis and the
       * bench database's backends (another job on the machine), %. */
      host_other_pct: {
        bare: Math.round(barePhase.hostOtherPct),
        v1_me: Math.round(v1Phase.hostOtherPct),
        trpc_me_unauth: Math.round(trpcPhase.hostOtherPct),
      },
      host_cpus: cores,
      host_loadavg_1m_before: loadBefore,
      errors,
      ...(errors ? { errors_detail: errorsDetail } : {}),
      note:
        'closed-loop node:http keep-alive clients on the same machine as the servers, bare and /v1/me in ' +
        'alternating windows; rates count only expected answers (200; 401 for tRPC auth.me without a ' +
        'session); API at LOG_LEVEL=warn and RATE_LIMIT_MULTIPLIER=100000; /v1/me sent as an SDK would ' +
        '(Bearer key, no cookies); cpu_us_per_req.rest = machine busy time in no listed process (other work)',
    }),
  );
} catch (error) {
  if (app) process.stderr.write(`api output (last lines):\n${app.lines.slice(-20).join('\n')}\n`);
  if (bare) process.stderr.write(`bare server output:\n${bare.lines.slice(-20).join('\n')}\n`);
  throw error;
} finally {
  agent.destroy();
  if (bare) await stopBare(bare.proc);
  if (app) await app.stop('SIGTERM');
  if (db) await db.drop();
  if (dnsServer) await dnsServer.close();
}
