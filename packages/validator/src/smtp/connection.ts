// One SMTP client connection over node:net / node:tls: multi-line replies, per-command timeouts,
// STARTTLS upgrade, pipelined command groups and a polite QUIT. It knows nothing of probing.
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import tls from 'node:tls';
import type { SmtpReply } from './reply.ts';

/** Addresses of a host name, IPv4 first; empty when it has none. */
export type HostResolver = (host: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** Adapts a HostResolver to node's `lookup` (both the single-address and the `all` form). */
function nodeLookup(resolveHost: HostResolver): net.LookupFunction {
  return (hostname, options, callback) => {
    resolveHost(hostname).then(
      (found) => {
        const usable = found.filter((a) => !options.family || a.family === options.family);
        if (usable.length === 0) {
          const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
            code: 'ENOTFOUND',
            hostname,
          });
          callback(error, '', 0);
          return;
        }
        if ((options as { all?: boolean }).all)
          (callback as unknown as (e: null, a: typeof usable) => void)(null, usable);
        else callback(null, usable[0]?.address as string, usable[0]?.family as number);
      },
      (error: Error) => callback(Object.assign(error, { code: 'ESERVFAIL' }), '', 0),
    );
  };
}

export type SmtpErrorKind = 'connect' | 'timeout' | 'closed' | 'protocol' | 'tls';

export class SmtpError extends Error {
  readonly kind: SmtpErrorKind;
  /** The system error code of a failed connect (ECONNREFUSED, ENOTFOUND, …). */
  readonly code: string | undefined;
  constructor(kind: SmtpErrorKind, message: string, code?: string) {
    super(message);
    this.name = 'SmtpError';
    this.kind = kind;
    this.code = code;
  }
}

/** Longest line or reply accepted from a server; anything longer is a protocol error. */
const MAX_LINE = 8192;
const MAX_LINES = 200;
const REPLY_LINE = /^(\d{3})(?:([ -])(.*))?$/;

interface Waiter {
  resolve: (reply: SmtpReply) => void;
  reject: (error: SmtpError) => void;
  timer: NodeJS.Timeout;
}

export class SmtpConnection {
  readonly host: string;
  readonly port: number;
  /** EHLO keywords (upper case) → their parameters. Empty after HELO. */
  extensions = new Map<string, string>();
  esmtp = false;
  secure = false;
  /** After STARTTLS: the certificate chains to a trusted CA and names the host. */
  verified = false;
  /** Why the certificate does not verify (node's authorizationError), when it does not. */
  tlsError: string | null = null;
  /** Transactions run on this connection (for the reuse limit). */
  transactions = 0;
  /** RCPT commands sent on this connection (for the per-session limit). */
  rcpts = 0;
  /** 4xx/5xx replies received (servers slow down or hang up after too many, e.g. Postfix at 10/20). */
  errors = 0;
  /** A transaction may be open (MAIL sent, no RSET since): the next user sends RSET first. */
  dirty = false;
  idleTimer: NodeJS.Timeout | null = null;

  private socket: net.Socket;
  private decoder = new StringDecoder('utf8');
  private buffer = '';
  private partial: string[] = [];
  private replies: SmtpReply[] = [];
  private waiters: Waiter[] = [];
  private failure: SmtpError | null = null;
  private closeListeners: (() => void)[] = [];
  private readonly onData = (chunk: Buffer) => this.receive(this.decoder.write(chunk));
  private readonly onError = (error: Error) =>
    this.fail(new SmtpError('closed', `connection to ${this.where} failed: ${error.message}`));
  private readonly onClose = () => {
    this.fail(new SmtpError('closed', `connection to ${this.where} closed by the server`));
    for (const listener of this.closeListeners.splice(0)) listener();
  };

  private constructor(host: string, port: number, socket: net.Socket) {
    this.host = host;
    this.port = port;
    this.socket = socket;
    this.attach(socket);
  }

  get where(): string {
    return `${this.host}:${this.port}`;
  }

  /** Open, not failed, and no unsolicited reply pending (a server's idle-timeout 421, say). */
  get usable(): boolean {
    return this.failure === null && this.replies.length === 0 && !this.socket.destroyed;
  }

  /**
   * TCP connect within `timeoutMs`; the greeting is read separately. With `resolveHost`, a host name is
   * resolved by it (not the system resolver); the name is kept for messages and TLS.
   */
  static connect(
    host: string,
    port: number,
    timeoutMs: number,
    resolveHost?: HostResolver,
  ): Promise<SmtpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({
        host,
        port,
        ...(resolveHost && net.isIP(host) === 0 ? { lookup: nodeLookup(resolveHost) } : {}),
      });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new SmtpError('timeout', `no TCP connection to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        const reason = error.code ?? error.message;
        reject(new SmtpError('connect', `connect to ${host}:${port} failed: ${reason}`, error.code));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new SmtpConnection(host, port, socket));
      });
    });
  }

  /** The next reply, within `timeoutMs` (the connection is destroyed on timeout). */
  read(timeoutMs: number, what = 'reply'): Promise<SmtpReply> {
    const queued = this.replies.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new SmtpError('timeout', `no ${what} from ${this.where} within ${timeoutMs} ms`));
        this.socket.destroy();
      }, timeoutMs);
      this.waiters.push({ resolve, reject, timer });
    });
  }

  /** Sends one command and reads its reply. */
  async command(line: string, timeoutMs: number): Promise<SmtpReply> {
    const [reply] = await this.pipeline([line], timeoutMs);
    return reply as SmtpReply;
  }

  /**
   * Sends a group of commands in one write (RFC 2920, only when PIPELINING was advertised or the
   * group has one command) and reads one reply per command, each within `timeoutMs`.
   */
  async pipeline(lines: string[], timeoutMs: number): Promise<SmtpReply[]> {
    this.write(lines);
    const replies: SmtpReply[] = [];
    for (const line of lines) replies.push(await this.read(timeoutMs, `reply to ${verbOf(line)}`));
    return replies;
  }

  /**
   * Writes commands without reading (the caller reads one reply per command). Refuses when the
   * connection failed or the server spoke unasked (an idle-timeout 421, say).
   */
  write(lines: string[]): void {
    if (this.failure) throw this.failure;
    if (this.replies.length > 0) {
      const stale = this.replies[0] as SmtpReply;
      this.destroy();
      throw new SmtpError(
        'closed',
        `${this.where} sent an unsolicited reply: ${stale.code} ${stale.lines[0] ?? ''}`,
      );
    }
    this.socket.write(`${lines.join('\r\n')}\r\n`);
  }

  /** EHLO (then HELO when EHLO is refused as unknown); records the advertised extensions. */
  async hello(name: string, timeoutMs: number): Promise<SmtpReply> {
    const ehlo = await this.command(`EHLO ${name}`, timeoutMs);
    if (ehlo.code === 250) {
      this.esmtp = true;
      this.extensions = new Map();
      for (const line of ehlo.lines.slice(1)) {
        const [keyword = '', ...params] = line.trim().split(/\s+/);
        if (keyword) this.extensions.set(keyword.toUpperCase(), params.join(' '));
      }
      return ehlo;
    }
    if (ehlo.code < 500) return ehlo;
    const helo = await this.command(`HELO ${name}`, timeoutMs);
    this.esmtp = false;
    this.extensions = new Map();
    return helo;
  }

  /** TLS handshake on the open socket (after `220` to STARTTLS). */
  upgrade(options: {
    servername: string | undefined;
    rejectUnauthorized: boolean;
    timeoutMs: number;
    /** Trusted CAs instead of node's bundle (tests, private PKI). */
    ca?: string | Buffer | (string | Buffer)[];
  }): Promise<void> {
    const plain = this.socket;
    this.detach(plain);
    return new Promise((resolve, reject) => {
      const secure = tls.connect({
        socket: plain,
        host: this.host,
        servername: options.servername,
        rejectUnauthorized: options.rejectUnauthorized,
        ...(options.ca ? { ca: options.ca } : {}),
      });
      const timer = setTimeout(() => {
        secure.destroy();
        this.fail(
          new SmtpError('tls', `TLS handshake with ${this.where} timed out after ${options.timeoutMs} ms`),
        );
        reject(this.failure);
      }, options.timeoutMs);
      secure.once('error', (error) => {
        clearTimeout(timer);
        secure.destroy();
        plain.destroy();
        this.fail(new SmtpError('tls', `TLS handshake with ${this.where} failed: ${error.message}`));
        reject(this.failure);
      });
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        secure.removeAllListeners('error');
        this.socket = secure;
        this.decoder = new StringDecoder('utf8');
        this.attach(secure);
        this.secure = true;
        // With rejectUnauthorized false node still checks the chain and the host name (checkServerIdentity).
        this.verified = secure.authorized;
        this.tlsError = secure.authorized ? null : String(secure.authorizationError ?? 'not verified');
        resolve();
      });
    });
  }

  /** QUIT, wait (bounded) for 221 and the server closing, then make sure the socket is gone. */
  async quit(timeoutMs: number): Promise<void> {
    this.clearIdle();
    // An idle socket is unref'd: the QUIT exchange must keep the process alive until it ends (else a
    // script awaiting close() exits with an unsettled promise).
    this.socket.ref();
    if (this.usable) {
      try {
        const closed = new Promise<void>((resolve) => this.onceClosed(resolve));
        await this.command('QUIT', timeoutMs);
        this.socket.end();
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
      } catch {
        // The server went away first: nothing left to be polite to.
      }
    }
    this.destroy();
  }

  destroy(): void {
    this.clearIdle();
    this.fail(new SmtpError('closed', `connection to ${this.where} closed`));
    this.socket.destroy();
  }

  /** Idle connections must not keep the process alive. */
  setIdle(idle: boolean): void {
    if (idle) this.socket.unref();
    else this.socket.ref();
  }

  clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  onceClosed(listener: () => void): void {
    if (this.socket.destroyed || this.socket.closed) listener();
    else this.closeListeners.push(listener);
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('close', this.onClose);
    // Keep an error listener: an unhandled 'error' would crash the process.
    socket.off('error', this.onError);
    socket.on('error', () => {});
  }

  private fail(error: SmtpError): void {
    if (!this.failure) this.failure = error;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.failure);
    }
  }

  private receive(text: string): void {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end === -1) break;
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      if (!this.line(line)) return;
    }
    if (this.buffer.length > MAX_LINE) this.protocolError(`a line longer than ${MAX_LINE} bytes`);
  }

  /** One reply line; false once the connection has failed. */
  private line(line: string): boolean {
    const match = REPLY_LINE.exec(line);
    if (!match || line.length > MAX_LINE) {
      this.protocolError(`a malformed reply line: ${JSON.stringify(line.slice(0, 80))}`);
      return false;
    }
    this.partial.push(match[3] ?? '');
    if (match[2] === '-') {
      if (this.partial.length > MAX_LINES) {
        this.protocolError(`a reply of more than ${MAX_LINES} lines`);
        return false;
      }
      return true;
    }
    const reply: SmtpReply = { code: Number(match[1]), lines: this.partial };
    this.partial = [];
    if (reply.code >= 400) this.errors++;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(reply);
    } else {
      this.replies.push(reply);
    }
    return true;
  }

  private protocolError(what: string): void {
    this.fail(new SmtpError('protocol', `${this.where} sent ${what}`));
    this.socket.destroy();
  }
}

function verbOf(line: string): string {
  const upper = line.toUpperCase();
  if (upper.startsWith('MAIL')) return 'MAIL FROM';
  if (upper.startsWith('RCPT')) return 'RCPT TO';
  return upper.split(' ')[0] ?? upper;
}
