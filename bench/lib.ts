// Helpers every benchmark shares: an HTTP request over a given keep-alive agent, cookies, /proc
// readings (CPU ticks, peak RSS) and summary maths.
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { request as httpRequest } from 'node:http';

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The p-quantile (0..1) of an ascending list. */
export const percentile = (sorted: number[], p: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0) : 0;

export interface Reply {
  status: number;
  body: string;
  setCookie: string[];
}

/** One request whose body is kept (setup calls); `to` is a base URL or a host and port. */
export function request(
  agent: http.Agent,
  to: string | { hostname: string; port: number },
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const options = {
      method,
      agent,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      },
    };
    const onResponse = (res: http.IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers['set-cookie'] ?? [] }),
      );
      res.on('error', reject);
    };
    const req =
      typeof to === 'string'
        ? httpRequest(`${to}${path}`, options, onResponse)
        : httpRequest({ ...to, path, ...options }, onResponse);
    req.on('error', reject);
    req.end(body);
  });
}

export function cookieValue(setCookie: string[], name: string): string | undefined {
  for (const line of setCookie) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1);
  }
  return undefined;
}

/** utime + stime of a `/proc/<pid>/stat` (or task stat) line, in clock ticks. */
export function ticks(statLine: string): number {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/** A process's peak (VmHWM) or current (VmRSS) resident memory in MB; 0 when it is gone. */
export function rssMb(pid: number | undefined, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}
