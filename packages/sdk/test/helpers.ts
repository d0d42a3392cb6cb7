// Shared by the SDK's tests: the built package (tests run against dist/, as users get it), a real
// API process on a fresh test database, and small local HTTP servers for failures the API cannot
// produce on demand (stalled answers, proxy error pages).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createTestDatabase } from '@postern/db/testing';
import { testServices } from '@postern/runtime';
import { spawnApp, waitForHttp } from '@postern/runtime/testing';

export const SDK_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const ESM_ENTRY = join(SDK_ROOT, 'dist/esm/index.js');
export const CJS_ENTRY = join(SDK_ROOT, 'dist/cjs/index.js');

type Sdk = typeof import('../src/index.ts');

/** Fails with instructions when dist/ is missing or older than the sources. */
export function assertBuilt(): void {
  const missing = [
    ESM_ENTRY,
    CJS_ENTRY,
    join(SDK_ROOT, 'dist/esm/index.d.ts'),
    join(SDK_ROOT, 'dist/cjs/index.d.ts'),
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
  stop(): Promise<void>;
}

/** The real API process (apps/api/src/main.ts) on a fresh, migrated test database. */
export async function startApi(): Promise<RunningApi> {
  const db = await createTestDatabase();
  try {
    const app = await spawnApp('api', {
      DATABASE_URL: db.url,
      REDIS_URL: testServices().redisUrl,
      LOG_LEVEL: 'warn',
      // No dashboard: unknown paths answer the API's JSON 404, whether or not apps/web was built.
      WEB_DIST: '/nonexistent',
    });
    try {
      await waitForHttp(`${app.url}/healthz`);
    } catch (error) {
      await app.stop();
      throw new Error(`${(error as Error).message}\nAPI output:\n${app.lines.slice(-20).join('\n')}`);
    }
    return {
      url: app.url,
      async stop() {
        await app.stop();
        await db.drop();
      },
    };
  } catch (error) {
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
