// Bulk verification input: address extraction from uploads and JSON arrays.
export { decodeUpload, firstInvalidUtf8, formatBytes, type UploadSource } from './decode.ts';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_COLUMNS,
  DEFAULT_MAX_FIELD_LENGTH,
  DEFAULT_MAX_ROW_BYTES,
  DEFAULT_MAX_ROWS,
  dedupeKey,
  extractAddresses,
  extractFromArray,
} from './extract.ts';
export type * from './types.ts';
