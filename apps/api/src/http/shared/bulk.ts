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
  bulkResultItem,
  cancelBulkJob,
  DOWNLOAD_CONTENT_TYPES,
  DomainError,
  deleteBulkJob,
  downloadDisposition,
  getBulkJob,
  listBulkJobs,
  readBulkProgress,
  readBulkResults,
  retryUnknownResults,
} from '@postern/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../../deps.ts';
import { type BulkCaller, createJobHandler } from './bulk-create.ts';
import { EventStreams } from './sse.ts';

export type { BulkCaller } from './bulk-create.ts';

/** How often an event stream re-reads its job's row. */
const EVENTS_POLL_MS = 500;
const EVENTS_KEEPALIVE_MS = 15_000;
const ENDED = new Set(['completed', 'failed', 'cancelled']);
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

export function createBulkHttp(
  deps: ApiDeps,
  options: { pollMs?: number; keepAliveMs?: number } = {},
): BulkHttp {
  const pollMs = options.pollMs ?? EVENTS_POLL_MS;
  const keepAliveMs = options.keepAliveMs ?? EVENTS_KEEPALIVE_MS;
  const streams = new EventStreams();
  const fork = () => deps.orm.em.fork();
  const ctx = () => ({ em: fork(), keyring: deps.keyring, clock: deps.clock, boss: deps.boss });
  const dto = (view: BulkJobView) => bulkJobDto(view, deps.clock.now());
  const jobIdOf = (jobId: string) => {
    if (!ZJobId.safeParse(jobId).success) throw new DomainError('NOT_FOUND', 'No such bulk job');
    return jobId;
  };
  const actor = (caller: BulkCaller) => ({
    actorId: caller.actorId,
    apiKeyId: caller.apiKeyId,
    meta: caller.meta,
  });
  // The one-row progress read runs on the root EntityManager's connection: no fork, no identity map.
  const progress = (caller: BulkCaller, id: string) =>
    readBulkProgress(deps.orm.em, caller.workspaceId, id, deps.clock.now());

  return {
    create: createJobHandler(deps, dto),

    async list(caller, query) {
      const page = await listBulkJobs(fork(), caller.workspaceId, {
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      });
      return { jobs: page.jobs.map(dto), nextCursor: page.nextCursor };
    },

    async get(caller, jobId) {
      return dto(await getBulkJob(fork(), caller.workspaceId, jobIdOf(jobId)));
    },

    async results(caller, jobId, query) {
      const page = await readBulkResults(fork(), deps.keyring, caller.workspaceId, jobIdOf(jobId), {
        afterSeq: query.after,
        limit: query.limit,
        ...(query.status ? { status: query.status } : {}),
      });
      return { items: page.items.map(bulkResultItem), nextAfter: page.nextAfterSeq };
    },

    async cancel(caller, jobId) {
      return dto(await cancelBulkJob(ctx(), caller.workspaceId, jobIdOf(jobId), actor(caller)));
    },

    async retry(caller, jobId) {
      return dto(await retryUnknownResults(ctx(), caller.workspaceId, jobIdOf(jobId), actor(caller)));
    },

    async remove(caller, jobId) {
      await deleteBulkJob(
        { em: fork(), clock: deps.clock },
        caller.workspaceId,
        jobIdOf(jobId),
        actor(caller),
      );
    },

    async events(caller, jobId, req, reply) {
      const id = jobIdOf(jobId);
      const first = await progress(caller, id);
      if (!first) throw new DomainError('NOT_FOUND', 'No such bulk job');
      let timer: NodeJS.Timeout | undefined;
      let lastKey = '';
      const stream = streams.open(reply, { keepAliveMs, onStop: () => clearTimeout(timer) });
      const publish = (p: NonNullable<typeof first>) => {
        const key = `${p.status}|${p.total}|${p.processed}|${Object.values(p.counts).join(',')}`;
        if (key !== lastKey) {
          lastKey = key;
          stream.send('progress', p);
        }
        if (!ENDED.has(p.status)) return true;
        stream.send('done', p);
        stream.stop();
        return false;
      };
      const tick = async () => {
        if (stream.stopped) return;
        try {
          const next = await progress(caller, id);
          if (stream.stopped) return;
          if (!next) {
            stream.send('error', { code: 'NOT_FOUND', message: 'The job was deleted' });
            stream.stop();
            return;
          }
          if (!publish(next)) return;
        } catch (error) {
          req.log.warn({ err: error, jobId: id }, 'bulk job event poll failed');
        }
        if (!stream.stopped) timer = setTimeout(tick, pollMs);
      };
      if (publish(first)) timer = setTimeout(tick, pollMs);
      return reply;
    },

    async download(caller, jobId, query, reply) {
      const id = jobIdOf(jobId);
      const job = await getBulkJob(fork(), caller.workspaceId, id);
      const body = bulkDownload(fork, deps.keyring, caller.workspaceId, id, query);
      return reply
        .header('content-type', DOWNLOAD_CONTENT_TYPES[query.format])
        .header('content-disposition', downloadDisposition(job.name, id, query.format))
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(Readable.from(body));
    },

    closeStreams() {
      streams.closeAll();
    },
  };
}
