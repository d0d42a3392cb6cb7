// Helpers of the bulk job tests: a listening API, API keys, a real worker process, server-sent events
// over a socket, row counts and new files on disk (multipart bodies and raw requests: multipart.ts,
// re-exported here).
import { readdir, readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AUTH_COOKIES, CSRF_HEADER, LEGACY_API_KEY_SCOPES } from '@postern/contracts';
import { type SpawnedApp, spawnApp } from '@postern/runtime/testing';
import type { Client, Harness, newAccount } from './harness.ts';

export { type FilePart, generatedLines, multipart, multipartStream, rawRequest } from './multipart.ts';

export type Account = Awaited<ReturnType<typeof newAccount>>;

/** Makes the harness's API listen on a free loopback port; returns its base URL. */
export async function listen(h: Harness): Promise<string> {
  if (!h.app.server.listening) await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export async function createApiKey(
  account: Account,
  name = 'bulk',
  scopes: readonly string[] = LEGACY_API_KEY_SCOPES,
): Promise<string> {
  const res = await account.client.mutate<{ secret: string }>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name,
    scopes: [...scopes],
  });
  if (!res.data?.secret) throw new Error(`no key: ${JSON.stringify(res.error)}`);
  return res.data.secret;
}

/** Headers of a dashboard request made with `client`'s cookies (and its CSRF token). */
export async function dashboardHeaders(client: Client, options: { csrf?: boolean } = {}) {
  if (!client.cookies.has(AUTH_COOKIES.csrf)) await client.query('system.health');
  const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    cookie,
    'user-agent': client.userAgent,
    ...(options.csrf === false ? {} : { [CSRF_HEADER]: client.cookies.get(AUTH_COOKIES.csrf) ?? '' }),
  };
}

/** A real worker process on the harness's database, resolving through `dnsAddress`. */
export async function startWorker(h: Harness, dnsAddress: string): Promise<SpawnedApp> {
  const worker = await spawnApp('worker', {
    DATABASE_URL: h.db.url,
    WORKER_POLL_SECONDS: '0.5',
    DNS_SERVERS: dnsAddress,
    DNS_TIMEOUT_MS: '1000',
  });
  await worker.waitForLine(/worker started/);
  return worker;
}

/** Rows in the bulk tables: jobs, chunks (which hold the addresses and results) and staged uploads. */
export async function bulkRowCounts(h: Harness): Promise<{ jobs: number; chunks: number; uploads: number }> {
  const rows = (await h.orm.em
    .fork()
    .getConnection()
    .execute(
      `select (select count(*)::int from bulk_job) as jobs, (select count(*)::int from bulk_job_chunk) as chunks,
              (select count(*)::int from bulk_upload) as uploads`,
    )) as { jobs: number; chunks: number; uploads: number }[];
  return rows[0] ?? { jobs: -1, chunks: -1, uploads: -1 };
}

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Opens an event stream and collects events until `until` says stop, the server closes it, or the
 * timeout passes; returns them with the status and content type.
 */
export function readEvents(
  url: string,
  headers: Record<string, string>,
  options: { until?: (event: SseEvent) => boolean; timeoutMs?: number } = {},
): Promise<{
  status: number;
  contentType: string;
  events: SseEvent[];
  closedByServer: boolean;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const events: SseEvent[] = [];
    let body = '';
    let buffer = '';
    let done = false;
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const finish = (closedByServer: boolean) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          events,
          closedByServer,
          body,
        });
        req.destroy();
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        buffer += chunk;
        for (;;) {
          const end = buffer.indexOf('\n\n');
          if (end < 0) break;
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const at = line.indexOf(':');
            const field = at < 0 ? line : line.slice(0, at);
            const value = at < 0 ? '' : line.slice(at + 1).replace(/^ /, '');
            if (field === 'event') event.event = value;
            else if (field === 'id') event.id = value;
            else if (field === 'data') {
              event.data += (hasData ? '\n' : '') + value;
              hasData = true;
            }
          }
          if (!hasData) continue;
          events.push(event);
          if (options.until?.(event)) finish(false);
        }
      });
      res.on('end', () => finish(true));
      res.on('close', () => finish(true));
    });
    req.on('error', (error) => {
      if (!done) reject(error);
    });
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        req.destroy();
        reject(new Error(`no end of the event stream within ${options.timeoutMs ?? 30_000} ms: ${body}`));
      }
    }, options.timeoutMs ?? 30_000);
  });
}

/** Regular files under `dir` (not into node_modules or .git) modified at or after `since`. */
export async function filesChangedSince(dir: string, since: number, depth = 6): Promise<string[]> {
  const found: string[] = [];
  async function walk(path: string, level: number) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        if (level < depth && entry.name !== 'node_modules' && entry.name !== '.git')
          await walk(full, level + 1);
      } else if (entry.isFile()) {
        try {
          const info = await stat(full);
          if (info.mtimeMs >= since || info.ctimeMs >= since) found.push(full);
        } catch {
          // gone meanwhile
        }
      }
    }
  }
  await walk(dir, 0);
  return found;
}

/** Which of `files` contain any of `needles` (files over 50 MB and unreadable ones are skipped). */
export async function filesContaining(files: string[], needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const file of files) {
    try {
      const info = await stat(file);
      if (info.size > 50 * 1024 * 1024) continue;
      const content = await readFile(file);
      if (needles.some((needle) => content.includes(needle))) hits.push(file);
    } catch {
      // unreadable or gone
    }
  }
  return hits;
}
