// Multipart uploads: @fastify/multipart registered streaming (limits from configuration), the option
// fields read up to the one `file` part, and the file handed on as a byte source whose end also checks
// that nothing follows it. The multipart parser's errors become DomainErrors with a message for a person.
import { createHash } from 'node:crypto';
import fastifyMultipart, { type Multipart, type MultipartFile } from '@fastify/multipart';
import { ZBulkJobOptions } from '@postern/contracts';
import { DomainError, formatBytes } from '@postern/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseInput } from './errors.ts';

/** The option fields a multipart upload may carry (before its file part). */
export const FORM_FIELDS = ['name', 'depth', 'column', 'format', 'encoding', 'dedupe', 'metadata'] as const;
type FormField = (typeof FORM_FIELDS)[number];

/** Room for the option fields and part headers around the file in a multipart body. */
export const MULTIPART_OVERHEAD = 64 * 1024;

/** The streaming multipart parser of an upload route: `fieldCount` option fields and one `file` part. */
export async function registerMultipart(
  scope: FastifyInstance,
  maxBytes: number,
  fieldCount: number = FORM_FIELDS.length,
): Promise<void> {
  await scope.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    // A part named "file" is the upload even without a filename (curl -F file=<list.csv).
    isPartAFile: (fieldName, _contentType, fileName) => fieldName === 'file' || fileName !== undefined,
    limits: {
      // One byte over the limit reaches the extractor, which answers PAYLOAD_TOO_LARGE.
      fileSize: maxBytes + 1,
      files: 2,
      fields: fieldCount + 2,
      parts: fieldCount + 4,
      fieldNameSize: 100,
      fieldSize: 16 * 1024,
      headerPairs: 50,
    },
  });
}

export const tooLarge = (maxBytes: number) =>
  new DomainError('PAYLOAD_TOO_LARGE', `The file is larger than ${formatBytes(maxBytes)} (the limit)`, {
    maxBytes,
  });

/** Errors of the multipart parser -> DomainErrors with a message for a person. */
export function multipartFailure(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_FILES_LIMIT':
      return new DomainError(
        'VALIDATION_FAILED',
        `Too many form parts: send the option fields (${FORM_FIELDS.join(', ')}) and then one file part named "file"`,
      );
    case 'FST_PROTO_VIOLATION':
      return new DomainError('VALIDATION_FAILED', 'A form field has a forbidden name');
    case 'FST_INVALID_JSON_FIELD_ERROR':
      return new DomainError('VALIDATION_FAILED', 'metadata: must be a JSON object');
    case 'FST_MP_PREMATURE_CLOSE':
      return new DomainError(
        'BAD_REQUEST',
        'The upload was cut off before the end of the file; upload it again',
      );
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new DomainError('BAD_REQUEST', 'The request is not multipart/form-data');
  }
  const message = error instanceof Error ? error.message : '';
  if (/end of (form|multipart)|terminated early|boundary/i.test(message)) {
    return new DomainError('BAD_REQUEST', `The multipart body is malformed or cut off (${message})`);
  }
  return error;
}

/** Form field values (strings) -> the shape ZBulkJobOptions takes. */
function formOptions(fields: Map<FormField, string>, filename: string | undefined): unknown {
  const raw: Record<string, unknown> = {};
  for (const [name, value] of fields) {
    switch (name) {
      case 'column':
        raw.column = /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : value;
        break;
      case 'dedupe':
        raw.dedupe = value === 'true' ? true : value === 'false' ? false : value;
        break;
      case 'metadata':
        try {
          raw.metadata = JSON.parse(value);
        } catch {
          throw new DomainError('VALIDATION_FAILED', 'metadata: must be a JSON object (as a string)');
        }
        break;
      default:
        raw[name] = value;
    }
  }
  if (raw.name === undefined && filename) {
    const name = filename.trim().slice(0, 200);
    if (name) raw.name = name;
  }
  return raw;
}

async function nextPart(parts: AsyncIterableIterator<Multipart>): Promise<IteratorResult<Multipart>> {
  try {
    return await parts.next();
  } catch (error) {
    throw multipartFailure(error);
  }
}

export interface UploadForm {
  options: ReturnType<typeof ZBulkJobOptions.parse>;
  file: MultipartFile['file'];
  /** The file's bytes; after its end, fails unless nothing follows the file part. */
  source: AsyncGenerator<Buffer>;
  /** SHA-256 (hex) of the file's bytes; complete once `source` has ended. */
  fileDigest(): string;
}

/**
 * Reads the option fields up to the file part. `onFilePart` receives it as soon as it is found
 * (so a failure can stop it). Throws VALIDATION_FAILED for an unknown, repeated or too long field,
 * a file part under another name, or no file.
 */
export async function readUploadForm(
  req: FastifyRequest,
  maxBytes: number,
  onFilePart: (file: MultipartFile['file']) => void,
): Promise<UploadForm> {
  const parts = req.parts();
  const fields = new Map<FormField, string>();
  let filePart: MultipartFile | undefined;
  for (;;) {
    const step = await nextPart(parts);
    if (step.done) break;
    const part = step.value;
    if (part.type === 'file') {
      if (part.fieldname !== 'file') {
        throw new DomainError(
          'VALIDATION_FAILED',
          `Unexpected file part "${part.fieldname}": send the file as the part named "file"`,
        );
      }
      filePart = part;
      onFilePart(part.file);
      break;
    }
    const name = part.fieldname as FormField;
    if (!FORM_FIELDS.includes(name)) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Unknown form field "${part.fieldname.slice(0, 50)}"; the fields are ${FORM_FIELDS.join(', ')} and the file part "file"`,
      );
    }
    if (fields.has(name)) throw new DomainError('VALIDATION_FAILED', `The field "${name}" is sent twice`);
    if (part.valueTruncated) throw new DomainError('VALIDATION_FAILED', `The field "${name}" is too long`);
    // A part sent as application/json arrives parsed: keep its JSON text.
    fields.set(name, typeof part.value === 'string' ? part.value : JSON.stringify(part.value));
  }
  if (!filePart) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'No file: send the option fields, then the file as a multipart part named "file"',
    );
  }
  const options = parseInput(ZBulkJobOptions, formOptions(fields, filePart.filename), 'form');
  const file = filePart.file;
  const hash = createHash('sha256');
  let digest: string | undefined;
  const source = (async function* () {
    for await (const chunk of file) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
    if (file.truncated) throw tooLarge(maxBytes);
    const next = await nextPart(parts);
    if (!next.done) {
      const extra = next.value;
      if (extra.type === 'file') extra.file.resume();
      throw new DomainError(
        'VALIDATION_FAILED',
        extra.type === 'file'
          ? 'Send exactly one file per job (a second file part was sent)'
          : `The field "${extra.fieldname.slice(0, 50)}" comes after the file: send option fields before the file part`,
      );
    }
  })();
  const fileDigest = () => {
    digest ??= hash.digest('hex');
    return digest;
  };
  return { options, file, source, fileDigest };
}
