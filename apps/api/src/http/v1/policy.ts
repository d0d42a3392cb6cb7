// GET and PUT /v1/policy: the workspace's validation policy (see docs/validation.md, Policies). A PUT
// replaces it whole and is audited with the policy before and after (the key is named in the entry).
import { ZPolicy, ZPolicyView } from '@postern/contracts';
import { getPolicyView, savePolicy } from '@postern/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../../deps.ts';
import { coreContextFor } from '../shared/request.ts';
import { apiAuthOf } from './auth.ts';
import { authErrors, ok, withError } from './schemas.ts';

export async function policyRoutes(app: FastifyInstance, opts: { deps: ApiDeps }) {
  const { deps } = opts;
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const contextOf = (req: FastifyRequest) => {
    const { principal } = apiAuthOf(req);
    const actor = { kind: 'api_key' as const, keyId: principal.keyId, workspaceId: principal.workspaceId };
    return { ctx: coreContextFor(deps, req, actor), workspaceId: principal.workspaceId };
  };

  routes.get(
    '/policy',
    {
      config: { scope: 'policy:read' },
      schema: {
        operationId: 'getPolicy',
        summary: "The workspace's validation policy (the default until one is saved)",
        response: { 200: ok(ZPolicyView), ...authErrors },
      },
    },
    async (req) => {
      const { ctx, workspaceId } = contextOf(req);
      return getPolicyView(ctx, workspaceId);
    },
  );

  routes.put(
    '/policy',
    {
      config: { scope: 'policy:write' },
      schema: {
        operationId: 'setPolicy',
        summary:
          'Replace the validation policy: ordered rules mapping verdict facts to accept, accept_with_caution or reject, and a default',
        body: ZPolicy,
        response: {
          200: ok(ZPolicyView),
          ...authErrors,
          422: withError('The policy is not valid (the first problem, as "<field>: <message>")'),
        },
      },
    },
    async (req) => {
      const { ctx, workspaceId } = contextOf(req);
      return savePolicy(ctx, workspaceId, req.body);
    },
  );
}
