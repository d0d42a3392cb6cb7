// GET /v1/me: the workspace and key behind this request (the hot path: no query beyond the gate's).
import { ZV1Me } from '@postern/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ANY_SCOPE, apiAuthOf } from './auth.ts';
import { authErrors, ok } from './schemas.ts';

export async function meRoute(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/me',
    {
      // Any valid key: it shows the key's own identity and scopes.
      config: { scope: ANY_SCOPE },
      schema: {
        operationId: 'getMe',
        summary: 'The workspace and key behind this request',
        response: { 200: ok(ZV1Me), ...authErrors },
      },
    },
    async (req) => {
      const { principal } = apiAuthOf(req);
      return ZV1Me.parse({
        workspace: { id: principal.workspaceId, name: principal.workspaceName, plan: principal.plan },
        key: {
          id: principal.keyId,
          name: principal.keyName,
          displayPrefix: principal.displayPrefix,
          expiresAt: principal.expiresAt?.toISOString() ?? null,
          scopes: principal.scopes,
        },
      });
    },
  );
}
