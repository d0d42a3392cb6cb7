// Multipart bodies for the upload tests, whole or streamed (a file made on demand, never held whole),
// and a raw HTTP request whose body is a stream.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';

export interface FilePart {
  content: Buffer | string;
  filename?: string;
  /** Part name; default "file". */
  name?: string;
  contentType?: string;
}

const CRLF = '\r\n';

function fieldPart(boundary: string, name: string, value: string): string {
  return `--${boundary}${CRLF}content-disposition: form-data; name="${name}"${CRLF}${CRLF}${value}${CRLF}`;
}

function fileHead(boundary: string, file: Omit<FilePart, 'content'>): string {
  const filename = file.filename === undefined ? '' : `; filename="${file.filename}"`;
  return `--${boundary}${CRLF}content-disposition: form-data; name="${file.name ?? 'file'}"${filename}${CRLF}content-type: ${file.contentType ?? 'text/csv'}${CRLF}${CRLF}`;
}

/**
 * A whole multipart body: `parts` in order, each a field [name, value] or a file part.
 */
export function multipart(parts: ([string, string] | FilePart)[]): { payload: Buffer; contentType: string } {
  const boundary = `----postern${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if (Array.isArray(part)) chunks.push(Buffer.from(fieldPart(boundary, part[0], part[1])));
    else {
      chunks.push(Buffer.from(fileHead(boundary, part)));
      chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
      chunks.push(Buffer.from(CRLF));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A streamed multipart body: the fields, then a file whose bytes come from `content` as pulled. */
export function multipartStream(
  fields: [string, string][],
  file: Omit<FilePart, 'content'>,
  content: AsyncIterable<Buffer>,
  progress: { sent: number } = { sent: 0 },
): { stream: Readable; contentType: string } {
  const boundary = `----postern${randomBytes(8).toString('hex')}`;
  async function* body() {
    for (const [name, value] of fields) yield Buffer.from(fieldPart(boundary, name, value));
    yield Buffer.from(fileHead(boundary, file));
    for await (const chunk of content) {
      progress.sent += chunk.length;
      yield chunk;
    }
    yield Buffer.from(`${CRLF}--${boundary}--${CRLF}`);
  }
  return {
    stream: Readable.from(body(), { objectMode: false, highWaterMark: 64 * 1024 }),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** `total` bytes of generated lines, made on demand in chunks of about 64 KiB. */
export async function* generatedLines(total: number, line: (i: number) => string): AsyncGenerator<Buffer> {
  let sent = 0;
  let i = 0;
  while (sent < total) {
    let text = '';
    while (text.length < 64 * 1024 && sent + text.length < total) text += `${line(i++)}\n`;
    const chunk = Buffer.from(text);
    sent += chunk.length;
    yield chunk;
  }
}

/**
 * Sends a raw HTTP request whose body is `body` (streamed). Resolves with the response once it has
 * ended; a write error after the response started (the server answered early and closed) is ignored.
 */
export function rawRequest(
  url: string,
  options: {
    method: string;
    headers: Record<string, string>;
    body?: Readable;
    /** Called when the response headers arrive. */
    onResponse?: () => void;
  },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; respondedAt: number }> {
  return new Promise((resolve, reject) => {
    let responded = false;
    let settled = false;
    const req = http.request(url, { method: options.method, headers: options.headers }, (res) => {
      responded = true;
      options.onResponse?.();
      const respondedAt = Date.now();
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      const done = () => {
        if (settled) return;
        settled = true;
        options.body?.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, respondedAt });
      };
      res.on('end', done);
      res.on('close', done);
      res.on('error', done);
    });
    req.on('error', (error) => {
      if (responded || settled) return;
      settled = true;
      options.body?.destroy();
      reject(error);
    });
    if (options.body) {
      options.body.on('error', () => req.destroy());
      options.body.pipe(req);
    } else req.end();
  });
}
