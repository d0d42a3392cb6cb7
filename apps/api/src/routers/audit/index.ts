// The workspace's audit log: filtered pages, export (itself audited) and chain verification.
import {
  ZAuditExport,
  ZAuditExportRequest,
  ZAuditListRequest,
  ZAuditPage,
  ZAuditVerifyRequest,
  ZAuditVerifyResult,
} from '@postern/contracts';
import {
  auditScope,
  auditSignerFromConfig,
  exportAudit,
  listAudit,
  recordAudit,
  verifyAuditChain,
} from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const auditRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'audit.read' })
    .input(ZAuditListRequest)
    .output(ZAuditPage)
    .query(({ ctx, input }) => listAudit(ctx.em, input.workspaceId, input)),

  export: workspaceProcedure
    .meta({ permission: 'audit.read' })
    .input(ZAuditExportRequest)
    .output(ZAuditExport)
    .mutation(async ({ ctx, input }) => {
      const { workspaceId, format, ...filter } = input;
      const file = await exportAudit(ctx.em, workspaceId, filter, format);
      recordAudit(ctx.em, ctx.deps.clock, {
        type: 'audit.exported',
        actorId: ctx.user.id,
        workspaceId,
        meta: ctx.auth.meta,
        metadata: { format, rows: file.rows, filter },
      });
      await ctx.em.flush();
      return file;
    }),

  verify: workspaceProcedure
    .meta({ permission: 'audit.verify' })
    .input(ZAuditVerifyRequest)
    .output(ZAuditVerifyResult)
    .mutation(async ({ ctx, input }) => {
      // Compared with the newest signed head (KV store, audit_signed_head) and a pasted checkpoint.
      const result = await verifyAuditChain(ctx.em, auditScope(input.workspaceId, null), {
        verifier: auditSignerFromConfig(ctx.deps.config),
        kv: ctx.deps.kv,
        pasted: input.checkpoint,
      });
      recordAudit(ctx.em, ctx.deps.clock, {
        type: 'audit.verified',
        actorId: ctx.user.id,
        workspaceId: input.workspaceId,
        meta: ctx.auth.meta,
        metadata: {
          ok: result.ok,
          entriesChecked: result.entriesChecked,
          problems: result.problems.length,
          ...(result.head ? { headSeq: result.head.seq, headSource: result.head.source } : {}),
        },
      });
      await ctx.em.flush();
      return result;
    }),
});
