// Helpers of the bulk job tests: multipart bodies (whole or streamed), a listening API, API keys,
// a real worker process, server-sent events over a socket, row counts and new files on disk.
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AUTH_COOKIES, CSRF_HEADER } from '@postern/contracts';
import { type SpawnedApp, spawnApp } from '@postern/runtime/testing';
import type { Client, Harness, newAccount } from './harness.ts';

export type Account = Awaited<ReturnType<typeof newAccount>>;

export interface FilePart {
  content: Buffer | string;
  filename?: string;
  /** Part name; default "file". */
  name?: string;
  contentType?: string;
}

const CRLF = '\r\n';

function fieldPart(boundary: string, name: string, value: string): string {
  return `--${boundary}${CRLF}content-disposition: form-data; name="${name}"${CRLF}${CRLF}${value}${CRLF}`;
}

function fileHead(boundary: string, file: Omit<FilePart, 'content'>): string {
  const filename = file.filename === undefined ? '' : `; filename="${file.filename}"`;
  return `--${boundary}${CRLF}content-disposition: form-data; name="${file.name ?? 'file'}"${filename}${CRLF}content-type: ${file.contentType ?? 'text/csv'}${CRLF}${CRLF}`;
}

/**
 * A whole multipart body: `parts` in order, each a field [name, value] or a file part.
 */
export function multipart(parts: ([string, string] | FilePart)[]): { payload: Buffer; contentType: string } {
  const boundary = `----postern${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if (Array.isArray(part)) chunks.push(Buffer.from(fieldPart(boundary, part[0], part[1])));
    else {
      chunks.push(Buffer.from(fileHead(boundary, part)));
      chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
      chunks.push(Buffer.from(CRLF));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A streamed multipart body: the fields, then a file whose bytes come from `content` as pulled. */
export function multipartStream(
  fields: [string, string][],
  file: Omit<FilePart, 'content'>,
  content: AsyncIterable<Buffer>,
  progress: { sent: number } = { sent: 0 },
): { stream: Readable; contentType: string } {
  const boundary = `----postern${randomBytes(8).toString('hex')}`;
  async function* body() {
    for (const [name, value] of fields) yield Buffer.from(fieldPart(boundary, name, value));
    yield Buffer.from(fileHead(boundary, file));
    for await (const chunk of content) {
      progress.sent += chunk.length;
      yield chunk;
    }
    yield Buffer.from(`${CRLF}--${boundary}--${CRLF}`);
  }
  return {
    stream: Readable.from(body(), { objectMode: false, highWaterMark: 64 * 1024 }),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** `total` bytes of generated lines, made on demand in chunks of about 64 KiB. */
export async function* generatedLines(total: number, line: (i: number) => string): AsyncGenerator<Buffer> {
  let sent = 0;
  let i = 0;
  while (sent < total) {
    let text = '';
    while (text.length < 64 * 1024 && sent + text.length < total) text += `${line(i++)}\n`;
    const chunk = Buffer.from(text);
    sent += chunk.length;
    yield chunk;
  }
}

/** Makes the harness's API listen on a free loopback port; returns its base URL. */
export async function listen(h: Harness): Promise<string> {
  if (!h.app.server.listening) await h.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = h.app.server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export async function createApiKey(account: Account, name = 'bulk'): Promise<string> {
  const res = await account.client.mutate<{ secret: string }>('apiKeys.create', {
    workspaceId: account.workspaceId,
    name,
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

/** Rows in the bulk tables: jobs, and chunks (which hold the addresses and results). */
export async function bulkRowCounts(h: Harness): Promise<{ jobs: number; chunks: number }> {
  const rows = (await h.orm.em
    .fork()
    .getConnection()
    .execute(
      'select (select count(*)::int from bulk_job) as jobs, (select count(*)::int from bulk_job_chunk) as chunks',
    )) as { jobs: number; chunks: number }[];
  return rows[0] ?? { jobs: -1, chunks: -1 };
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

/**
 * Sends a raw HTTP request whose body is `body` (streamed). Resolves with the response once it has
 * ended; a write error after the response started (the server answered early and closed) is ignored.
 */
export function rawRequest(
  url: string,
  options: {
    method: string;
    headers: Record<string, string>;
    body?: Readable;
    /** Called when the response headers arrive. */
    onResponse?: () => void;
  },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; respondedAt: number }> {
  return new Promise((resolve, reject) => {
    let responded = false;
    let settled = false;
    const req = http.request(url, { method: options.method, headers: options.headers }, (res) => {
      responded = true;
      options.onResponse?.();
      const respondedAt = Date.now();
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      const done = () => {
        if (settled) return;
        settled = true;
        options.body?.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, respondedAt });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (error) => {
      if (responded || settled) return;
      settled = true;
      options.body?.destroy();
      reject(error);
    });
    if (options.body) {
      options.body.on('error', () => req.destroy());
      options.body.pipe(req);
    } else req.end();
  });
}
