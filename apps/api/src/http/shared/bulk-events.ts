// A bulk job's progress as server-sent events (bulk.ts `events`): the job's row is re-read every
// `pollMs` (one cheap single-row read, see core readBulkProgress); a `progress` event goes out when
// something changed, `done` when the job has ended, `error` when it was deleted meanwhile.
import type { BulkProgressEvent } from '@postern/contracts';
import { DomainError } from '@postern/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStreams } from './sse.ts';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

export interface ProgressStream {
  streams: EventStreams;
  pollMs: number;
  keepAliveMs: number;
  /** The job's progress now, or null once it is gone. */
  read: () => Promise<BulkProgressEvent | null>;
}

/** Answers `reply` with the job's progress events until it ends, is deleted, or the client goes. */
export async function streamProgress(
  s: ProgressStream,
  jobId: string,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const first = await s.read();
  if (!first) throw new DomainError('NOT_FOUND', 'No such bulk job');
  let timer: NodeJS.Timeout | undefined;
  let lastKey = '';
  const stream = s.streams.open(reply, { keepAliveMs: s.keepAliveMs, onStop: () => clearTimeout(timer) });
  const publish = (p: BulkProgressEvent) => {
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
      const next = await s.read();
      if (stream.stopped) return;
      if (!next) {
        stream.send('error', { code: 'NOT_FOUND', message: 'The job was deleted' });
        stream.stop();
        return;
      }
      if (!publish(next)) return;
    } catch (error) {
      req.log.warn({ err: error, jobId }, 'bulk job event poll failed');
    }
    if (!stream.stopped) timer = setTimeout(tick, s.pollMs);
  };
  if (publish(first)) timer = setTimeout(tick, s.pollMs);
  return reply;
}
