// The API-key gate of /v1 (onRequest, before any body byte is read): a key in the URL is refused, the
// Bearer key is authorised with the workspace's token bucket in one round trip, the rate-limit headers
// are set on every answer, and usage is counted. `req.apiAuth` is set for the routes.
import { type AuthorizedRequest, checksRefused, DomainError, headerValues } from '@postern/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import type { BulkCaller } from '../shared/bulk.ts';
import { requestMeta } from '../shared/request.ts';

declare module 'fastify' {
  interface FastifyRequest {
    apiAuth?: AuthorizedRequest;
  }
}

const KEY_IN_QUERY = /[?&](api_?key|key|token|access_token)=/i;

export function apiKeyGate(deps: ApiDeps) {
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
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new DomainError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <API key>"');
    // A route that checks addresses pays its first unit in the workspace's and the account's buckets
    // here, in one round trip (its handler charges any further addresses).
    const checks = (req.routeOptions.config as { checksAddresses?: boolean }).checksAddresses === true;
    const auth = await deps.apiKeys.authorize(match[1], { checks });
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
    deps.usage.record(auth.principal.keyId, auth.principal.workspaceId, deps.clock.now());
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
    meta: requestMeta(req),
  };
}
