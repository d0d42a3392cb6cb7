// Shared by the SDK's tests: the built package (tests run against dist/, as users get it), a real
// API process on a fresh test database, API keys created the way a user creates them (sign up,
// then apiKeys.create over HTTP), and small local HTTP servers for failures the API cannot produce
// on demand (stalled answers, proxy error pages, 5xx).
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { crc32 } from 'node:zlib';
import { LEGACY_API_KEY_SCOPES } from '@postern/contracts/constants';
import { createTestDatabase } from '@postern/db/testing';
import { testServices } from '@postern/runtime';
import { type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';

export const SDK_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ESM_ENTRY = join(SDK_ROOT, 'dist/index.js');
export const CJS_ENTRY = join(SDK_ROOT, 'dist/index.cjs');
/** `@postern/sdk/webhooks`. */
export const WEBHOOKS_ESM_ENTRY = join(SDK_ROOT, 'dist/webhooks.js');
export const WEBHOOKS_CJS_ENTRY = join(SDK_ROOT, 'dist/webhooks.cjs');
export const CLI_ENTRY = join(SDK_ROOT, 'dist/cli/main.mjs');

type Sdk = typeof import('../src/index.ts');

/** Fails with instructions when dist/ is missing or older than the sources. */
export function assertBuilt(): void {
  const missing = [
    ESM_ENTRY,
    CJS_ENTRY,
    WEBHOOKS_ESM_ENTRY,
    WEBHOOKS_CJS_ENTRY,
    CLI_ENTRY,
    join(SDK_ROOT, 'dist/index.d.ts'),
    join(SDK_ROOT, 'dist/index.d.cts'),
  ].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `@postern/sdk is not built (missing ${missing.map((f) => f.slice(SDK_ROOT.length)).join(', ')}): ` +
        'run `pnpm --filter @postern/sdk build` first (`pnpm --filter @postern/sdk test` builds, then tests).',
    );
  }
  const built = statSync(ESM_ENTRY).mtimeMs;
  const sources = readdirSync(join(SDK_ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => join(SDK_ROOT, 'src', file));
  const newer = sources.filter((file) => statSync(file).mtimeMs > built);
  if (newer.length > 0) {
    throw new Error(
      `@postern/sdk's dist/ is older than ${newer.map((f) => f.slice(SDK_ROOT.length)).join(', ')}: ` +
        'run `pnpm --filter @postern/sdk build` again.',
    );
  }
}

/** The built ESM entry, typed as the sources it was built from. */
export async function loadBuiltEsm(): Promise<Sdk> {
  assertBuilt();
  return (await import(pathToFileURL(ESM_ENTRY).href)) as Sdk;
}

export interface RunningApi {
  url: string;
  /** The database's URL (for a second process on it). */
  databaseUrl: string;
  /** The worker process, when one was asked for. */
  worker: SpawnedApp | undefined;
  stop(): Promise<void>;
}

/**
 * The real API process (apps/api/src/main.ts) on a fresh, migrated test database; with
 * `worker: true` also the real worker (apps/worker/src/main.ts) on the same database, for bulk jobs.
 * `env` goes to both (e.g. DNS_SERVERS).
 */
export async function startApi(
  env: Record<string, string> = {},
  options: { worker?: boolean } = {},
): Promise<RunningApi> {
  const db = await createTestDatabase();
  const started: SpawnedApp[] = [];
  const stopAll = async () => {
    await Promise.all(started.map((app) => app.stop()));
  };
  try {
    const app = await spawnApp('api', {
      DATABASE_URL: db.url,
      REDIS_URL: testServices().redisUrl,
      LOG_LEVEL: 'warn',
      // No dashboard: unknown paths answer the API's JSON 404, whether or not apps/web was built.
      WEB_DIST: '/nonexistent',
      ...env,
    });
    started.push(app);
    let worker: SpawnedApp | undefined;
    if (options.worker) {
      worker = await spawnApp('worker', {
        DATABASE_URL: db.url,
        LOG_LEVEL: 'info',
        WORKER_POLL_SECONDS: '0.5',
        ...env,
      });
      started.push(worker);
    }
    try {
      await waitForHttp(`${app.url}/healthz`);
      await worker?.waitForLine(/worker started/, 30_000);
    } catch (error) {
      const output = started.map((p) => `${p.name} output:\n${p.lines.slice(-20).join('\n')}`).join('\n');
      await stopAll();
      throw new Error(`${(error as Error).message}\n${output}`);
    }
    return {
      url: app.url,
      databaseUrl: db.url,
      worker,
      async stop() {
        await stopAll();
        await db.drop();
      },
    };
  } catch (error) {
    await stopAll();
    await db.drop();
    throw error;
  }
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** A plain HTTP server on a free port, for answers the real API never gives. */
export async function startLocalServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<LocalServer> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A well-formed key (right prefix, length and checksum) that no server issued. Computed with
 * node:zlib's CRC-32, independently of the SDK's own.
 */
export function wellFormedKey(): string {
  let random = '';
  for (let i = 0; i < 32; i++) random += BASE62[randomInt(62)];
  let n = crc32(random);
  let checksum = '';
  for (let i = 0; i < 6; i++) {
    checksum = BASE62[n % 62] + checksum;
    n = Math.floor(n / 62);
  }
  return `pst_live_${random}${checksum}`;
}

export const TEST_PASSWORD = 'Sdk-Test-Password-42!';
let accounts = 0;

/** A signed-in dashboard user, over plain HTTP: cookies plus the CSRF header on mutations. */
export class DashboardUser {
  readonly #api: string;
  readonly #cookies = new Map<string, string>();
  workspaceId = '';

  constructor(api: string) {
    this.#api = api;
  }

  async #send(method: 'GET' | 'POST', procedure: string, input?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      cookie: [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    };
    if (method === 'POST') {
      headers['content-type'] = 'application/json';
      headers['x-csrf-token'] = this.#cookies.get('pst_csrf') ?? '';
    }
    const response = await fetch(`${this.#api}/trpc/${procedure}`, {
      method,
      headers,
      ...(method === 'POST' ? { body: JSON.stringify(input ?? null) } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      if (at > 0) this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1));
    }
    const body = (await response.json()) as { result?: { data: unknown }; error?: unknown };
    if (!response.ok) throw new Error(`${procedure}: HTTP ${response.status} ${JSON.stringify(body.error)}`);
    return body.result?.data;
  }

  /** Signs a new account up and remembers its first workspace. */
  static async signUp(api: string): Promise<DashboardUser> {
    const user = new DashboardUser(api);
    await user.#send('GET', 'system.health'); // sets the pst_csrf cookie
    const email = `sdk-${Date.now()}-${process.pid}-${accounts++}@example.test`;
    await user.#send('POST', 'auth.signUp', { email, password: TEST_PASSWORD });
    // Sign-up answers "check your email" without a session: sign in next, as the dashboard does.
    await user.#send('POST', 'auth.signIn', { email, password: TEST_PASSWORD });
    const list = (await user.#send('GET', 'workspaces.list')) as { workspaces: { id: string }[] };
    user.workspaceId = list.workspaces[0]?.id ?? '';
    if (!user.workspaceId) throw new Error('the new account has no workspace');
    return user;
  }

  async createKey(name = 'SDK tests'): Promise<{ id: string; secret: string }> {
    const created = (await this.#send('POST', 'apiKeys.create', {
      workspaceId: this.workspaceId,
      name,
      // Every scope a key had before scopes existed (#22).
      scopes: [...LEGACY_API_KEY_SCOPES],
    })) as {
      key: { id: string };
      secret: string;
    };
    return { id: created.key.id, secret: created.secret };
  }

  async revokeKey(keyId: string): Promise<void> {
    await this.#send('POST', 'apiKeys.revoke', { workspaceId: this.workspaceId, keyId });
  }
}

/** A fresh account (so a fresh workspace bucket) and one of its API keys. */
export async function newApiKey(api: string): Promise<{ user: DashboardUser; id: string; secret: string }> {
  const user = await DashboardUser.signUp(api);
  return { user, ...(await user.createKey()) };
}
