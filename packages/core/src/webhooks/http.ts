// The webhook HTTP client: one undici Agent (keep-alive connections per origin) whose every new
// connection resolves names through the guarded lookup (targets.ts), so a refused address is never
// connected to, whatever the name resolved to when the endpoint was saved. Literal addresses and names
// are checked before the request (they never reach a lookup). No redirects are followed; the whole
// attempt (connect, headers, body) has one timeout; at most `maxResponseBytes` of the body are read.
import { Agent, request } from 'undici';
import { isDomainError } from '../errors.ts';
import {
  checkWebhookUrl,
  createGuardedLookup,
  type ResolveAddresses,
  type TargetPolicy,
  WebhookTargetRefused,
} from './targets.ts';

export interface WebhookHttpOptions {
  policy: TargetPolicy;
  timeoutMs: number;
  /** Bytes of the response body kept for the delivery log (2 KiB). */
  maxResponseBytes: number;
  /** Resolvers for the guarded lookup (`ip[:port]`); default: the system's. */
  dnsServers?: readonly string[];
  /** Replaces the name resolution (tests); the policy check still applies to what it returns. */
  resolve?: ResolveAddresses;
  /** Connections per origin (default: unlimited; the engine bounds requests in flight). */
  connectionsPerOrigin?: number;
}

export interface WebhookHttpResult {
  /** The receiver's status, or null when no response came. */
  statusCode: number | null;
  /** The start of the body (UTF-8, at most maxResponseBytes bytes). */
  response: string | null;
  /** Why no usable response came (refused target, timeout, connection error). */
  error: string | null;
  /** True when the target was refused by the SSRF policy (no connection was made). */
  refused: boolean;
  /** Retry-After of the response, in ms (seconds or an HTTP date), when present. */
  retryAfterMs: number | null;
  durationMs: number;
}

export interface WebhookHttp {
  post(url: string, headers: Record<string, string>, body: string): Promise<WebhookHttpResult>;
  close(): Promise<void>;
}

/** Retry-After: delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Text fit for a text column: no NUL characters. */
const storable = (text: string) => text.replaceAll('\u0000', '\uFFFD');

function describeError(error: unknown, timeoutMs: number): { message: string; refused: boolean } {
  const err = error as Error & { code?: string; cause?: unknown };
  if (err instanceof WebhookTargetRefused || err?.code === 'ERR_WEBHOOK_TARGET_REFUSED')
    return { message: `target refused: ${err.message}`, refused: true };
  const cause = err?.cause as (Error & { code?: string }) | undefined;
  if (cause instanceof WebhookTargetRefused || cause?.code === 'ERR_WEBHOOK_TARGET_REFUSED')
    return { message: `target refused: ${cause.message}`, refused: true };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError' || /timeout/i.test(err?.code ?? ''))
    return { message: `timed out after ${timeoutMs / 1000} s`, refused: false };
  const code = err?.code ?? cause?.code;
  const text = err?.message || String(error);
  return { message: code && !text.includes(code) ? `${code}: ${text}` : text, refused: false };
}

export function createWebhookHttp(options: WebhookHttpOptions): WebhookHttp {
  const { policy, timeoutMs, maxResponseBytes } = options;
  const lookup = createGuardedLookup(policy, {
    ...(options.dnsServers ? { servers: options.dnsServers } : {}),
    ...(options.resolve ? { resolve: options.resolve } : {}),
    timeoutMs: Math.min(timeoutMs, 5000),
  });
  const agent = new Agent({
    connect: { lookup, timeout: Math.min(timeoutMs, 10_000) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4_000,
    keepAliveMaxTimeout: 30_000,
    allowH2: false,
    ...(options.connectionsPerOrigin ? { connections: options.connectionsPerOrigin } : {}),
  });

  return {
    async post(url, headers, body) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        // Literal addresses, names and scheme rules: refused before any connection is attempted.
        checkWebhookUrl(policy, url);
      } catch (error) {
        const message = isDomainError(error) ? error.message : String(error);
        return {
          statusCode: null,
          response: null,
          error: `target refused: ${message}`,
          refused: true,
          retryAfterMs: null,
          durationMs: elapsed(),
        };
      }
      try {
        const res = await request(url, {
          dispatcher: agent,
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of res.body) {
          const buf = chunk as Buffer;
          if (size < maxResponseBytes) chunks.push(buf.subarray(0, maxResponseBytes - size));
          size += buf.length;
          if (size >= maxResponseBytes) break; // leaving the loop destroys the rest of the body
        }
        const text = chunks.length ? storable(decoder.decode(Buffer.concat(chunks))) : null;
        return {
          statusCode: res.statusCode,
          response: text,
          error: null,
          refused: false,
          retryAfterMs: parseRetryAfter(res.headers['retry-after']),
          durationMs: elapsed(),
        };
      } catch (error) {
        const { message, refused } = describeError(error, timeoutMs);
        return {
          statusCode: null,
          response: null,
          error: storable(message).slice(0, 500),
          refused,
          retryAfterMs: null,
          durationMs: elapsed(),
        };
      }
    },
    async close() {
      await agent.close();
    },
  };
}
