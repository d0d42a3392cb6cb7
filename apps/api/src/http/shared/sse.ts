// Server-sent events: a stream with `retry:`, numbered events, keep-alive comments and a registry so
// every open stream can be ended at shutdown (an event stream never ends by itself while a job runs).
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';

export interface EventStream {
  send(event: string, data: unknown): void;
  stop(): void;
  readonly stopped: boolean;
}

export class EventStreams {
  readonly #open = new Set<() => void>();

  /** Answers `reply` with an event stream; `onStop` runs once when it ends (client gone, stop, shutdown). */
  open(reply: FastifyReply, options: { keepAliveMs: number; onStop?: () => void }): EventStream {
    const stream = new PassThrough();
    let seq = 0;
    let stopped = false;
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), options.keepAliveMs);
    const stop = () => {
      if (stopped) return;
      stopped = true;
      clearInterval(keepAlive);
      this.#open.delete(stop);
      options.onStop?.();
      if (!stream.writableEnded) stream.end();
    };
    this.#open.add(stop);
    stream.on('close', stop);
    reply.raw.on('close', stop);
    stream.write('retry: 3000\n\n');
    reply
      .header('content-type', 'text/event-stream; charset=utf-8')
      .header('cache-control', 'no-cache, no-transform')
      .header('x-accel-buffering', 'no')
      .send(stream);
    return {
      send(event, data) {
        if (stopped) return;
        seq += 1;
        stream.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      stop,
      get stopped() {
        return stopped;
      },
    };
  }

  /** Ends every open stream. */
  closeAll(): void {
    for (const stop of [...this.#open]) stop();
  }
}
