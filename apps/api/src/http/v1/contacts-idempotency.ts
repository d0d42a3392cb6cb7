// Idempotency-Key for the creating POSTs of /v1's contacts, lists, subscriptions and suppressions (IETF
// httpapi-idempotency-key-header, as POST /jobs): a repeat of a key within 24 hours, with the same
// request, answers 200 `idempotent-replayed: true` with the resource the first request made (read again
// now: no personal data is kept beside the key, and an erased contact is simply gone); another request
// under the key is 422 IDEMPOTENCY_KEY_REUSED; a repeat while the first still runs is 409 CONFLICT.
// Records live in the key-value store: they only make retries safe, losing one loses no data. A failed
// request records nothing, so it can be sent again under the same key.
import { createHash } from 'node:crypto';
import { ZIdempotencyKey } from '@postern/contracts';
import { DomainError } from '@postern/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { parseInput } from '../shared/errors.ts';
import { jsonFingerprint } from '../shared/idempotency.ts';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/** Longest a first request may hold its key before a repeat is let through. */
const IN_FLIGHT_SECONDS = 60;

/** The header as the OpenAPI document shows it. */
export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .optional()
    .describe(
      'Printable ASCII, at most 255 characters: a repeat within 24 hours with the same body answers the first result (200, idempotent-replayed: true)',
    ),
});

interface Stored {
  /** Fingerprint of the first request, salted with the key (so it says nothing about the body alone). */
  f: string;
  /** The id of what it made: read again on a replay. */
  ref: string;
}

export interface IdempotentCreation<T> {
  deps: ApiDeps;
  req: FastifyRequest;
  reply: FastifyReply;
  workspaceId: string;
  body: unknown;
  /** Makes the resource; `ref` names it for a replay. */
  run(): Promise<{ body: T; ref: string }>;
  /** The resource named `ref`, as it is now. */
  replay(ref: string): Promise<T>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Runs a creation under the request's Idempotency-Key (or plainly without one): 201, or 200 on a replay. */
export async function idempotentCreate<T>(c: IdempotentCreation<T>): Promise<T> {
  const header = c.req.headers['idempotency-key'];
  if (header === undefined) {
    const made = await c.run();
    c.reply.code(201);
    return made.body;
  }
  const key = parseInput(ZIdempotencyKey, header, 'Idempotency-Key');
  const kv = c.deps.kv;
  const slot = `idem:v1:${c.workspaceId}:${sha256(key)}`;
  const fingerprint = sha256(`${key}\n${jsonFingerprint(c.req, c.body)}`);
  const stored = readStored(await kv.get(slot));
  if (stored) return replayed(c, stored, fingerprint, key);
  if ((await kv.incr(`${slot}:lock`, IN_FLIGHT_SECONDS)) > 1) {
    // Another request under this key is running (or just finished): its record decides.
    const done = readStored(await kv.get(slot));
    if (done) return replayed(c, done, fingerprint, key);
    throw new DomainError(
      'CONFLICT',
      'A request with this Idempotency-Key is still being processed; retry in a moment',
      { idempotencyKey: key },
    );
  }
  try {
    const made = await c.run();
    await kv.set(
      slot,
      JSON.stringify({ f: fingerprint, ref: made.ref } satisfies Stored),
      IDEMPOTENCY_TTL_SECONDS,
    );
    c.reply.code(201);
    return made.body;
  } finally {
    await kv.del(`${slot}:lock`);
  }
}

async function replayed<T>(c: IdempotentCreation<T>, stored: Stored, fingerprint: string, key: string) {
  if (stored.f !== fingerprint) {
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different request (another body or path); use a new key for a new request',
      { idempotencyKey: key },
    );
  }
  const body = await c.replay(stored.ref);
  c.reply.code(200).header('idempotent-replayed', 'true');
  return body;
}

function readStored(text: string | null): Stored | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as Partial<Stored>;
    return typeof value.f === 'string' && typeof value.ref === 'string'
      ? { f: value.f, ref: value.ref }
      : null;
  } catch {
    return null;
  }
}
