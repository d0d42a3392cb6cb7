// Contact imports for the dashboard (#30): the wizard's preview of the first bytes of the file, one
// import (status, counts, progress), the workspace's imports, the report of rows not subscribed, and
// cancel. The upload itself and the report's CSV are plain HTTP (http/dashboard/contact-import.ts).
// Permissions: contacts.read to read, contacts.write to preview and cancel (as for the JSON import).
import {
  BULK_PREVIEW_MAX_BYTES,
  ZContactImport,
  ZContactImportList,
  ZContactImportListRequest,
  ZContactImportPreview,
  ZContactImportPreviewRequest,
  ZContactImportRef,
  ZContactImportReportPage,
  ZContactImportReportRequest,
} from '@postern/contracts';
import {
  cancelContactImport,
  DomainError,
  getContactImport,
  listContactImports,
  previewContactImport,
  readContactImportReport,
} from '@postern/core';
import { router, workspaceProcedure } from '../../trpc.ts';

const read = workspaceProcedure.meta({ permission: 'contacts.read' });
const write = workspaceProcedure.meta({ permission: 'contacts.write' });
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const contactImportsRouter = router({
  preview: write
    .input(ZContactImportPreviewRequest)
    .output(ZContactImportPreview)
    .mutation(async ({ input }) => {
      const text = input.sampleBase64.replace(/\s+/g, '');
      if (!BASE64.test(text)) throw new DomainError('VALIDATION_FAILED', 'sampleBase64: is not base64');
      const sample = Buffer.from(text, 'base64');
      if (sample.length > BULK_PREVIEW_MAX_BYTES)
        throw new DomainError(
          'VALIDATION_FAILED',
          `sampleBase64: send at most the first ${BULK_PREVIEW_MAX_BYTES} bytes of the file`,
        );
      return previewContactImport(sample, { encoding: input.encoding, format: input.format });
    }),

  get: read
    .input(ZContactImportRef)
    .output(ZContactImport)
    .query(({ ctx, input }) => getContactImport(ctx.core, input.workspaceId, input.importId)),

  list: read
    .input(ZContactImportListRequest)
    .output(ZContactImportList)
    .query(({ ctx, input }) =>
      listContactImports(ctx.core, input.workspaceId, { cursor: input.cursor, limit: input.limit }),
    ),

  report: read
    .input(ZContactImportReportRequest)
    .output(ZContactImportReportPage)
    .query(({ ctx, input: { workspaceId, importId, ...page } }) =>
      readContactImportReport(ctx.core, workspaceId, importId, page),
    ),

  cancel: write
    .input(ZContactImportRef)
    .output(ZContactImport)
    .mutation(({ ctx, input }) => cancelContactImport(ctx.core, input.workspaceId, input.importId)),
});
