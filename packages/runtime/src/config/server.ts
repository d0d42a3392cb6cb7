// The process itself: environment, listening address, public URLs, timeouts and plain-HTTP limits.
import { z } from 'zod';
import { bool, port, positiveSeconds, urlWithProtocols } from './fields.ts';

export const serverEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: urlWithProtocols(['http:', 'https:'], 'https://postern.example.com').optional(),
  DASHBOARD_ORIGIN: urlWithProtocols(['http:', 'https:'], 'http://127.0.0.1:5173').optional(),
  WEB_DIST: z.string().optional(),
  TRUST_PROXY: bool.default(false),
  SHUTDOWN_TIMEOUT_SECONDS: positiveSeconds.default(30),
  WORKER_HEARTBEAT_STALE_SECONDS: positiveSeconds.default(150),
  WORKER_POLL_SECONDS: z.coerce.number().min(0.5).default(1),
  CONNECT_TIMEOUT_SECONDS: positiveSeconds.default(5),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(86_400).default(600),
  HTTP_BODY_MIN_BYTES_PER_SECOND: z.coerce
    .number()
    .int()
    .min(0)
    .max(100 * 1024 ** 2)
    .default(4096),
  HTTP_BODY_RATE_WINDOW_SECONDS: z.coerce.number().min(1).max(600).default(10),
});

export interface ServerConfig {
  env: 'development' | 'production' | 'test';
  logLevel: string;
  host: string;
  port: number;
  publicUrl: string;
  dashboardOrigin: string;
  webDist: string | undefined;
  trustProxy: boolean;
  shutdownTimeoutMs: number;
  workerHeartbeatStaleMs: number;
  workerPollSeconds: number;
  connectTimeoutMs: number;
  /** Plain-HTTP limits: a request must have arrived whole within `requestTimeoutMs`, and a body
   * still arriving must bring at least `minBodyBytesPerSecond` over every `bodyRateWindowMs`. */
  http: { requestTimeoutMs: number; minBodyBytesPerSecond: number; bodyRateWindowMs: number };
}

export function serverSettings(e: z.output<typeof serverEnv>): ServerConfig {
  const publicUrl = (
    e.PUBLIC_URL ?? `http://${e.HOST === '0.0.0.0' ? '127.0.0.1' : e.HOST}:${e.PORT}`
  ).replace(/\/$/, '');
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    dashboardOrigin: e.DASHBOARD_ORIGIN ?? new URL(publicUrl).origin,
    webDist: e.WEB_DIST,
    trustProxy: e.TRUST_PROXY,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    workerHeartbeatStaleMs: e.WORKER_HEARTBEAT_STALE_SECONDS * 1000,
    workerPollSeconds: e.WORKER_POLL_SECONDS,
    connectTimeoutMs: e.CONNECT_TIMEOUT_SECONDS * 1000,
    http: {
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      minBodyBytesPerSecond: e.HTTP_BODY_MIN_BYTES_PER_SECOND,
      bodyRateWindowMs: Math.round(e.HTTP_BODY_RATE_WINDOW_SECONDS * 1000),
    },
  };
}
