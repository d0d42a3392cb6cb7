// The workspace's audit log: filtered pages, export (itself audited) and chain verification.
import {
  ZAuditExport,
  ZAuditExportRequest,
  ZAuditListRequest,
  ZAuditPage,
  ZAuditVerifyRequest,
  ZAuditVerifyResult,
} from '@postern/contracts';
import { exportAudit, listAudit, verifyWorkspaceAudit } from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

export const auditRouter = router({
  list: workspaceProcedure
    .meta({ permission: 'audit.read' })
    .input(ZAuditListRequest)
    .output(ZAuditPage)
    .query(({ ctx, input }) => listAudit(ctx.core, input.workspaceId, input)),

  export: workspaceProcedure
    .meta({ permission: 'audit.read' })
    .input(ZAuditExportRequest)
    .output(ZAuditExport)
    .mutation(({ ctx, input }) => {
      const { workspaceId, format, ...filter } = input;
      return exportAudit(ctx.core, workspaceId, filter, format);
    }),

  verify: workspaceProcedure
    .meta({ permission: 'audit.verify' })
    .input(ZAuditVerifyRequest)
    .output(ZAuditVerifyResult)
    // Compared with the newest signed head (KV store, audit_signed_head) and a pasted checkpoint.
    .mutation(({ ctx, input }) => verifyWorkspaceAudit(ctx.core, input.workspaceId, input.checkpoint)),
});
