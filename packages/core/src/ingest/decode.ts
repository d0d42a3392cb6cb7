// Byte stage of an upload: counts bytes against the size limit (stopping at once), strips a BOM,
// refuses UTF-16 and binary files, and turns the bytes into validated UTF-8 chunks (strict UTF-8,
// or Latin-1 transcoded), whatever the chunk boundaries (a multi-byte character split across two
// chunks is carried over). A source that errors (an aborted upload) becomes a BAD_REQUEST.
import { isUtf8 } from 'node:buffer';
import { DomainError } from '../errors.ts';

/** How many leading bytes are inspected for a BOM and binary content before anything is emitted. */
export const HEAD_BYTES = 8192;

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

export interface DecodeOptions {
  encoding: 'utf-8' | 'latin1';
  maxBytes: number;
}

/** Filled in while decoding: the caller reads it for the summary. */
export interface DecodeProgress {
  bytes: number;
}

export type UploadSource = AsyncIterable<unknown> | NodeJS.ReadableStream;

export function formatBytes(n: number): string {
  const MiB = 1024 * 1024;
  if (n >= MiB && n % MiB === 0) return `${n / MiB} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n.toLocaleString('en-US')} bytes`;
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new DomainError('BAD_REQUEST', 'The upload is not a byte stream');
}

export function cutOffError(cause: unknown): DomainError {
  const code = (cause as { code?: unknown } | null)?.code;
  return new DomainError(
    'BAD_REQUEST',
    'The upload was cut off before the end of the file; upload it again',
    typeof code === 'string' ? { cause: code } : undefined,
  );
}

function utf16Error(): DomainError {
  return new DomainError('BAD_REQUEST', 'UTF-16 files are not supported; save as UTF-8');
}

/**
 * Offset of the first byte of the first ill-formed sequence (Unicode Table 3-7, the same rules as
 * `isUtf8`), or -1. A sequence cut off by the end of `buf` counts as ill-formed.
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) {
      need = 2;
      lo = 0xa0;
    } else if (b === 0xed) {
      need = 2;
      hi = 0x9f;
    } else if (b >= 0xe1 && b <= 0xef) need = 2;
    else if (b === 0xf0) {
      need = 3;
      lo = 0x90;
    } else if (b === 0xf4) {
      need = 3;
      hi = 0x8f;
    } else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else return i;
    if (i + need >= n) return i;
    const c = buf[i + 1] as number;
    if (c < lo || c > hi) return i;
    for (let k = 2; k <= need; k++) {
      const d = buf[i + k] as number;
      if (d < 0x80 || d > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Length of `buf` without a trailing incomplete (but so far plausible) multi-byte sequence. */
function completeLength(buf: Buffer): number {
  const n = buf.length;
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = buf[i] as number;
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return n;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    return i + size > n ? i : n;
  }
  return n;
}

/** Throws when the head of the file (BOM already removed) looks like UTF-16 or binary data. */
function inspectHead(head: Buffer): void {
  if (head.length === 0) return;
  let nul = 0;
  let nulOdd = 0;
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i] as number;
    if (b === 0) {
      nul++;
      if (i & 1) nulOdd++;
    } else if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) {
      controls++;
    }
  }
  // UTF-16 without a BOM: every other byte of ASCII text is NUL.
  if (head.length >= 4 && nul >= head.length * 0.3) {
    const share = nulOdd / nul;
    if (share > 0.9 || share < 0.1) throw utf16Error();
  }
  if (nul > 0 || controls > head.length * 0.1) {
    throw new DomainError(
      'BAD_REQUEST',
      'This looks like a binary file, not CSV or text; export the sheet as CSV (UTF-8) and upload that',
    );
  }
}

/**
 * Validated UTF-8 chunks of the upload. Every error is a DomainError; the source is closed
 * (`return()`, which destroys a Node stream) whenever this generator ends, normally or not.
 */
export async function* decodeUpload(
  source: UploadSource,
  options: DecodeOptions,
  progress: DecodeProgress,
): AsyncGenerator<Buffer, void, undefined> {
  const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  const latin1 = options.encoding === 'latin1';
  let head: Buffer[] | null = [];
  let headLength = 0;
  let carry: Buffer | null = null;
  // File offset of the first byte not yet validated (the start of `carry`).
  let offset = 0;

  const invalid = (at: number) =>
    new DomainError(
      'BAD_REQUEST',
      `The file is not valid UTF-8 (first bad byte at offset ${at}); save it as UTF-8 or choose Latin-1`,
      { offset: at },
    );

  // Validates or transcodes one chunk; returns what can be emitted now.
  const convert = (chunk: Buffer): Buffer | null => {
    if (latin1) {
      offset += chunk.length;
      return chunk.length === 0 ? null : Buffer.from(chunk.toString('latin1'), 'utf8');
    }
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const start = offset;
    const cut = completeLength(buf);
    const whole = buf.subarray(0, cut);
    if (!isUtf8(whole)) {
      const at = firstInvalidUtf8(whole);
      throw invalid(start + Math.max(at, 0));
    }
    carry = cut < buf.length ? Buffer.from(buf.subarray(cut)) : null;
    offset = start + cut;
    return whole.length === 0 ? null : whole;
  };

  // The first HEAD_BYTES: BOM, UTF-16 and binary checks.
  const openHead = (): Buffer | null => {
    let buf = Buffer.concat(head ?? []);
    head = null;
    if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) throw utf16Error();
    if (buf[0] === UTF8_BOM[0] && buf[1] === UTF8_BOM[1] && buf[2] === UTF8_BOM[2]) {
      buf = buf.subarray(3);
      offset = 3;
    }
    inspectHead(buf.subarray(0, HEAD_BYTES));
    return convert(buf);
  };

  try {
    for (;;) {
      let step: IteratorResult<unknown>;
      try {
        step = await iterator.next();
      } catch (error) {
        if (error instanceof DomainError) throw error;
        throw cutOffError(error);
      }
      if (step.done) break;
      const chunk = toBuffer(step.value);
      progress.bytes += chunk.length;
      if (progress.bytes > options.maxBytes) {
        throw new DomainError(
          'PAYLOAD_TOO_LARGE',
          `The file is larger than ${formatBytes(options.maxBytes)} (the limit)`,
          { maxBytes: options.maxBytes },
        );
      }
      if (head) {
        head.push(chunk);
        headLength += chunk.length;
        if (headLength < HEAD_BYTES + UTF8_BOM.length) continue;
        const out = openHead();
        if (out) yield out;
        continue;
      }
      const out = convert(chunk);
      if (out) yield out;
    }
    if (head) {
      const out = openHead();
      if (out) yield out;
    }
    if (carry) throw invalid(offset);
  } finally {
    // Closes (destroys) the source on every exit; an error while closing adds nothing useful.
    await iterator.return?.().catch(() => undefined);
  }
}
