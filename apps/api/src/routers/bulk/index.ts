// Bulk verification jobs for the dashboard: list, one job, result pages, the column-picker preview,
// cancel, retry unknown results and delete. Uploads, downloads and progress events are plain HTTP
// (/api/w/:workspaceId/jobs…, http/dashboard/jobs.ts), shared with the public API.
import {
  BULK_PREVIEW_MAX_BYTES,
  ZBulkJob,
  ZBulkJobList,
  ZBulkJobListRequest,
  ZBulkJobRef,
  ZBulkPreview,
  ZBulkPreviewRequest,
  ZBulkResultsPage,
  ZBulkResultsRequest,
} from '@postern/contracts';
import {
  bulkJobDto,
  cancelBulkJob,
  DomainError,
  deleteBulkJob,
  getBulkJob,
  listBulkJobs,
  previewUpload,
  readBulkResultsPage,
  retryUnknownResults,
} from '@postern/core';
import { z } from 'zod';
import { authedProcedure, router, workspaceProcedure } from '../../trpc.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const bulkRouter = router({
  /** The deployment's upload limits (BULK_MAX_UPLOAD_BYTES, BULK_MAX_ROWS): the dashboard checks a file before sending it. */
  limits: authedProcedure
    .output(z.object({ maxUploadBytes: z.number().int(), maxRows: z.number().int() }))
    .query(({ ctx }) => ({
      maxUploadBytes: ctx.core.config.bulkMaxUploadBytes,
      maxRows: ctx.core.config.bulkMaxRows,
    })),
  list: workspaceProcedure
    .meta({ permission: 'bulk.read' })
    .input(ZBulkJobListRequest)
    .output(ZBulkJobList)
    .query(async ({ ctx, input }) => {
      const page = await listBulkJobs(ctx.core, input.workspaceId, {
        limit: input.limit,
        ...(input.cursor ? { cursor: input.cursor } : {}),
      });
      const now = ctx.core.clock.now();
      return { jobs: page.jobs.map((job) => bulkJobDto(job, now)), nextCursor: page.nextCursor };
    }),

  get: workspaceProcedure
    .meta({ permission: 'bulk.read' })
    .input(ZBulkJobRef)
    .output(ZBulkJob)
    .query(async ({ ctx, input }) =>
      bulkJobDto(await getBulkJob(ctx.core, input.workspaceId, input.jobId), ctx.core.clock.now()),
    ),

  results: workspaceProcedure
    .meta({ permission: 'bulk.read' })
    .input(ZBulkResultsRequest)
    .output(ZBulkResultsPage)
    .query(async ({ ctx, input }) => {
      return readBulkResultsPage(ctx.core, input.workspaceId, input.jobId, input);
    }),

  /** The file's first ≤ 64 KiB, sniffed like an upload: format, header, columns, the detected column. */
  preview: workspaceProcedure
    .meta({ permission: 'bulk.manage' })
    .input(ZBulkPreviewRequest)
    .output(ZBulkPreview)
    .mutation(async ({ input }) => {
      const text = input.sampleBase64.replace(/\s+/g, '');
      if (!BASE64.test(text)) throw new DomainError('VALIDATION_FAILED', 'sampleBase64: is not base64');
      const sample = Buffer.from(text, 'base64');
      if (sample.length > BULK_PREVIEW_MAX_BYTES) {
        throw new DomainError(
          'VALIDATION_FAILED',
          `sampleBase64: send at most the first ${BULK_PREVIEW_MAX_BYTES} bytes of the file`,
        );
      }
      return previewUpload(sample, { encoding: input.encoding, format: input.format });
    }),

  cancel: workspaceProcedure
    .meta({ permission: 'bulk.manage' })
    .input(ZBulkJobRef)
    .output(ZBulkJob)
    .mutation(async ({ ctx, input }) => {
      const view = await cancelBulkJob(ctx.core, input.workspaceId, input.jobId);
      return bulkJobDto(view, ctx.core.clock.now());
    }),

  retry: workspaceProcedure
    .meta({ permission: 'bulk.manage' })
    .input(ZBulkJobRef)
    .output(ZBulkJob)
    .mutation(async ({ ctx, input }) => {
      const view = await retryUnknownResults(ctx.core, input.workspaceId, input.jobId);
      return bulkJobDto(view, ctx.core.clock.now());
    }),

  delete: workspaceProcedure
    .meta({ permission: 'bulk.manage' })
    .input(ZBulkJobRef)
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteBulkJob(ctx.core, input.workspaceId, input.jobId);
      return { deleted: true as const };
    }),
});
