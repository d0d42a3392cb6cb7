// Bulk verification jobs over plain HTTP, ONE implementation behind both the public API (/v1/jobs,
// API keys) and the dashboard's plain-HTTP routes (/api/w/:workspaceId/jobs…, session cookie): each
// surface resolves its caller and calls in here. Creation is bulk-create.ts; progress reads and
// result formatting are the core's (results-out.ts).
import { Readable } from 'node:stream';
import type { BulkDownloadFormat, BulkJobDto, BulkResultFilter, BulkResultsPage } from '@postern/contracts';
import {
  type BulkJobView,
  bulkDownload,
  bulkJobDto,
  type CoreContext,
  cancelBulkJob,
  DOWNLOAD_CONTENT_TYPES,
  DomainError,
  deleteBulkJob,
  downloadDisposition,
  getBulkJob,
  listBulkJobs,
  readBulkProgress,
  readBulkResultsPage,
  retryUnknownResults,
} from '@postern/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { type BulkCaller, bulkCore, createJobHandler } from './bulk-create.ts';
import { streamProgress, streamReauthorizer } from './bulk-events.ts';
import { EventStreams } from './sse.ts';

export type { BulkCaller } from './bulk-create.ts';

/** How often an event stream re-reads its job's row. */
const EVENTS_POLL_MS = 500;
const EVENTS_KEEPALIVE_MS = 15_000;
/**
 * How often an open event stream authorises its caller again (bulk-events.ts). A key's re-check is one
 * Redis round trip (its record cached 5 s per process); a session's reads the session, the user and the
 * membership (about four single-row queries), so a few seconds, not every poll.
 */
export const EVENTS_REAUTH_MS = 5_000;
const ZJobId = z.uuid();

export interface BulkHttp {
  create(caller: BulkCaller, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  list(
    caller: BulkCaller,
    query: { cursor?: string | undefined; limit: number },
  ): Promise<{
    jobs: BulkJobDto[];
    nextCursor: string | null;
  }>;
  get(caller: BulkCaller, jobId: string): Promise<BulkJobDto>;
  results(
    caller: BulkCaller,
    jobId: string,
    query: { after: number; limit: number; status?: BulkResultFilter | undefined },
  ): Promise<BulkResultsPage>;
  cancel(caller: BulkCaller, jobId: string): Promise<BulkJobDto>;
  retry(caller: BulkCaller, jobId: string): Promise<BulkJobDto>;
  remove(caller: BulkCaller, jobId: string): Promise<void>;
  events(caller: BulkCaller, jobId: string, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  download(
    caller: BulkCaller,
    jobId: string,
    query: { format: BulkDownloadFormat; status?: BulkResultFilter | undefined },
    reply: FastifyReply,
  ): Promise<FastifyReply>;
  /** Ends every open event stream (on shutdown, so the server can finish closing). */
  closeStreams(): void;
}

const jobIdOf = (jobId: string) => {
  if (!ZJobId.safeParse(jobId).success) throw new DomainError('NOT_FOUND', 'No such bulk job');
  return jobId;
};

/** Every result of a job in `format`, streamed a page at a time (core bulkDownload). */
async function sendDownload(
  core: CoreContext,
  workspaceId: string,
  jobId: string,
  query: { format: BulkDownloadFormat; status?: BulkResultFilter | undefined },
  reply: FastifyReply,
): Promise<FastifyReply> {
  const job = await getBulkJob(core, workspaceId, jobId);
  const body = bulkDownload(core, workspaceId, jobId, query);
  return reply
    .header('content-type', DOWNLOAD_CONTENT_TYPES[query.format])
    .header('content-disposition', downloadDisposition(job.name, jobId, query.format))
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(Readable.from(body));
}

export function createBulkHttp(
  deps: ApiDeps,
  options: { pollMs?: number; keepAliveMs?: number; reauthMs?: number } = {},
): BulkHttp {
  const streams = new EventStreams();
  const pollMs = options.pollMs ?? EVENTS_POLL_MS;
  const keepAliveMs = options.keepAliveMs ?? EVENTS_KEEPALIVE_MS;
  const reauthMs = options.reauthMs ?? EVENTS_REAUTH_MS;
  const core = (caller: BulkCaller) => bulkCore(deps, caller);
  const dto = (view: BulkJobView) => bulkJobDto(view, deps.clock.now());
  // The one-row progress read runs on the root EntityManager's connection: no fork, no identity map.
  const progress = (caller: BulkCaller, id: string) =>
    readBulkProgress({ em: deps.orm.em, clock: deps.clock }, caller.workspaceId, id);

  return {
    create: createJobHandler(deps, dto),

    async list(caller, query) {
      const page = await listBulkJobs(core(caller), caller.workspaceId, {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return { jobs: page.jobs.map(dto), nextCursor: page.nextCursor };
    },

    async get(caller, jobId) {
      return dto(await getBulkJob(core(caller), caller.workspaceId, jobIdOf(jobId)));
    },

    async results(caller, jobId, query) {
      return readBulkResultsPage(core(caller), caller.workspaceId, jobIdOf(jobId), query);
    },

    async cancel(caller, jobId) {
      return dto(await cancelBulkJob(core(caller), caller.workspaceId, jobIdOf(jobId)));
    },

    async retry(caller, jobId) {
      return dto(await retryUnknownResults(core(caller), caller.workspaceId, jobIdOf(jobId)));
    },

    async remove(caller, jobId) {
      await deleteBulkJob(core(caller), caller.workspaceId, jobIdOf(jobId));
    },

    async events(caller, jobId, req, reply) {
      const id = jobIdOf(jobId);
      // Fails closed: a key's or a member's stream whose surface registered no re-check is a bug (500).
      const reauthorize = streamReauthorizer(req) ?? null;
      if (!reauthorize && (caller.apiKeyId || caller.actorId))
        throw new Error('an event stream of a key or a member without its re-check');
      return streamProgress(
        { streams, pollMs, keepAliveMs, reauthMs, reauthorize, read: () => progress(caller, id) },
        id,
        req,
        reply,
      );
    },

    async download(caller, jobId, query, reply) {
      return sendDownload(core(caller), caller.workspaceId, jobIdOf(jobId), query, reply);
    },

    closeStreams() {
      streams.closeAll();
    },
  };
}
