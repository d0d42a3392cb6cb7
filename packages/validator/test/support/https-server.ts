// A local HTTPS server for MTA-STS policy tests: serves whatever the test sets per host name (SNI /
// Host header), with a certificate from the test PKI, and counts requests.
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface PolicyResponse {
  status?: number;
  contentType?: string;
  body?: string;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
  headers?: Record<string, string>;
}

export interface TestHttpsServer {
  port: number;
  /** Host name (`mta-sts.example.test`) → response; live. */
  routes: Map<string, PolicyResponse>;
  requests(host?: string): number;
  close(): Promise<void>;
}

export async function startHttpsServer(tls: { key: string; cert: string }): Promise<TestHttpsServer> {
  const routes = new Map<string, PolicyResponse>();
  const counts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    counts.set(host, (counts.get(host) ?? 0) + 1);
    const route = routes.get(host);
    if (!route || req.url !== '/.well-known/mta-sts.txt') {
      res.writeHead(404).end();
      return;
    }
    const answer = () => {
      res.writeHead(route.status ?? 200, {
        'content-type': route.contentType ?? 'text/plain; charset=utf-8',
        ...route.headers,
      });
      res.end(route.body ?? '');
    };
    if (route.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, route.delayMs);
      timers.add(timer);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    routes,
    requests: (host) =>
      host === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : (counts.get(host) ?? 0),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
