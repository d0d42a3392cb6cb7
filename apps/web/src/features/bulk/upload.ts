// The bulk upload's request: its option fields, in the order they are sent before the file (sent by the
// shared multipart upload, components/multipart-upload.ts: XHR progress, session cookie, CSRF header).
export {
  bytesToBase64,
  isUploadFailure,
  sampleBase64,
  type UploadFailure,
} from '../../components/multipart-upload.ts';

export interface UploadOptions {
  name?: string;
  depth: 'standard' | 'enhanced';
  /** Header name or 0-based index; omitted → the server detects it. */
  column?: string | number;
  format: 'auto' | 'csv' | 'tsv' | 'list';
  encoding: 'utf-8' | 'latin1';
  dedupe: boolean;
}

/** The form fields in the order they are sent (pure: testable). */
export function uploadFields(options: UploadOptions): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  if (options.name?.trim()) fields.push(['name', options.name.trim()]);
  fields.push(['depth', options.depth]);
  if (options.column !== undefined && options.column !== '') fields.push(['column', String(options.column)]);
  fields.push(['format', options.format]);
  fields.push(['encoding', options.encoding]);
  fields.push(['dedupe', options.dedupe ? 'true' : 'false']);
  return fields;
}
