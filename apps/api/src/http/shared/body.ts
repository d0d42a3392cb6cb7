// Request bodies on every route: a minimum transfer rate (a body still arriving must bring
// `minBodyBytesPerSecond` over every window, or the request is answered 408 and its connection cut —
// a client trickling bytes holds nothing of ours for long), and the "lingering discard" of a body
// that is refused before it was read to its end. (The whole request's deadline is Node's
// `requestTimeout`, set in server.ts.)
import type { ErrorBody } from '@postern/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** How long, and how many bytes, a refused body is still read (and dropped) after the answer. */
const LINGER_MS = 2000;
const LINGER_BYTES = 8 * 1024 * 1024;

const discarding = new WeakSet<FastifyRequest>();
/** Requests whose body we do not read for now on purpose (not the client's slowness). */
const held = new WeakSet<FastifyRequest>();

/** Suspends (or resumes) the rate check while the server itself does not read the body. */
export function holdBodyRate(req: FastifyRequest, hold: boolean): void {
  if (hold) held.add(req);
  else held.delete(req);
}

const hasBody = (req: FastifyRequest) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/**
 * Installs the minimum transfer rate on every route of `app`. One timer per app (not one per request)
 * looks at every body still arriving, every half window; each is judged once a whole window of its own
 * has passed, on the bytes its socket brought meanwhile.
 */
export function enforceBodyRate(
  app: FastifyInstance,
  limits: { minBodyBytesPerSecond: number; bodyRateWindowMs: number },
): void {
  const windowMs = limits.bodyRateWindowMs;
  const minRate = limits.minBodyBytesPerSecond;
  if (minRate <= 0) return;
  const arriving = new Map<FastifyRequest, { reply: FastifyReply; bytes: number; since: number }>();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = Date.now();
    for (const [req, watch] of arriving) {
      const socket = req.raw.socket;
      if (req.raw.complete || req.raw.destroyed || socket.destroyed) {
        arriving.delete(req);
        continue;
      }
      const elapsed = now - watch.since;
      if (elapsed < windowMs) continue;
      const got = socket.bytesRead - watch.bytes;
      watch.bytes = socket.bytesRead;
      watch.since = now;
      if (held.has(req) || got >= (minRate * elapsed) / 1000) continue;
      arriving.delete(req);
      req.log.info({ bytesInWindow: got, windowMs: elapsed }, 'request body too slow: cut');
      cutSlowRequest(req, watch.reply, minRate);
    }
    if (!arriving.size) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  // A small body has usually arrived with its headers, but is parsed only after this hook runs: the
  // requests are looked at once more after the current I/O (one setImmediate for all of them), and only
  // bodies still arriving then are watched. Watching every POST cost ~30 µs a request (measured).
  let fresh: [FastifyRequest, FastifyReply][] = [];
  const watchFresh = () => {
    const batch = fresh;
    fresh = [];
    const since = Date.now();
    for (const [req, reply] of batch) {
      if (req.raw.complete || req.raw.destroyed) continue;
      arriving.set(req, { reply, bytes: req.raw.socket.bytesRead, since });
      const stop = () => arriving.delete(req);
      req.raw.once('end', stop);
      req.raw.once('close', stop);
    }
    if (arriving.size && !timer) {
      timer = setInterval(tick, Math.max(100, windowMs / 2));
      timer.unref();
    }
  };
  app.addHook('onRequest', async (req, reply) => {
    if (!hasBody(req) || req.raw.complete) return;
    if (!fresh.length) setImmediate(watchFresh);
    fresh.push([req, reply]);
  });
  app.addHook('onClose', async () => clearInterval(timer));
}

function cutSlowRequest(req: FastifyRequest, reply: FastifyReply, minRate: number) {
  const socket = req.raw.socket;
  // Once the answer is out, Node detaches the request from its socket: destroying the socket alone
  // would leave the request (and whoever reads its body) waiting forever, so it is ended too.
  const destroy = () => {
    req.raw.destroy();
    socket.destroy();
  };
  if (reply.sent || reply.raw.headersSent) return destroy();
  const body: ErrorBody = {
    code: 'BAD_REQUEST',
    message: `The request body arrived slower than ${minRate} bytes per second; the request was stopped`,
    requestId: String(req.id),
  };
  reply.raw.once('finish', destroy);
  setTimeout(destroy, 1000).unref();
  reply.code(408).header('connection', 'close').send(body);
}

/**
 * For an answer sent before the request body has fully arrived (an upload over the limit, refused,
 * failed half-way, or a replay): nothing more of the body is kept. It is read and dropped so the
 * client, still sending, gets to read the answer (closing a socket with unread input resets the
 * connection, and most clients then lose the answer), and the connection is destroyed once
 * `maxBytes` more have arrived or `lingerMs` after the answer (null: no time limit), whichever
 * comes first.
 */
export function discardRestOfBody(
  req: FastifyRequest,
  reply: FastifyReply,
  limits: { maxBytes?: number; lingerMs?: number | null } = {},
): void {
  const raw = req.raw;
  if (raw.complete || raw.destroyed || discarding.has(req)) return;
  discarding.add(req);
  held.delete(req);
  const maxBytes = limits.maxBytes ?? LINGER_BYTES;
  const lingerMs = limits.lingerMs === undefined ? LINGER_MS : limits.lingerMs;
  raw.unpipe();
  let dropped = 0;
  let cutOff = false;
  const cut = () => {
    if (cutOff) return;
    cutOff = true;
    // (A test's injected request has a socket stand-in without destroy.)
    const socket = raw.socket as { destroy?: () => void } | null;
    if (typeof socket?.destroy === 'function') socket.destroy();
    else raw.destroy();
  };
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > maxBytes) cut();
  });
  raw.resume();
  if (lingerMs === null) return;
  reply.raw.once('finish', () => {
    if (raw.complete) return;
    const timer = setTimeout(cut, lingerMs);
    timer.unref();
    raw.once('end', () => clearTimeout(timer));
    raw.once('close', () => clearTimeout(timer));
  });
}
