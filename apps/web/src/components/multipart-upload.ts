// A file upload with real progress, shared by the bulk upload and the contact import: multipart/form-data
// over XMLHttpRequest (fetch reports no upload progress), with the session cookie and the same
// double-submit CSRF header as the dashboard's tRPC calls. The option fields go BEFORE the file part, so
// the server knows them when the file's bytes start to arrive.
import { readCsrfToken } from '../lib/cookies.ts';

// The contract's header name (CSRF_HEADER), as in lib/trpc.ts.
const CSRF_HEADER_NAME = 'x-csrf-token';

export interface UploadFailure {
  /** HTTP status; 0 when the server never answered (network, aborted). */
  status: number;
  body: string;
  aborted: boolean;
}

export function isUploadFailure(value: unknown): value is UploadFailure {
  return typeof value === 'object' && value !== null && 'status' in value && 'aborted' in value;
}

export interface UploadHandle<T> {
  promise: Promise<T>;
  abort: () => void;
}

/**
 * POSTs `fields` then `file` (as the part `file`) to `url`; `onProgress(loaded, total)` follows the
 * bytes sent. Resolves to the parsed JSON answer; rejects with an UploadFailure.
 */
export function postMultipart<T>(
  url: string,
  fields: ReadonlyArray<readonly [string, string]>,
  file: File,
  onProgress: (loaded: number, total: number) => void,
): UploadHandle<T> {
  const xhr = new XMLHttpRequest();
  let aborted = false;
  const promise = new Promise<T>((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of fields) form.append(name, value);
    form.append('file', file, file.name);

    xhr.open('POST', url);
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
          resolve(JSON.parse(xhr.responseText) as T);
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

/** base64 of the file's first `bytes` bytes (a preview's sample). */
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
