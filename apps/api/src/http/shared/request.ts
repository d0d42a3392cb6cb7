// What every plain-HTTP route and tRPC procedure derives from a request: audit metadata and the core
// auth context (used by tRPC's context and by the dashboard's plain-HTTP routes alike).
import type { AuthContext, EntityManager } from '@postern/core';
import type { FastifyRequest } from 'fastify';
import type { ApiDeps } from '../../deps.ts';

/** Request metadata recorded with audit entries. */
export function requestMeta(req: FastifyRequest) {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
}

/** The core auth context of a request. */
export function authContextFor(deps: ApiDeps, req: FastifyRequest, em: EntityManager): AuthContext {
  return {
    em,
    kv: deps.kv,
    keyring: deps.keyring,
    clock: deps.clock,
    settings: {
      secret: deps.config.secret,
      accessTokenTtlSeconds: deps.config.accessTokenTtlSeconds,
      sessionIdleMs: deps.config.sessionIdleMs,
      sessionAbsoluteMs: deps.config.sessionAbsoluteMs,
      publicUrl: deps.config.publicUrl,
    },
    sendMail: deps.sendMail,
    meta: requestMeta(req),
  };
}
