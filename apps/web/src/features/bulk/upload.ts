// The upload itself: multipart/form-data over XMLHttpRequest (fetch reports no upload progress), with
// the session cookie and the same double-submit CSRF header as the dashboard's tRPC calls. The option
// fields go BEFORE the file part, so the server knows them when the file's bytes start to arrive.
import type { BulkJobDto } from '@postern/contracts';
import { readCsrfToken } from '../../lib/cookies.ts';
import { uploadUrl } from './bulk-model.ts';

// The contract's header name (CSRF_HEADER), as in lib/trpc.ts.
const CSRF_HEADER_NAME = 'x-csrf-token';

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

export interface UploadFailure {
  /** HTTP status; 0 when the server never answered (network, aborted). */
  status: number;
  body: string;
  aborted: boolean;
}

export function isUploadFailure(value: unknown): value is UploadFailure {
  return typeof value === 'object' && value !== null && 'status' in value && 'aborted' in value;
}

export interface UploadHandle {
  promise: Promise<BulkJobDto>;
  abort: () => void;
}

/** Sends `file`; `onProgress(loaded, total)` follows the bytes sent. Rejects with an UploadFailure. */
export function uploadJob(
  workspaceId: string,
  file: File,
  options: UploadOptions,
  onProgress: (loaded: number, total: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  let aborted = false;
  const promise = new Promise<BulkJobDto>((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of uploadFields(options)) form.append(name, value);
    form.append('file', file, file.name);

    xhr.open('POST', uploadUrl(workspaceId));
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    const token = readCsrfToken(document.cookie);
    if (token) xhr.setRequestHeader(CSRF_HEADER_NAME, token);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as BulkJobDto);
        } catch {
          reject({ status: xhr.status, body: xhr.responseText, aborted: false } satisfies UploadFailure);
        }
        return;
      }
      reject({ status: xhr.status, body: xhr.responseText, aborted: false } satisfies UploadFailure);
    });
    xhr.addEventListener('error', () => reject({ status: 0, body: '', aborted } satisfies UploadFailure));
    xhr.addEventListener('abort', () =>
      reject({ status: 0, body: '', aborted: true } satisfies UploadFailure),
    );
    xhr.send(form);
  });
  return {
    promise,
    abort: () => {
      aborted = true;
      xhr.abort();
    },
  };
}

/** base64 of the file's first `bytes` bytes (the preview's sample). */
export async function sampleBase64(file: Blob, bytes: number): Promise<string> {
  const buffer = new Uint8Array(await file.slice(0, bytes).arrayBuffer());
  return bytesToBase64(buffer);
}

/** base64 of bytes (pure: testable; chunked so large samples do not overflow the argument list). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}
