// A bulk job's progress as server-sent events (bulk.ts `events`): the job's row is re-read every
// `pollMs` (one cheap single-row read, see core readBulkProgress); a `progress` event goes out when
// something changed, `done` when the job has ended, `error` when it was deleted meanwhile.
// A stream may stay open for hours: every `reauthMs` it authorises its caller again with the
// surface's own resolution (registered per request by v1/jobs.ts and dashboard/jobs.ts), so a revoked
// key or session, a removed member, a suspended workspace or a disabled account stops receiving the
// job's progress: `error` with the code the HTTP API would answer, then the stream ends.
import type { BulkProgressEvent } from '@postern/contracts';
import { DomainError, isDomainError } from '@postern/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStream, EventStreams } from './sse.ts';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** The surface's authorisation of a stream's caller, run again while it is open; throws its refusal. */
export type Reauthorize = () => Promise<unknown>;

const reauthorizers = new WeakMap<FastifyRequest, Reauthorize>();

/** Registers how `req`'s caller is authorised again while its event stream is open. */
export function reauthorizeStreamWith(req: FastifyRequest, reauthorize: Reauthorize): void {
  reauthorizers.set(req, reauthorize);
}

/** The re-check the surface registered for `req`, if any. */
export function streamReauthorizer(req: FastifyRequest): Reauthorize | undefined {
  return reauthorizers.get(req);
}

export interface ProgressStream {
  streams: EventStreams;
  pollMs: number;
  keepAliveMs: number;
  /** How often the caller is authorised again (the check is due at the first poll after that). */
  reauthMs: number;
  /** The job's progress now, or null once it is gone. */
  read: () => Promise<BulkProgressEvent | null>;
  /** Null only for an internal caller (neither a key nor a member). */
  reauthorize: Reauthorize | null;
}

/**
 * Runs the re-check: true when the caller may still listen. A refusal is sent as `error` and ends the
 * stream; a check that could not answer (database or Redis down) ends it without an event: the client
 * falls back to polling, which goes through the full authorisation of a request.
 */
async function stillAllowed(
  reauthorize: Reauthorize,
  stream: EventStream,
  req: FastifyRequest,
  jobId: string,
): Promise<boolean> {
  try {
    await reauthorize();
    return true;
  } catch (error) {
    if (stream.stopped) return false;
    if (isDomainError(error) && error.code !== 'INTERNAL') {
      req.log.info({ jobId, code: error.code }, 'bulk job event stream refused on re-check');
      stream.send('error', { code: error.code, message: error.message });
    } else req.log.warn({ err: error, jobId }, 'bulk job event stream re-check failed; closing it');
    stream.stop();
    return false;
  }
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
  let recheckAt = performance.now() + s.reauthMs;
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
    if (s.reauthorize && performance.now() >= recheckAt) {
      if (!(await stillAllowed(s.reauthorize, stream, req, jobId)) || stream.stopped) return;
      recheckAt = performance.now() + s.reauthMs;
    }
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
