// The public REST API, /v1: plain Fastify routes (not tRPC) so the hot path stays lean — one
// cached key lookup and one Redis round trip for the bucket. JSON in and out, validated by the same
// zod contracts as tRPC; errors have the one shape { code, message, requestId }.
import { ZV1Me, ZV1Usage, ZValidateBatchRequest, ZValidateRequest } from '@postern/contracts';
import {
  type AuthorizedRequest,
  checkAddress,
  DomainError,
  planUsage,
  workspaceRequestsByDay,
} from '@postern/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiDeps } from '../deps.ts';
import type { BulkHttp } from './bulk-jobs.ts';
import { parseInput, sendError } from './http.ts';
import { v1JobRoutes } from './jobs-v1.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { renderReference } from './reference.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiAuth?: AuthorizedRequest;
  }
}

const KEY_IN_QUERY = /[?&](api_?key|key|token|access_token)=/i;

function rateLimitHeaders(reply: FastifyReply, auth: AuthorizedRequest) {
  const { limit, policy } = auth;
  // IETF draft (httpapi-ratelimit-headers) structured fields, plus the common X- headers.
  reply.header(
    'ratelimit-policy',
    `"workspace";q=${policy.burst};w=${Math.round((policy.burst / policy.perMinute) * 60)}`,
  );
  reply.header('ratelimit', `"workspace";r=${limit.remaining};t=${limit.resetSeconds}`);
  reply.header('x-ratelimit-limit', String(policy.burst));
  reply.header('x-ratelimit-remaining', String(limit.remaining));
  reply.header('x-ratelimit-reset', String(limit.resetSeconds));
}

export async function v1Routes(app: FastifyInstance, opts: { deps: ApiDeps; bulk: BulkHttp }) {
  const { deps } = opts;

  // Documentation is public.
  app.get('/openapi.json', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return buildOpenApiDocument(deps.config.publicUrl, deps.version);
  });
  app.get('/docs', async (_req, reply) => {
    reply.type('text/html; charset=utf-8');
    return renderReference(buildOpenApiDocument(deps.config.publicUrl, deps.version));
  });

  app.register(async (authed) => {
    authed.addHook('onRequest', async (req, reply) => {
      try {
        if (KEY_IN_QUERY.test(req.url)) {
          throw new DomainError(
            'BAD_REQUEST',
            'API keys are accepted only in the Authorization header (Authorization: Bearer pst_live_…); a key in a URL ends up in logs. Revoke this key and create a new one.',
          );
        }
        const header = req.headers.authorization;
        if (!header)
          throw new DomainError('UNAUTHENTICATED', 'Send your API key as Authorization: Bearer pst_live_…');
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        if (!match?.[1])
          throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <API key>"');
        const auth = await deps.apiKeys.authorize(match[1]);
        rateLimitHeaders(reply, auth);
        if (!auth.limit.allowed) {
          throw new DomainError(
            'RATE_LIMITED',
            `Rate limit of the ${auth.principal.plan} plan reached; retry after the time in Retry-After`,
            {
              retryAfterSeconds: auth.limit.retryAfterSeconds,
            },
          );
        }
        req.apiAuth = auth;
        deps.usage.record(auth.principal.keyId, auth.principal.workspaceId, deps.clock.now());
      } catch (error) {
        if (error instanceof DomainError) return sendError(req, reply, error);
        throw error;
      }
    });

    authed.get('/me', async (req) => {
      const { principal } = req.apiAuth as AuthorizedRequest;
      return ZV1Me.parse({
        workspace: { id: principal.workspaceId, name: principal.workspaceName, plan: principal.plan },
        key: {
          id: principal.keyId,
          name: principal.keyName,
          displayPrefix: principal.displayPrefix,
          expiresAt: principal.expiresAt?.toISOString() ?? null,
        },
      });
    });

    const checkDeps = { engine: deps.engine, kv: deps.kv, secret: deps.config.secret, clock: deps.clock };
    const parseBody = parseInput;

    authed.post('/validate', async (req, reply) => {
      try {
        const input = parseBody(ZValidateRequest, req.body);
        // The result is built by core to the ZValidationResult type (checked by tsc and by the tests).
        return await checkAddress(checkDeps, input.email, input.depth);
      } catch (error) {
        if (error instanceof DomainError) return sendError(req, reply, error);
        throw error;
      }
    });

    authed.post('/validate/batch', async (req, reply) => {
      try {
        const input = parseBody(ZValidateBatchRequest, req.body);
        const results = await Promise.all(
          input.emails.map(async (email) => ({
            email,
            result: await checkAddress(checkDeps, email, input.depth),
          })),
        );
        return { results };
      } catch (error) {
        if (error instanceof DomainError) return sendError(req, reply, error);
        throw error;
      }
    });

    // Bulk verification jobs: /v1/jobs (shares its implementation with the dashboard's /api routes).
    await authed.register(v1JobRoutes, { bulk: opts.bulk });

    authed.get('/usage', async (req) => {
      const { principal, policy } = req.apiAuth as AuthorizedRequest;
      await deps.usage.flush();
      const em = deps.orm.em.fork();
      const now = deps.clock.now();
      const usage = await planUsage(em, deps.limiter, principal.workspaceId, principal.plan, policy, now);
      const last30Days = await workspaceRequestsByDay(em, principal.workspaceId, 30, now);
      return ZV1Usage.parse({
        plan: usage.plan,
        limits: usage.limits,
        remaining: usage.remaining,
        today: { requests: usage.requestsToday },
        last30Days,
      });
    });
  });
}
