// multipart/form-data bodies for uploads, without reading the file into memory: the option fields,
// then one file part. A file with a known size (a path opened with fs.openAsBlob, a Blob, bytes)
// becomes one Blob made of references to its parts — fetch streams it and sends a Content-Length,
// and it can be sent again for a retry. A stream becomes a ReadableStream that pulls the source as
// the connection takes it (chunked, and sent only once).
import type { RawBody } from './transport.ts';

/** What can be uploaded: a Blob (or File), bytes, a web ReadableStream or an async iterable of bytes. */
export type UploadBody = Blob | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface MultipartFile {
  body: UploadBody;
  filename: string;
  contentType: string;
}

const encoder = new TextEncoder();

/** A quoted-string parameter value as browsers write it (WHATWG HTML, multipart/form-data encoding). */
function quote(value: string): string {
  return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

function randomBoundary(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return `----postern-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Whether the body can be read more than once (so a failed upload can be retried). */
export function isReplayable(body: UploadBody): boolean {
  return body instanceof Blob || body instanceof Uint8Array;
}

/**
 * A body factory for `fields` (in order) followed by the file part named `file`. Replayable bodies
 * give a fresh body per call; a stream gives its body once and throws when asked again.
 */
export function multipartBody(fields: [string, string][], file: MultipartFile): () => RawBody {
  const boundary = randomBoundary();
  let head = '';
  for (const [name, value] of fields) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(file.filename)}"\r\n` +
    `Content-Type: ${file.contentType}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const contentType = `multipart/form-data; boundary=${boundary}`;
  const source = file.body;

  if (source instanceof Blob || source instanceof Uint8Array) {
    // Blob parts are kept by reference: a file-backed Blob is read only while fetch sends it.
    const blob = new Blob([head, source as Blob, tail]);
    return () => ({ body: blob, contentType, stream: false });
  }
  let used = false;
  return () => {
    if (used) throw new TypeError('@postern/sdk: an upload from a stream can be sent only once');
    used = true;
    return {
      body: streamParts(encoder.encode(head), source, encoder.encode(tail)),
      contentType,
      stream: true,
    };
  };
}

function streamParts(
  head: Uint8Array,
  source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  tail: Uint8Array,
): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<Uint8Array> | undefined;
  let stage: 'head' | 'body' | 'done' = 'head';
  const open = (): AsyncIterator<Uint8Array> => {
    if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
      const reader = (source as ReadableStream<Uint8Array>).getReader();
      return {
        next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
        return: async () => {
          await reader.cancel();
          return { done: true, value: undefined };
        },
      };
    }
    return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  };
  return new ReadableStream<Uint8Array>({
    // pull, not start: one chunk of the source is read each time the connection wants more.
    async pull(controller) {
      if (stage === 'head') {
        stage = 'body';
        iterator = open();
        controller.enqueue(head);
        return;
      }
      if (stage === 'body' && iterator) {
        for (;;) {
          const { done, value } = await iterator.next();
          if (done) break;
          const bytes = toBytes(value);
          if (bytes.byteLength === 0) continue;
          controller.enqueue(bytes);
          return;
        }
        stage = 'done';
        controller.enqueue(tail);
        controller.close();
      }
    },
    async cancel(reason) {
      await iterator?.return?.(reason);
    },
  });
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError('@postern/sdk: an upload stream must give bytes (Uint8Array or Buffer chunks)');
}

/** The Content-Type of the file part, from its name. */
export function fileContentType(filename: string, blobType?: string): string {
  if (blobType) return blobType;
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  if (extension === 'csv') return 'text/csv';
  if (extension === 'tsv') return 'text/tab-separated-values';
  if (extension === 'txt') return 'text/plain';
  return 'application/octet-stream';
}
