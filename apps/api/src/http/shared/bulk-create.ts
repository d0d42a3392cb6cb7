// Creating a bulk job over plain HTTP (/v1/jobs and the dashboard's upload), one implementation:
// - multipart/form-data streamed from the socket into the core's extractor (option fields first, then
//   one `file` part; never buffered whole or written to disk). The core stages it in short statements
//   and creates the job in one short transaction at the end: no database connection is held while the
//   client sends. Over the byte limit → 413 as the bytes arrive; the rest is dropped (body.ts).
// - or a JSON body `{ emails: [...] }`, limited to BULK_MAX_JSON_BYTES (larger lists go as a file).
// - Idempotency-Key: a repeat (also one sent while the first still uploads) answers the first job with
//   200 and `idempotent-replayed: true`; its body is read and dropped.
import { ZCreateBulkJobJson, ZIdempotencyKey } from '@postern/contracts';
import {
  type Actor,
  type BulkJobView,
  type CoreContext,
  type CreateBulkJobInput,
  coreContext,
  createBulkJob,
  DomainError,
  findJobByIdempotencyKey,
  type RequestMeta,
} from '@postern/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApiDeps, coreServicesOf } from '../../deps.ts';
import { discardRestOfBody, holdBodyRate } from './body.ts';
import { parseInput } from './errors.ts';
import { MULTIPART_OVERHEAD, multipartFailure, readUploadForm, tooLarge } from './multipart.ts';

/** Who is acting on which workspace, resolved by the surface (API key or session). */
export interface BulkCaller {
  workspaceId: string;
  /** The signed-in member; null for an API key. */
  actorId: string | null;
  apiKeyId: string | null;
  meta: RequestMeta;
}

/** The core context of one bulk request by `caller`: a fresh EntityManager fork, the caller as actor. */
export function bulkCore(deps: ApiDeps, caller: BulkCaller): CoreContext {
  const actor: Actor | null = caller.apiKeyId
    ? { kind: 'api_key', keyId: caller.apiKeyId, workspaceId: caller.workspaceId }
    : caller.actorId
      ? { kind: 'user', userId: caller.actorId }
      : null;
  return coreContext(coreServicesOf(deps), { em: deps.orm.em.fork(), actor, meta: caller.meta });
}

/** An array the extractor iterates; records that it did (Array.isArray stays true). */
function trackedArray(values: unknown[], state: { read: boolean }): unknown[] {
  return new Proxy(values, {
    get(target, property, receiver) {
      if (property === Symbol.iterator || property === 'length') state.read = true;
      return Reflect.get(target, property, receiver);
    },
  });
}

const cutOff = () =>
  new DomainError('BAD_REQUEST', 'The upload was cut off before the end of the file; upload it again');

/** The 413 of a JSON body over its limit says where larger lists go. */
export const jsonTooLargeMessage = (maxJsonBytes: number) =>
  `A JSON job body may be at most ${Math.floor(maxJsonBytes / 1024)} KiB; send a larger list as a multipart/form-data upload (a "file" part, up to the upload limit)`;

/** What every creation of one API process shares: its deps, the limits, how a job is answered. */
interface Creation {
  deps: ApiDeps;
  dto: (view: BulkJobView) => unknown;
  maxBytes: number;
  /** A replay's body is dropped as it arrives, to its end (at most the upload limit), no time limit. */
  replayBody: { maxBytes: number; lingerMs: null };
}

const replay = (c: Creation, reply: FastifyReply, view: BulkJobView) =>
  reply.code(200).header('idempotent-replayed', 'true').send(c.dto(view));

/** The options of a creation that come from the deployment and the request, not from the body. */
function commonInput(c: Creation, req: FastifyRequest, idempotencyKey: string | null) {
  const { config } = c.deps;
  return {
    maxRows: config.bulkMaxRows,
    idempotencyKey,
    maxConcurrentUploads: config.bulkMaxConcurrentUploads,
    maxPendingAddressesPerAccount: config.bulkMaxPendingAddressesPerAccount,
    // No request lasts longer: past it, a staged upload stops looking alive (the sweeper's cue).
    maxUploadMs: config.http.requestTimeoutMs,
    onWaiting: (waiting: boolean) => holdBodyRate(req, waiting),
  } satisfies Partial<CreateBulkJobInput>;
}

async function fromUpload(
  c: Creation,
  caller: BulkCaller,
  key: string | null,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const { maxBytes } = c;
  // A declared length far over the limit is refused before any byte is read.
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);
  let file: { destroyed: boolean; destroy(error?: Error): void } | undefined;
  // A client gone mid-file (or cut for being too slow) must fail the extraction, so what was staged
  // is removed at once: the parser alone would leave the file stream waiting for bytes forever.
  const onClose = () => {
    if (!req.raw.complete && file && !file.destroyed) file.destroy(cutOff());
  };
  req.raw.once('close', onClose);
  try {
    const form = await readUploadForm(req, maxBytes, (f) => {
      file = f;
      if (req.raw.destroyed && !req.raw.complete) f.destroy(cutOff());
    });
    const { options } = form;
    const view = await createBulkJob(bulkCore(c.deps, caller), caller.workspaceId, {
      ...commonInput(c, req, key),
      source: form.source,
      depth: options.depth,
      dedupe: options.dedupe,
      format: options.format,
      encoding: options.encoding,
      ...(options.column !== undefined ? { column: options.column } : {}),
      name: options.name ?? null,
      metadata: options.metadata ?? null,
      maxBytes,
    });
    if (key && !form.wasRead()) {
      // Another request with this key created the job while this one waited: a replay.
      form.file.destroy();
      discardRestOfBody(req, reply, c.replayBody);
      return replay(c, reply, view);
    }
    return reply.code(201).send(c.dto(view));
  } catch (error) {
    if (file && !file.destroyed) file.destroy();
    discardRestOfBody(req, reply);
    throw multipartFailure(error);
  } finally {
    req.raw.off('close', onClose);
  }
}

async function fromJson(
  c: Creation,
  caller: BulkCaller,
  key: string | null,
  req: FastifyRequest,
  reply: FastifyReply,
) {
  const input = parseInput(ZCreateBulkJobJson, req.body);
  const state = { read: false };
  const view = await createBulkJob(bulkCore(c.deps, caller), caller.workspaceId, {
    ...commonInput(c, req, key),
    source: trackedArray(input.emails, state),
    depth: input.depth,
    dedupe: input.dedupe,
    name: input.name ?? null,
    metadata: input.metadata ?? null,
  });
  if (key && !state.read) return replay(c, reply, view);
  return reply.code(201).send(c.dto(view));
}

export function createJobHandler(deps: ApiDeps, dto: (view: BulkJobView) => unknown) {
  const maxBytes = deps.config.bulkMaxUploadBytes;
  const c: Creation = {
    deps,
    dto,
    maxBytes,
    replayBody: { maxBytes: maxBytes + MULTIPART_OVERHEAD, lingerMs: null },
  };
  return async (caller: BulkCaller, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const header = req.headers['idempotency-key'];
    const key = header === undefined ? null : parseInput(ZIdempotencyKey, header, 'Idempotency-Key');
    if (key) {
      const existing = await findJobByIdempotencyKey(bulkCore(deps, caller), caller.workspaceId, key);
      if (existing) {
        discardRestOfBody(req, reply, c.replayBody);
        return replay(c, reply, existing);
      }
    }
    if (req.isMultipart()) return fromUpload(c, caller, key, req, reply);
    return fromJson(c, caller, key, req, reply);
  };
}
