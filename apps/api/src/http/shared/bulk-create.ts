// Creating a bulk job over plain HTTP (/v1/jobs and the dashboard's upload), one implementation:
// - multipart/form-data streamed from the socket into the core's extractor (option fields first, then
//   one `file` part; never buffered whole or written to disk). The core stages it in short statements
//   and creates the job in one short transaction at the end: no database connection is held while the
//   client sends. Over the byte limit → 413 as the bytes arrive; the rest is dropped (body.ts).
// - or a JSON body `{ emails: [...] }`, limited to BULK_MAX_JSON_BYTES (larger lists go as a file).
// - Idempotency-Key: a repeat (also one sent while the first still uploads) answers the first job with
//   200 and `idempotent-replayed: true` when it is the same request (idempotency.ts: method, path and
//   content); its body is read to compare it, and dropped. Another request under the key is 422.
import { ZCreateBulkJobJson, ZIdempotencyKey } from '@postern/contracts';
import {
  type Actor,
  assertSameIdempotentRequest,
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
import { jsonFingerprint, uploadFingerprint } from './idempotency.ts';
import { MULTIPART_OVERHEAD, multipartFailure, readUploadForm, tooLarge } from './multipart.ts';

/** Who is acting on which workspace, resolved by the surface (API key or session). */
export interface BulkCaller {
  workspaceId: string;
  /** The signed-in member; null for an API key. */
  actorId: string | null;
  apiKeyId: string | null;
  /** The acting API key's name (kept in audit entries). */
  apiKeyName?: string | null;
  meta: RequestMeta;
}

/** The core context of one bulk request by `caller`: a fresh EntityManager fork, the caller as actor. */
export function bulkCore(deps: ApiDeps, caller: BulkCaller): CoreContext {
  const actor: Actor | null = caller.apiKeyId
    ? {
        kind: 'api_key',
        keyId: caller.apiKeyId,
        workspaceId: caller.workspaceId,
        ...(caller.apiKeyName ? { name: caller.apiKeyName } : {}),
      }
    : caller.actorId
      ? { kind: 'user', userId: caller.actorId }
      : null;
  return coreContext(coreServicesOf(deps), { em: deps.orm.em.fork(), actor, meta: caller.meta });
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
  /** The job of a repeated key, when it existed before this request. */
  existing: BulkJobView | null,
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
    const fingerprint = () => uploadFingerprint(req, options, form.fileDigest());
    let replayed = existing !== null;
    const view =
      existing ??
      (await createBulkJob(bulkCore(c.deps, caller), caller.workspaceId, {
        ...commonInput(c, req, key),
        idempotencyFingerprint: fingerprint,
        onExisting: () => {
          replayed = true;
        },
        source: form.source,
        depth: options.depth,
        dedupe: options.dedupe,
        format: options.format,
        encoding: options.encoding,
        ...(options.column !== undefined ? { column: options.column } : {}),
        name: options.name ?? null,
        metadata: options.metadata ?? null,
        maxBytes,
      }));
    if (key && replayed) {
      // A repeat of the key (its job existed, was created while this one waited, or won the race to
      // be stored): the file is read to its end, not kept, and compared with the first request's.
      for await (const chunk of form.source) void chunk;
      await assertSameIdempotentRequest(bulkCore(c.deps, caller), caller.workspaceId, key, fingerprint());
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
  const fingerprint = jsonFingerprint(req, req.body);
  let replayed = false;
  const view = await createBulkJob(bulkCore(c.deps, caller), caller.workspaceId, {
    ...commonInput(c, req, key),
    idempotencyFingerprint: () => fingerprint,
    onExisting: () => {
      replayed = true;
    },
    source: input.emails,
    depth: input.depth,
    dedupe: input.dedupe,
    name: input.name ?? null,
    metadata: input.metadata ?? null,
  });
  if (key && replayed) {
    await assertSameIdempotentRequest(bulkCore(c.deps, caller), caller.workspaceId, key, fingerprint);
    return replay(c, reply, view);
  }
  return reply.code(201).send(c.dto(view));
}

export function createJobHandler(deps: ApiDeps, dto: (view: BulkJobView) => unknown) {
  const maxBytes = deps.config.bulkMaxUploadBytes;
  const c: Creation = {
    deps,
    dto,
    maxBytes,
  };
  return async (caller: BulkCaller, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const header = req.headers['idempotency-key'];
    const key = header === undefined ? null : parseInput(ZIdempotencyKey, header, 'Idempotency-Key');
    const existing = key
      ? await findJobByIdempotencyKey(bulkCore(deps, caller), caller.workspaceId, key)
      : null;
    if (req.isMultipart()) return fromUpload(c, caller, key, req, reply, existing);
    if (key && existing) {
      await assertSameIdempotentRequest(
        bulkCore(deps, caller),
        caller.workspaceId,
        key,
        jsonFingerprint(req, req.body),
      );
      return replay(c, reply, existing);
    }
    return fromJson(c, caller, key, req, reply);
  };
}
