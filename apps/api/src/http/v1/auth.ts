// The API-key gate of /v1 (onRequest, before any body byte is read): a key in the URL is refused, the
// Bearer key is authorised — the scope its route declares (`config.scope`), then the workspace's token
// bucket in one round trip — the rate-limit headers are set on every answer, and usage is counted
// (in memory; refusals of a known key too, for the usage alerts). `req.apiAuth` is set for the routes.
import type { ApiKeyScope } from '@postern/contracts';
import {
  type AuthorizedRequest,
  checksRefused,
  DomainError,
  headerValues,
  isDomainError,
} from '@postern/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import type { BulkCaller } from '../shared/bulk.ts';
import { requestMeta } from '../shared/request.ts';

/** A route any valid key may call (GET /me: the key's own identity and scopes). */
export const ANY_SCOPE = 'any';

declare module 'fastify' {
  interface FastifyRequest {
    apiAuth?: AuthorizedRequest;
    /** The key of a refused request, when it was recognised (for the usage alerts). */
    apiKeyRefused?: { keyId: string };
  }
  interface FastifyContextConfig {
    /** The scope a /v1 route needs (every authenticated route declares one; see routes.int test). */
    scope?: ApiKeyScope | typeof ANY_SCOPE;
  }
}

const KEY_IN_QUERY = /[?&](api_?key|key|token|access_token)=/i;
/** The Authorization header of a key (also read by the event stream's re-check, v1/jobs.ts). */
export const BEARER = /^Bearer\s+(\S+)$/i;

/** The gate (onRequest) and the refusal counter (onResponse) of /v1's authenticated scope. */
export function registerApiKeyGate(app: FastifyInstance, deps: ApiDeps) {
  const gate = apiKeyGate(deps);
  app.addHook('onRequest', async (req, reply) => {
    try {
      await gate(req, reply);
    } catch (error) {
      const keyId = isDomainError(error) ? error.details?.keyId : undefined;
      if (typeof keyId === 'string') req.apiKeyRefused = { keyId };
      throw error;
    }
  });
  app.addHook('onResponse', async (req, reply) => {
    if (![401, 403, 429].includes(reply.statusCode)) return;
    const keyId = req.apiAuth?.principal.keyId ?? req.apiKeyRefused?.keyId;
    if (keyId) deps.usage.refused(keyId, deps.clock.now(), req.ip);
  });
}

function apiKeyGate(deps: ApiDeps) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (KEY_IN_QUERY.test(req.url)) {
      throw new DomainError(
        'BAD_REQUEST',
        'API keys are accepted only in the Authorization header (Authorization: Bearer pst_live_…); a key in a URL ends up in logs. Revoke this key and create a new one.',
      );
    }
    const header = req.headers.authorization;
    if (!header)
      throw new DomainError('UNAUTHENTICATED', 'Send your API key as Authorization: Bearer pst_live_…');
    const match = BEARER.exec(header);
    if (!match?.[1])
      throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <API key>"');
    // A route that checks addresses pays its first unit in the workspace's and the account's buckets
    // here, in one round trip (its handler charges any further addresses).
    const config = req.routeOptions.config as { checksAddresses?: boolean; scope?: string };
    // Fails closed: a route without a declared scope is a programming error (500), never open.
    if (!config.scope) throw new Error(`the /v1 route ${req.routeOptions.url} declares no scope`);
    const checks = config.checksAddresses === true;
    const scope = config.scope === ANY_SCOPE ? undefined : (config.scope as ApiKeyScope);
    const auth = await deps.apiKeys.authorize(match[1], { checks, ...(scope ? { scope } : {}) });
    // IETF draft (httpapi-ratelimit-headers) structured fields, plus the common X- headers.
    if (auth.checkBuckets) {
      const { workspace, account } = auth.checkBuckets;
      reply.headers(
        headerValues(auth.policy, [
          ['workspace', workspace],
          ['account', account],
        ]),
      );
      if (!auth.limit.allowed) throw checksRefused(auth.principal.plan, workspace, account, 1);
    } else reply.headers(headerValues(auth.policy, [['workspace', auth.limit]]));
    if (!auth.limit.allowed) {
      throw new DomainError(
        'RATE_LIMITED',
        `Rate limit of the ${auth.principal.plan} plan reached; retry after the time in Retry-After`,
        { retryAfterSeconds: auth.limit.retryAfterSeconds },
      );
    }
    req.apiAuth = auth;
    deps.usage.record(auth.principal.keyId, auth.principal.workspaceId, deps.clock.now(), req.ip);
  };
}

/** The key's authorisation (set by the gate for every route of the scope). */
export function apiAuthOf(req: FastifyRequest): AuthorizedRequest {
  if (!req.apiAuth) throw new Error('a /v1 route ran without the API-key gate');
  return req.apiAuth;
}

/** An API key acting on its workspace, for the bulk implementation. */
export function keyCaller(req: FastifyRequest): BulkCaller {
  const { principal } = apiAuthOf(req);
  return {
    workspaceId: principal.workspaceId,
    actorId: null,
    apiKeyId: principal.keyId,
    apiKeyName: principal.keyName,
    meta: requestMeta(req),
  };
}
