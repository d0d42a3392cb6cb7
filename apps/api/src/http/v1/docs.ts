// GET /v1/openapi.json and /v1/docs: the generated document (openapi.ts) and a page rendered from it.
// Public: no key needed.
import type { FastifyInstance } from 'fastify';
import { renderReference } from './reference.ts';

export async function docsRoutes(app: FastifyInstance) {
  let page: string | undefined;
  app.get('/openapi.json', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return app.swagger();
  });
  app.get('/docs', async (_req, reply) => {
    reply.type('text/html; charset=utf-8');
    page ??= renderReference(app.swagger());
    return page;
  });
}
