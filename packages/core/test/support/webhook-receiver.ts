// A webhook receiver for tests and the benchmark: a real node:http server on 127.0.0.1 that records every
// request (path and query, headers, raw body, arrival time) and answers with what the test's `respond` says (200 "ok"
// by default).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ReceivedWebhook {
  /** The request target: path and query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.timeOrigin + performance.now() at arrival (ms since the epoch, sub-ms precision). */
  at: number;
}

export type Respond = (request: ReceivedWebhook, res: ServerResponse, index: number) => void | Promise<void>;

export interface Receiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  respond: Respond;
  /** Resolves once `count` requests arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export const ok: Respond = (_request, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
};

export async function startReceiver(options: { port?: number; respond?: Respond; record?: boolean } = {}) {
  const received: ReceivedWebhook[] = [];
  const sockets = new Set<Socket>();
  const waiters: { count: number; resolve: () => void }[] = [];
  let total = 0;
  const receiver: Receiver = {
    url: '',
    port: 0,
    received,
    respond: options.respond ?? ok,
    async waitFor(count, timeoutMs = 20_000) {
      if (total >= count) return received;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver: ${total} of ${count} requests within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.timeOrigin + performance.now(),
      };
      const index = total;
      total += 1;
      if (options.record !== false) received.push(request);
      for (const waiter of [...waiters])
        if (total >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      Promise.resolve(receiver.respond(request, res, index)).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  return receiver;
}
