// The suppression list for the dashboard (Settings → Compliance): read it (every member), add manual
// entries one at a time or from a CSV's addresses, remove manual ones and export it (owners and admins).
import { ZAddSuppressionsResult, ZOk, ZSuppressionPage } from '@postern/contracts';
import { addSuppressions, exportSuppressions, listSuppressions, removeSuppression } from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';
import {
  ZSuppressionAddRequest,
  ZSuppressionExport,
  ZSuppressionListRequest,
  ZSuppressionRef,
} from './schemas.ts';

const read = workspaceProcedure.meta({ permission: 'contacts.read' });
const manage = workspaceProcedure.meta({ permission: 'suppressions.manage' });

export const suppressionsRouter = router({
  list: read
    .input(ZSuppressionListRequest)
    .output(ZSuppressionPage)
    .query(({ ctx, input: { workspaceId, ...query } }) => listSuppressions(ctx.core, workspaceId, query)),

  /** All or nothing: one invalid address refuses the whole list. */
  add: manage
    .input(ZSuppressionAddRequest)
    .output(ZAddSuppressionsResult)
    .mutation(({ ctx, input: { workspaceId, ...request } }) =>
      addSuppressions(ctx.core, workspaceId, request),
    ),

  /** Manual entries only: the others are refused (CONFLICT). */
  remove: manage
    .input(ZSuppressionRef)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => {
      await removeSuppression(ctx.core, input.workspaceId, input.suppressionId);
      return { ok: true as const };
    }),

  /** Every entry with its address opened, for a CSV/JSON file (audited). */
  export: manage
    .input(ZSuppressionRef.pick({ workspaceId: true }))
    .output(ZSuppressionExport)
    .mutation(async ({ ctx, input }) => ({
      suppressions: await exportSuppressions(ctx.core, input.workspaceId),
    })),
});
