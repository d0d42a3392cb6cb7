// Contact import jobs (#30): a CSV read by the shared ingest code and staged while it uploads
// (create.ts), imported set-based by the worker chunk by chunk (run.ts, chunk.ts), read and cancelled
// (read.ts), previewed for the wizard (preview.ts), purged by the retention table (purge.ts).
export { type CreateContactImportInput, createContactImport, IMPORT_CHUNK_ROWS } from './create.ts';
export { previewContactImport } from './preview.ts';
export { purgeAbandonedImports, purgeImportReports } from './purge.ts';
export {
  cancelContactImport,
  contactImportDto,
  contactImportReportCsv,
  getContactImport,
  listContactImports,
  readContactImportReport,
} from './read.ts';
export { failContactImport, type RunImportOptions, runContactImport } from './run.ts';
