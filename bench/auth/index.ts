// Auth benchmark: sign-ins per second and their latency at 16 concurrent clients (argon2id, 19 MiB,
// t=2, p=1 dominates), then the cost of authentication itself: `GET /trpc/auth.me` without a session
// (401 once the middleware has run) against the same call with a valid session (JWT verify + session
// row + user row), at 50 concurrent keep-alive connections; and the API's peak RSS.
// It runs the real API as a child process (the entry point operators run) on a fresh test database
// and the local Redis. The last stdout line is one JSON object of figures; progress goes to stderr.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createLogger, createQueueClient } from '@postern/runtime';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
// The root package depends on @postern/runtime only; contracts and db are reached by path.
import { AUTH_COOKIES, CSRF_HEADER, QUEUES } from '../../packages/contracts/src/index.ts';
import { createTestDatabase, type TestDatabase } from '../../packages/db/src/testing.ts';
import { cookieValue, request, round, rssMb } from '../lib.ts';
import { log, type Op, runPhase, watchApi } from './load.ts';

const USERS = 64;
const PASSWORD = 'Bench-Password-42!';
const SIGNIN_CONCURRENCY = 16;
const SIGNIN_GOAL_P50_MS = 60;
const SIGNIN_WARMUP_MS = 2_000;
const SIGNIN_DURATION_MS = 10_000;
/** The measured sign-in phase also stops after this many attempts, whichever comes first. */
const SIGNIN_MAX = 2_000;
const SIGNIN_SERIAL = 30;
const ME_CONCURRENCY = 50;
const ME_WARMUP_MS = 2_000;
const ME_DURATION_MS = 8_000;
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

// ---------------------------------------------------------------------------------------------
// HTTP: node:http over one keep-alive agent (cheap on the client side, which shares the 2 cores).

const agent = new http.Agent({ keepAlive: true, maxSockets: ME_CONCURRENCY + 8 });

/** Every setup and load request carries the bench's user agent (sessions record it). */
const call = (
  base: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
) => request(agent, base, method, path, { 'user-agent': USER_AGENT, ...headers }, body);

// ---------------------------------------------------------------------------------------------
// Simulated clients and the sign-in throttle.
//
// Sign-in is throttled per account (10 failed attempts / 15 min; a success resets the counter) and
// per IP address (100 attempts / 15 min, every attempt counts). A benchmark from 127.0.0.1 alone
// would exhaust the per-IP budget after 100 sign-ins. Rather than weaken the throttle, the API is
// started with TRUST_PROXY=true (as behind a reverse proxy) and every simulated client comes from
// its own `x-forwarded-for` address and is retired after IP_BUDGET sign-ins (< 100), and sign-ins are
// spread round-robin over USERS accounts so no account has two attempts in flight. The counters live
// in the shared Redis for 15 minutes, so each run draws its addresses from its own random
// 10.a.b.0/24 (65,536 prefixes): a second run within the window does not inherit the first's counts.

const IP_BUDGET = 90;
const RUN_PREFIX = (() => {
  const [a = 0, b = 0] = randomBytes(2);
  return `10.${a}.${b}`;
})();
let nextHost = 1;

interface BrowserClient {
  ip: string;
  csrf: string;
  /** Sign-ins this address may still make in this run. */
  remaining: number;
}

/** A new browser from a new address: the first GET gives it its CSRF cookie. */
async function newClient(base: string): Promise<BrowserClient> {
  if (nextHost > 254) throw new Error(`out of client addresses in ${RUN_PREFIX}.0/24`);
  const ip = `${RUN_PREFIX}.${nextHost++}`;
  const res = await call(base, 'GET', '/trpc/system.health', { 'x-forwarded-for': ip });
  const csrf = cookieValue(res.setCookie, AUTH_COOKIES.csrf);
  if (res.status !== 200 || !csrf)
    throw new Error(`GET /trpc/system.health: HTTP ${res.status}, no CSRF cookie`);
  return { ip, csrf, remaining: IP_BUDGET };
}

function mutationHeaders(client: BrowserClient): Record<string, string> {
  return {
    'content-type': 'application/json',
    cookie: `${AUTH_COOKIES.csrf}=${client.csrf}`,
    [CSRF_HEADER]: client.csrf,
    'x-forwarded-for': client.ip,
  };
}

// ---------------------------------------------------------------------------------------------

let db: TestDatabase | undefined;
let app: SpawnedApp | undefined;
const began = performance.now();
// The figures assume the machine is otherwise idle; the load average before the run tells.
const loadBefore = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
try {
  db = await createTestDatabase();
  log(`database ${db.name}`);

  // Sign-up queues a verification email. The worker creates its queues at start-up; there is no
  // worker here, so create the email queue the same way (the jobs simply wait in it).
  const boss = createQueueClient({
    databaseUrl: db.url,
    role: 'producer',
    logger: createLogger({ level: 'silent', name: 'bench-auth' }),
  });
  await boss.start();
  const { retryLimit, retryDelaySeconds, retryBackoff, expireInSeconds } = QUEUES.email.policy;
  await boss.createQueue(QUEUES.email.name, {
    retryLimit,
    retryDelay: retryDelaySeconds,
    retryBackoff,
    expireInSeconds,
  });
  await boss.stop({ graceful: false, close: true });

  app = await spawnApp('api', {
    DATABASE_URL: db.url,
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    LOG_LEVEL: 'warn',
    // Trust X-Forwarded-For, so simulated clients have their own addresses (see the throttle above).
    TRUST_PROXY: 'true',
  });
  await waitForHttp(`${app.url}/healthz`, { timeoutMs: 30_000 });
  const base = app.url;
  watchApi(app.proc.pid);
  log(`api at ${base} (pid ${app.proc.pid}); client addresses from ${RUN_PREFIX}.0/24`);

  // Setup: USERS accounts, four sign-ups at a time, each from its own browser, each followed by a
  // sign-in; its access token is what the authenticated `auth.me` calls present.
  const runId = randomBytes(4).toString('hex');
  const emails = Array.from({ length: USERS }, (_, i) => `bench-${runId}-${i}@example.test`);
  const accessTokens: string[] = [];
  let nextSignUp = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (;;) {
        const i = nextSignUp++;
        const email = emails[i];
        if (email === undefined) return;
        const client = await newClient(base);
        const body = JSON.stringify({ email, password: PASSWORD });
        const signUp = await call(base, 'POST', '/trpc/auth.signUp', mutationHeaders(client), body);
        if (signUp.status !== 200) throw new Error(`sign-up ${email}: HTTP ${signUp.status} ${signUp.body}`);
        // Sign-up answers "check your email" without a session: the access token comes with sign-in.
        const res = await call(base, 'POST', '/trpc/auth.signIn', mutationHeaders(client), body);
        const token = cookieValue(res.setCookie, AUTH_COOKIES.access);
        if (res.status !== 200 || !token) throw new Error(`sign-in ${email}: HTTP ${res.status} ${res.body}`);
        accessTokens[i] = token;
      }
    }),
  );
  log(`signed up ${USERS} users`);

  // Sign-in: each worker is a browser with its own address and CSRF cookie, replaced by a fresh one
  // after IP_BUDGET sign-ins; accounts are taken round-robin across all workers.
  let nextAccount = 0;
  const signInWith = (): Op => {
    const clients: BrowserClient[] = [];
    return {
      async prepare(w) {
        const client = clients[w];
        if (!client || client.remaining <= 0) clients[w] = await newClient(base);
      },
      async run(w) {
        const client = clients[w];
        if (!client) throw new Error('no client');
        client.remaining--;
        const email = emails[nextAccount++ % USERS];
        const res = await call(
          base,
          'POST',
          '/trpc/auth.signIn',
          mutationHeaders(client),
          JSON.stringify({ email, password: PASSWORD }),
        );
        return { ok: res.status === 200 && res.body.includes('"signed_in"'), status: String(res.status) };
      },
    };
  };

  // One client at a time first: the cost of one sign-in with nothing queued (mostly argon2id).
  const serial = await runPhase(
    'sign-in, serial',
    { concurrency: 1, warmupMs: 500, durationMs: 60_000, maxCount: SIGNIN_SERIAL },
    signInWith(),
  );
  const signin = await runPhase(
    'sign-in',
    {
      concurrency: SIGNIN_CONCURRENCY,
      warmupMs: SIGNIN_WARMUP_MS,
      durationMs: SIGNIN_DURATION_MS,
      maxCount: SIGNIN_MAX,
    },
    signInWith(),
  );

  // auth.me, both sides sending the browser's CSRF cookie (so neither pays for issuing one): without
  // a session cookie it answers 401 after the middleware runs; with one, 200 after authenticating.
  const csrf = (await newClient(base)).csrf;
  const unauthHeaders = { cookie: `${AUTH_COOKIES.csrf}=${csrf}` };
  const meUnauth = await runPhase(
    'auth.me unauthenticated',
    { concurrency: ME_CONCURRENCY, warmupMs: ME_WARMUP_MS, durationMs: ME_DURATION_MS },
    {
      async run() {
        const res = await call(base, 'GET', '/trpc/auth.me', unauthHeaders);
        return { ok: res.status === 401, status: String(res.status) };
      },
    },
  );
  const authHeaders = accessTokens.map((token) => ({
    cookie: `${AUTH_COOKIES.csrf}=${csrf}; ${AUTH_COOKIES.access}=${token}`,
  }));
  const meAuth = await runPhase(
    'auth.me authenticated',
    { concurrency: ME_CONCURRENCY, warmupMs: ME_WARMUP_MS, durationMs: ME_DURATION_MS },
    {
      async run(w) {
        const res = await call(base, 'GET', '/trpc/auth.me', authHeaders[w % USERS] ?? {});
        return { ok: res.status === 200, status: String(res.status) };
      },
    },
  );

  const rss = rssMb(app.proc.pid);
  const errorsDetail = Object.fromEntries(
    (
      [
        ['signin_serial', serial],
        ['signin', signin],
        ['me_unauth', meUnauth],
        ['me_auth', meAuth],
      ] as const
    )
      .filter(([, phase]) => phase.errors > 0)
      .map(([name, phase]) => [name, phase.errorsByStatus]),
  );
  const errors = serial.errors + signin.errors + meUnauth.errors + meAuth.errors;
  if (errors) log(`WARNING: ${errors} requests failed: ${JSON.stringify(errorsDetail)}`);
  log(`done in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  console.log(
    JSON.stringify({
      bench: 'auth',
      signin_concurrency: SIGNIN_CONCURRENCY,
      signin_count: signin.ok,
      signin_per_s: round(signin.perSecond, 1),
      signin_p50_ms: round(signin.p50, 1),
      signin_p99_ms: round(signin.p99, 1),
      signin_goal_p50_ms: SIGNIN_GOAL_P50_MS,
      signin_goal_met: signin.ok > 0 && signin.p50 < SIGNIN_GOAL_P50_MS,
      signin_serial_p50_ms: round(serial.p50, 1),
      signin_api_cpu_ms: {
        main_thread: round(signin.apiMainMsPerOp, 1),
        other_threads: round(signin.apiOtherMsPerOp, 1),
      },
      me_concurrency: ME_CONCURRENCY,
      me_unauth_rps: Math.round(meUnauth.perSecond),
      me_unauth_p50_ms: round(meUnauth.p50),
      me_unauth_p99_ms: round(meUnauth.p99),
      me_auth_rps: Math.round(meAuth.perSecond),
      me_auth_p50_ms: round(meAuth.p50),
      me_auth_p99_ms: round(meAuth.p99),
      me_unauth_api_cpu_ms: round(meUnauth.apiMainMsPerOp + meUnauth.apiOtherMsPerOp, 3),
      me_auth_api_cpu_ms: round(meAuth.apiMainMsPerOp + meAuth.apiOtherMsPerOp, 3),
      auth_over_unauth: meUnauth.perSecond > 0 ? round(meAuth.perSecond / meUnauth.perSecond, 3) : 0,
      api_peak_rss_mb: rss,
      host_loadavg_1m_before: loadBefore,
      host_busy_pct: {
        signin: Math.round(signin.hostBusyPct),
        me_unauth: Math.round(meUnauth.hostBusyPct),
        me_auth: Math.round(meAuth.hostBusyPct),
      },
      errors,
      ...(errors ? { errors_detail: errorsDetail } : {}),
      note:
        'real API child process (TRUST_PROXY=true, one x-forwarded-for address per <=90 sign-ins), ' +
        'closed-loop clients on the same machine; rates count only expected answers (200, 401 for unauthenticated me)',
    }),
  );
} catch (error) {
  if (app) process.stderr.write(`api output (last lines):\n${app.lines.slice(-20).join('\n')}\n`);
  throw error;
} finally {
  agent.destroy();
  if (app) await app.stop('SIGTERM');
  if (db) await db.drop();
}
