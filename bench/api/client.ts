// The API benchmark's HTTP client (bench/api/index.ts).
import http from 'node:http';
// The root package depends on @postern/runtime only; contracts are reached by path.
import { AUTH_COOKIES, CSRF_HEADER } from '../../packages/contracts/src/index.ts';
import { request } from '../lib.ts';
import { CONNECTIONS } from './load.ts';

export const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

// ---------------------------------------------------------------------------------------------
// HTTP: node:http over one keep-alive agent with a socket per connection. The load requests drain
// the body without keeping it (the same client cost for every target); setup requests keep it.

export const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

export interface Target {
  hostname: string;
  port: number;
}

export function target(base: string): Target {
  const url = new URL(base);
  return { hostname: url.hostname, port: Number(url.port) };
}

export function hit(
  to: Target,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const method = body === undefined ? 'GET' : 'POST';
    const req = http.request({ ...to, method, path, agent, headers }, (res) => {
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
      res.resume();
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function trpc<T>(
  to: Target,
  method: 'GET' | 'POST',
  path: string,
  cookies: Record<string, string>,
  input?: unknown,
): Promise<{ data: T; setCookie: string[] }> {
  const csrf = cookies[AUTH_COOKIES.csrf] ?? '';
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    cookie: Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
  };
  let url = `/trpc/${path}`;
  let body: string | undefined;
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers[CSRF_HEADER] = csrf;
    body = JSON.stringify(input ?? {});
  } else if (input !== undefined) {
    url += `?input=${encodeURIComponent(JSON.stringify(input))}`;
  }
  const res = await request(agent, to, method, url, headers, body);
  if (res.status !== 200) throw new Error(`${method} ${url}: HTTP ${res.status} ${res.body}`);
  return { data: (JSON.parse(res.body) as { result: { data: T } }).result.data, setCookie: res.setCookie };
}
