// API keys of a workspace (owners and admins manage: create with scopes, roll with overlap, revoke;
// everyone sees names, prefixes, scopes, usage and usage alerts) and the plan's usage against its limits.
import {
  ZApiKeyList,
  ZApiKeyUsageRequest,
  ZCreateApiKeyRequest,
  ZCreatedApiKey,
  ZOk,
  ZPlanUsage,
  ZRevokeApiKeyRequest,
  ZRollApiKeyRequest,
  ZRolledApiKey,
  ZUsageSeries,
  ZWorkspaceScoped,
} from '@postern/contracts';
import {
  apiKeyUsageSeries,
  createApiKey,
  listApiKeyAlerts,
  listApiKeys,
  planUsage,
  revokeApiKey,
  rollApiKey,
} from '@postern/core';
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

  roll: workspaceProcedure
    .meta({ permission: 'apikeys.manage' })
    .input(ZRollApiKeyRequest)
    .output(ZRolledApiKey)
    .mutation(async ({ ctx, input }) => {
      const rolled = await rollApiKey(ctx.core, ctx.deps.limiter, input.workspaceId, ctx.user.id, input);
      ctx.deps.apiKeys.forget();
      return rolled;
    }),

  usage: workspaceProcedure
    .meta({ permission: 'apikeys.read' })
    .input(ZApiKeyUsageRequest)
    .output(ZUsageSeries)
    .query(async ({ ctx, input }) => {
      const usage = await apiKeyUsageSeries(ctx.core, input.workspaceId, input.days);
      const since = new Date(`${usage.days[0] ?? '1970-01-01'}T00:00:00Z`);
      return { ...usage, alerts: await listApiKeyAlerts(ctx.core, input.workspaceId, since) };
    }),

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
        ctx.deps.apiKeys.policyFor(ctx.workspace.plan, ctx.workspace),
      ),
    ),
});
