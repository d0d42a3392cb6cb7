// Test helper: runs the real API or worker as a child process (the same entry point operators run),
// captures its JSON logs, and stops it with a real signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from './node-flags.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type AppName = 'api' | 'worker';

/**
 * The restricted role tests run the API and worker under, as production does: it owns nothing and
 * has DML on the application and pg-boss tables (granted by `@postern/db/testing`, cluster-wide role).
 */
export const TEST_APP_ROLE = 'postern_app_test';
const TEST_APP_PASSWORD = 'postern_app_test';

/** The same database as `url`, reached as the restricted test application role. */
export function testAppRoleUrl(url: string): string {
  const u = new URL(url);
  u.username = TEST_APP_ROLE;
  u.password = TEST_APP_PASSWORD;
  return u.toString();
}

/**
 * spawnApp's role split: a test database URL given as DATABASE_URL (and no MIGRATION_DATABASE_URL key
 * at all) becomes MIGRATION_DATABASE_URL (the owner: migrations, pg-boss schema, queues, grants), and
 * the process works as the restricted role. Pass MIGRATION_DATABASE_URL (even '') to opt out.
 */
/** The Redis key prefix spawned processes of the test that owns this database use (see spawnApp). */
export function testRedisPrefix(databaseUrl: string | undefined): string {
  const name = databaseUrl ? new URL(databaseUrl).pathname.slice(1) : '';
  return `test:${name || 'nodb'}:`;
}

export function splitTestRoles(env: Record<string, string>): Record<string, string> {
  const url = env.DATABASE_URL;
  // POSTERN_TEST_SINGLE_ROLE=1 in the test runner's environment turns the split off (diagnosis).
  if (!url || 'MIGRATION_DATABASE_URL' in env || process.env.POSTERN_TEST_SINGLE_ROLE === '1') return env;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return env;
  }
  if (!parsed.pathname.startsWith('/postern_test_') || parsed.username === TEST_APP_ROLE) return env;
  return { ...env, MIGRATION_DATABASE_URL: url, DATABASE_URL: testAppRoleUrl(url) };
}

export interface SpawnedApp {
  name: AppName;
  proc: ChildProcess;
  /** Base URL (API only). */
  url: string;
  /** Every line the process wrote, stdout and stderr. */
  lines: string[];
  waitForLine(match: RegExp | ((line: string) => boolean), timeoutMs?: number): Promise<string>;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  exited: Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts `node <entry>` (default: apps/<name>/src/main.ts) with the given environment on top of a
 * minimal one (PATH, HOME). The API gets a free port unless PORT is given. A test database's
 * DATABASE_URL is split into the owner (MIGRATION_DATABASE_URL) and the restricted application role
 * (see splitTestRoles).
 */
export async function spawnApp(
  name: AppName,
  env: Record<string, string>,
  options: { entry?: string; args?: string[] } = {},
): Promise<SpawnedApp> {
  const port = env.PORT ?? String(await freePort());
  const entry = options.entry ?? `${REPO_ROOT}apps/${name}/src/main.ts`;
  const flags = options.entry ? [] : NODE_FLAGS[name];
  const proc = spawn(process.execPath, [...flags, entry, ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: port,
      // No resolver canaries (gmail.com…) unless a test asks: test processes must not depend on the
      // internet's DNS (a test of the resolver check passes DNS_CANARY_DOMAINS itself).
      DNS_CANARY_DOMAINS: 'none',
      // Processes of one test (one database) share Redis keys; other tests' processes do not (per-IP
      // sign-in and sign-up budgets for 127.0.0.1 would otherwise add up across the whole run).
      ...(env.REDIS_URL ? { REDIS_KEY_PREFIX: testRedisPrefix(env.DATABASE_URL) } : {}),
      ...splitTestRoles(env),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ test: (line: string) => boolean; resolve: (line: string) => void }>();
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(line);
      for (const waiter of waiters) {
        if (waiter.test(line)) {
          waiters.delete(waiter);
          waiter.resolve(line);
        }
      }
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));

  const waitForLine = (match: RegExp | ((line: string) => boolean), timeoutMs = 20_000) => {
    const test = typeof match === 'function' ? match : (line: string) => match.test(line);
    const seen = lines.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const waiter = { test, resolve };
      waiters.add(waiter);
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(
          new Error(
            `${name}: no line matching ${match} within ${timeoutMs} ms. Output:\n${lines.slice(-20).join('\n')}`,
          ),
        );
      }, timeoutMs);
      exited.then(() => {
        if (!waiters.has(waiter)) return;
        setTimeout(() => {
          if (!waiters.has(waiter)) return;
          waiters.delete(waiter);
          clearTimeout(timer);
          reject(
            new Error(`${name} exited before printing ${match}. Output:\n${lines.slice(-20).join('\n')}`),
          );
        }, 50);
      });
    });
  };

  return {
    name,
    proc,
    url: `http://127.0.0.1:${port}`,
    lines,
    waitForLine,
    exited,
    async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls a URL until it answers with the wanted status. */
export async function waitForHttp(
  url: string,
  options: { status?: number; timeoutMs?: number } = {},
): Promise<Response> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status === (options.status ?? 200)) return response;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer ${options.status ?? 200} in time (last: ${last})`);
}

/**
 * Calls `fn` every `intervalMs` until it gives a value (anything but undefined or false) and returns
 * it; throws `timed out waiting for <what>` after `timeoutMs`.
 */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (Date.now() < deadline) {
    const value = await fn();
    if (value !== undefined && value !== false) return value as T;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** What a command run by `runNodeScript` printed, and how it ended. */
export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node <script> …args` from the repository root as operators run a command (a separate process,
 * only PATH, HOME, NODE_ENV=test and `env` in its environment) and collects everything it printed.
 */
export function runNodeScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<ScriptRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
