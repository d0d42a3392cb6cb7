// API keys of a workspace (owners and admins manage; everyone sees names, prefixes and usage) and
// the plan's usage against its limits.
import {
  ZApiKeyList,
  ZApiKeyUsageRequest,
  ZCreateApiKeyRequest,
  ZCreatedApiKey,
  ZOk,
  ZPlanUsage,
  ZRevokeApiKeyRequest,
  ZUsageSeries,
  ZWorkspaceScoped,
} from '@postern/contracts';
import { apiKeyUsageSeries, createApiKey, listApiKeys, planUsage, revokeApiKey } from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const apiKeysRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'apikeys.read' })
    .input(ZWorkspaceScoped)
    .output(ZApiKeyList)
    .query(async ({ ctx, input }) => ({ keys: await listApiKeys(ctx.core, input.workspaceId) })),

  create: workspaceProcedure
    .meta({ permission: 'apikeys.manage' })
    .input(ZCreateApiKeyRequest)
    .output(ZCreatedApiKey)
    .mutation(({ ctx, input }) => createApiKey(ctx.core, input.workspaceId, ctx.user.id, input)),

  revoke: workspaceProcedure
    .meta({ permission: 'apikeys.manage' })
    .input(ZRevokeApiKeyRequest)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await revokeApiKey(ctx.core, ctx.deps.limiter, input.workspaceId, ctx.user.id, input.keyId);
      // This process's cache of key records (other processes read the revocation marker).
      ctx.deps.apiKeys.forget();
      return { ok: true as const };
    }),

  usage: workspaceProcedure
    .meta({ permission: 'apikeys.read' })
    .input(ZApiKeyUsageRequest)
    .output(ZUsageSeries)
    .query(({ ctx, input }) => apiKeyUsageSeries(ctx.core, input.workspaceId, input.days)),

  plan: workspaceProcedure
    .meta({ permission: 'apikeys.read' })
    .input(ZWorkspaceScoped)
    .output(ZPlanUsage)
    .query(({ ctx, input }) =>
      planUsage(
        ctx.core,
        ctx.deps.limiter,
        input.workspaceId,
        ctx.workspace.plan,
        ctx.deps.apiKeys.policyFor(ctx.workspace.plan),
      ),
    ),
});
