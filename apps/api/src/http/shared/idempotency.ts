// Fingerprints of job creations under an Idempotency-Key (IETF httpapi-idempotency-key-header): a
// repeat of a key is answered with the first job only when it is the same request — the same method,
// path and content — and refused with 422 IDEMPOTENCY_KEY_REUSED otherwise (core bulk/idempotency.ts).
// The content is what the job is made from, not the raw bytes: a JSON body's parsed value, or an
// upload's option fields and file bytes (a multipart boundary differs on every request).
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** JSON text with object keys sorted, so two spellings of one value agree. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprint(req: FastifyRequest, kind: string, contentDigest: string): string {
  const path = req.url.split('?')[0] ?? req.url;
  return sha256([req.method, path, kind, contentDigest].join('\n'));
}

/** A JSON creation: its parsed body. */
export function jsonFingerprint(req: FastifyRequest, body: unknown): string {
  return fingerprint(req, 'application/json', sha256(canonicalJson(body)));
}

/** An upload: its option fields and the SHA-256 of its file's bytes. */
export function uploadFingerprint(req: FastifyRequest, options: unknown, fileDigest: string): string {
  return fingerprint(req, 'multipart/form-data', sha256(`${canonicalJson(options)}\n${fileDigest}`));
}
