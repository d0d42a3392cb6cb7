// GET /v1/usage: plan limits, tokens left, requests today and per day for 30 days.
import { ZV1Usage } from '@postern/contracts';
import { planUsage, workspaceRequestsByDay } from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../../deps.ts';
import { coreContextFor } from '../shared/request.ts';
import { apiAuthOf } from './auth.ts';
import { authErrors, ok } from './schemas.ts';

export async function usageRoute(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/usage',
    {
      config: { scope: 'usage:read' },
      schema: {
        operationId: 'getUsage',
        summary: 'Plan limits, tokens left and requests per day',
        response: { 200: ok(ZV1Usage), ...authErrors },
      },
    },
    async (req) => {
      const { principal, policy } = apiAuthOf(req);
      await deps.usage.flush();
      const ctx = coreContextFor(deps, req, {
        kind: 'api_key',
        keyId: principal.keyId,
        workspaceId: principal.workspaceId,
      });
      const usage = await planUsage(ctx, deps.limiter, principal.workspaceId, principal.plan, policy);
      const last30Days = await workspaceRequestsByDay(ctx, principal.workspaceId, 30);
      return ZV1Usage.parse({
        plan: usage.plan,
        limits: usage.limits,
        remaining: usage.remaining,
        today: { requests: usage.requestsToday },
        last30Days,
      });
    },
  );
}
