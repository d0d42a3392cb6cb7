// What every plain-HTTP route and tRPC procedure derives from a request: audit metadata and the core
// context (used by tRPC's context and by the dashboard's and /v1's plain-HTTP routes alike).
import { type Actor, type CoreContext, coreContext, type RequestMeta } from '@postern/core';
import type { FastifyRequest } from 'fastify';
import { type ApiDeps, coreServicesOf } from '../../deps.ts';

/** Request metadata recorded with audit entries. */
export function requestMeta(req: FastifyRequest): RequestMeta {
  return { ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null };
}

/** The core context of one request: its own EntityManager fork, the actor once known, its metadata. */
export function coreContextFor(deps: ApiDeps, req: FastifyRequest, actor: Actor | null = null): CoreContext {
  return coreContext(coreServicesOf(deps), { em: deps.orm.em.fork(), actor, meta: requestMeta(req) });
}
