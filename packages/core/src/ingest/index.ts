// Upload parsing, shared by every feature that takes a list of addresses (bulk jobs; contact import):
// bytes -> records -> addresses, streamed in constant memory, plus the dashboard's column preview.
export { decodeUpload, firstInvalidUtf8, formatBytes, type UploadSource } from './decode.ts';
export { dedupeKey } from './dedupe.ts';
export {
  chooseFormat,
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_FIELD_LENGTH,
  DEFAULT_MAX_ROW_BYTES,
  DEFAULT_MAX_ROWS,
  extractAddresses,
  extractFromArray,
} from './extract.ts';
export { type PreviewOptions, previewUpload } from './preview.ts';
export type * from './types.ts';
