// The public REST API, /v1: plain Fastify routes (not tRPC) so the hot path stays lean — one cached key
// lookup and one Redis round trip for the bucket. JSON in and out, validated by the routes' zod schemas
// (the same contracts as tRPC), from which the OpenAPI document is generated; errors have the one
// shape { code, message, requestId } (shared/errors.ts).
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import type { BulkHttp } from '../shared/bulk.ts';
import { registerApiKeyGate } from './auth.ts';
import { campaignRoutes } from './campaigns.ts';
import { contactImportRoutes } from './contact-imports.ts';
import { contactRoutes } from './contacts.ts';
import { docsRoutes } from './docs.ts';
import { jobRoutes } from './jobs.ts';
import { listRoutes } from './lists.ts';
import { meRoute } from './me.ts';
import { policyRoutes } from './policy.ts';
import { suppressionRoutes } from './suppressions.ts';
import { usageRoute } from './usage.ts';
import { validateRoutes } from './validate.ts';

export async function v1Routes(app: FastifyInstance, opts: { deps: ApiDeps; bulk: BulkHttp }) {
  const { deps } = opts;
  // Documentation is public.
  await app.register(docsRoutes, { deps });
  await app.register(async (authed) => {
    // JSON in (and multipart uploads where a route registers them): any other body is 415
    // UNSUPPORTED_MEDIA_TYPE, not a string for the route's schema to refuse.
    authed.removeContentTypeParser('text/plain');
    registerApiKeyGate(authed, deps);
    await authed.register(meRoute);
    await authed.register(validateRoutes, { deps });
    await authed.register(jobRoutes, { deps, bulk: opts.bulk });
    await authed.register(usageRoute, { deps });
    await authed.register(policyRoutes, { deps });
    await authed.register(contactRoutes, { deps });
    await authed.register(contactImportRoutes, { deps });
    await authed.register(listRoutes, { deps });
    await authed.register(suppressionRoutes, { deps });
    await authed.register(campaignRoutes, { deps });
  });
}
