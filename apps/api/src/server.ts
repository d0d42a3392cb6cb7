// The HTTP process: Fastify with security headers, CORS for the dashboard, request ids, health
// endpoints, security.txt, tRPC at /trpc, and the built dashboard served as static files; HTTPS
// itself when given TLS options (tls.ts).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import { type ErrorBody, type LivenessResponse, TRPC_MAX_BATCH_SIZE } from '@postern/contracts';
import { checkHealth } from '@postern/core';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { ensureCsrfCookie } from './auth-cookies.ts';
import type { ApiDeps } from './deps.ts';
import { dashboardContactImportRoutes } from './http/dashboard/contact-import.ts';
import { devMailDir, devMailRoutes } from './http/dashboard/dev-mail.ts';
import { dashboardJobRoutes } from './http/dashboard/jobs.ts';
import { oauthCallbackRoutes } from './http/oauth/callback.ts';
import { publicPages } from './http/public/index.ts';
import { securityTxtRoute } from './http/public/security-txt.ts';
import { enforceBodyRate } from './http/shared/body.ts';
import { type BulkHttp, createBulkHttp } from './http/shared/bulk.ts';
import { httpErrorHandler } from './http/shared/errors.ts';
import { v1Routes } from './http/v1/index.ts';
import { registerOpenApi } from './http/v1/openapi.ts';
import { type AppRouter, appRouter } from './router.ts';
import { securityHeaders } from './security-headers.ts';
import type { httpsOptions } from './tls.ts';
import { contextFactory } from './trpc.ts';

const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const API_PREFIXES = ['/trpc', '/v1', '/api', '/oauth', '/p', '/healthz', '/readyz'];
const NO_CSRF_COOKIE = /^\/(v1|healthz|readyz|\.well-known|p)(\/|\?|$)/;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export async function buildServer(
  deps: ApiDeps,
  options: {
    https?: ReturnType<typeof httpsOptions>;
    /** Timings of the job event streams (tests shorten the re-authorisation interval). */
    bulk?: Parameters<typeof createBulkHttp>[1];
  } = {},
): Promise<FastifyInstance> {
  const { config } = deps;
  const fastifyOptions: FastifyServerOptions = {
    loggerInstance: deps.logger as FastifyBaseLogger,
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 5000 },
    return503OnClosing: true,
    // The whole request (headers and body) must have arrived within this; a slow body is also cut
    // by the minimum transfer rate (http/shared/body.ts).
    requestTimeout: config.http.requestTimeoutMs,
  };
  // With TLS files the server is https (same request/connection API), typed as the plain one the
  // routes are written against.
  const app = options.https
    ? (Fastify<HttpsServer>({
        ...(fastifyOptions as FastifyServerOptions<HttpsServer>),
        https: options.https,
      }) as unknown as FastifyInstance)
    : Fastify(fastifyOptions);
  // Route schemas are zod (validation, and the generated OpenAPI document); answers are built to their
  // contract types by the handlers and serialised as they are.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  enforceBodyRate(app, config.http);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // Bulk jobs over plain HTTP (/v1/jobs and the dashboard's /api), one implementation for both.
  const bulk = createBulkHttp(deps, options.bulk);
  drainOnClose(app, () => bulk.closeStreams());

  const headers = securityHeaders(config);
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(headers);
  });

  // Set before any route plugin is registered: a child context keeps the error handler it was
  // created with, so one set at the end would not reach /v1's errors (bad JSON, body too large).
  app.setErrorHandler(httpErrorHandler);
  // Records the /v1 routes' schemas as they are added: registered before them.
  await registerOpenApi(app, { publicUrl: config.publicUrl, version: deps.version });

  await app.register(fastifyCookie);
  app.addHook('onRequest', async (req, reply) => {
    // Only the dashboard needs the CSRF token; API-key clients and probes never send it back.
    if (!NO_CSRF_COOKIE.test(req.url)) ensureCsrfCookie(req, reply, config);
  });

  healthRoutes(app, deps);
  securityTxtRoute(app, config);
  await app.register(publicPages(deps));
  await app.register(dashboardApi(deps, bulk));

  await app.register(v1Routes, { prefix: '/v1', deps, bulk });
  // Mail providers' OAuth redirects back (Gmail, Outlook): GET /oauth/<provider>/callback.
  await app.register(oauthCallbackRoutes, { prefix: '/oauth', deps });

  await serveDashboard(app, config.webDist ?? DEFAULT_WEB_DIST);
  return app;
}

/**
 * On shutdown, requests still in flight answer with `Connection: close`, so keep-alive clients
 * (load balancers, SDKs) let go of their sockets and the server can finish closing. Sockets with no
 * request in flight are closed at once and while draining: Node's closeIdleConnections() leaves a
 * connection that never sent a byte (a client's spare, a port scan) open until headersTimeout, and
 * the close waited for it (seen in the bulk benchmark: 20 s).
 */
function drainOnClose(app: FastifyInstance, endStreams: () => void) {
  let draining = false;
  const sockets = new Set<Socket>();
  const busy = new Set<Socket>();
  // An https server's requests arrive on the TLS socket, which 'secureConnection' gives (a
  // connection still in its handshake is bounded by handshakeTimeout, see tls.ts).
  const connectionEvent = app.server instanceof TlsServer ? 'secureConnection' : 'connection';
  app.server.on(connectionEvent, (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      busy.delete(socket);
    });
  });
  app.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    busy.add(socket);
    res.once('close', () => {
      busy.delete(socket);
      if (draining) socket.destroySoon();
    });
  });
  const closeIdleSockets = () => {
    for (const socket of sockets) if (!busy.has(socket)) socket.destroy();
  };
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    draining = true;
    closeIdleSockets();
    // A connection opened just before the listener closed has no request yet: sweep until closed.
    sweeper = setInterval(closeIdleSockets, 200);
    sweeper.unref();
    // Event streams never end by themselves while a job runs: end them so the server can close.
    endStreams();
  });
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });
}

/** Liveness (/healthz) and readiness (/readyz). */
function healthRoutes(app: FastifyInstance, deps: ApiDeps) {
  app.get(
    '/healthz',
    async (): Promise<LivenessResponse> => ({ status: 'ok', uptimeSeconds: process.uptime() }),
  );

  // `?scope=api` (the load balancer's probe): ready when this process can serve — database,
  // migrations and Redis — whatever the workers do; the plain probe also needs a live worker.
  app.get<{ Querystring: { scope?: string } }>('/readyz', async (req, reply) => {
    const health = await checkHealth({
      orm: deps.orm,
      kv: deps.kv,
      clock: deps.clock,
      version: deps.version,
      startedAt: deps.startedAt,
      workerHeartbeatStaleMs: deps.config.workerHeartbeatStaleMs,
      resolver: deps.engine.resolverHealth,
    });
    reply.header('cache-control', 'no-store');
    // An unhealthy DNS resolver is reported (checks.resolver) but does not fail readiness.
    const { worker: _worker, resolver: _resolver, ...own } = health.checks;
    const ready =
      req.query.scope === 'api'
        ? Object.values(own).every((check) => check.status === 'ok')
        : Object.values({ ...own, worker: health.checks.worker }).every((check) => check.status === 'ok');
    return reply.code(ready ? 200 : 503).send(health);
  });
}

/**
 * The dashboard's API: CORS (for the dashboard's dev server origin) applies here only, so the public
 * /v1 path does not pay for it.
 */
function dashboardApi(deps: ApiDeps, bulk: BulkHttp) {
  const { config } = deps;
  return async (api: FastifyInstance) => {
    await api.register(fastifyCors, {
      origin: [config.dashboardOrigin],
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'x-csrf-token', 'x-request-id', 'authorization'],
      exposedHeaders: [
        'x-request-id',
        'retry-after',
        'ratelimit',
        'ratelimit-policy',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
        'content-disposition',
      ],
    });
    await api.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        createContext: contextFactory(deps),
        // One batched request may not carry more calls than this (each call is work; see trpc.ts).
        maxBatchSize: TRPC_MAX_BATCH_SIZE,
        onError({ error, path, ctx }) {
          if (error.code === 'INTERNAL_SERVER_ERROR') {
            deps.logger.error(
              { err: error.cause ?? error, path, requestId: ctx?.requestId },
              'procedure failed',
            );
          }
        },
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>);
    // The dashboard's plain-HTTP routes (bulk upload, download, progress events): same CORS as tRPC.
    await api.register(dashboardJobRoutes, { prefix: '/api', deps, bulk });
    await api.register(dashboardContactImportRoutes, { prefix: '/api', deps });
    // Development only (never with NODE_ENV=production): the captured mail of MAIL_DIR.
    const mailDir = devMailDir(config);
    if (mailDir) await api.register(devMailRoutes, { prefix: '/api', deps, dir: mailDir });
  };
}

/** The built dashboard as static files; client-side routes get index.html; everything else a 404. */
async function serveDashboard(app: FastifyInstance, webDist: string) {
  const serveWeb = existsSync(`${webDist}/index.html`);
  if (serveWeb) {
    await app.register(fastifyStatic, { root: webDist, index: 'index.html', wildcard: false });
  }

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const isApi = API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    if (serveWeb && req.method === 'GET' && !isApi && !path.includes('.')) {
      // Client-side routes of the dashboard: the SPA decides what to show.
      return reply.type('text/html').sendFile('index.html');
    }
    const body: ErrorBody = {
      code: 'NOT_FOUND',
      message: `No route for ${req.method} ${path}`,
      requestId: String(req.id),
    };
    return reply.code(404).send(body);
  });
}
