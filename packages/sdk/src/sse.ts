// Reading a text/event-stream response: bytes -> text (UTF-8, split characters carried over) ->
// eventsource-parser (the WHATWG parsing rules: CR/LF/CRLF line ends, multi-line data, comments)
// -> one message at a time. A stream that stays silent longer than `idleMs` (no event and no
// keep-alive comment) fails, so a connection that died without a FIN is noticed.
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export class StreamIdleError extends Error {
  override readonly name = 'StreamIdleError';
}

/** The messages of an event stream, until the server closes it (or `signal` aborts). */
export async function* readEventStream(
  response: Response,
  options: { idleMs: number; signal?: AbortSignal | undefined },
): AsyncGenerator<EventSourceMessage> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => queue.push(message) });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const idle = () =>
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StreamIdleError(`the event stream was silent for ${options.idleMs} ms`)),
        options.idleMs,
      );
    });
  const aborted = new Promise<never>((_, reject) => {
    if (!options.signal) return;
    if (options.signal.aborted) reject(options.signal.reason);
    options.signal.addEventListener('abort', () => reject(options.signal?.reason), { once: true });
  });
  aborted.catch(() => {});

  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), idle(), aborted]);
      clearTimeout(timer);
      if (chunk.done) {
        parser.feed(decoder.decode());
        break;
      }
      parser.feed(decoder.decode(chunk.value, { stream: true }));
      while (queue.length > 0) yield queue.shift() as EventSourceMessage;
    }
    while (queue.length > 0) yield queue.shift() as EventSourceMessage;
  } finally {
    clearTimeout(timer);
    // Closes the connection when the caller stops early (done, abort, error).
    reader.cancel().catch(() => {});
  }
}
