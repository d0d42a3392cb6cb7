// Local SMTP servers (smtp-server) for the probe's tests and benchmarks: scripted per mailbox, on
// loopback addresses, recording every session (HELO name, commands, TLS) and the peak number of
// concurrent sessions. Servers of one cluster share a port on distinct 127.0.0.x addresses, since
// the prober uses one SMTP port for every MX host.
import net from 'node:net';
import { domainToASCII } from 'node:url';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import getTLSOptions from 'smtp-server/lib/tls-options.js';

/** What the server answers to RCPT TO for a mailbox. */
export type MailboxBehaviour =
  | 'accept'
  /** 550 5.1.1 */
  | 'not_found'
  /** 451 4.7.1 greylisted, "try again in 90 seconds" */
  | 'greylist'
  /** 552 5.2.2 */
  | 'full'
  /** 452 4.2.2 */
  | 'full_temporary'
  /** 554 5.7.1 */
  | 'blocked'
  /** waits `slowMs` before accepting (past the prober's timeout) */
  | 'slow'
  /** destroys the connection instead of answering */
  | 'drop'
  /** any reply: `{ code: 550, message: '5.1.1 gone' }` */
  | { code: number; message: string };

export interface TestSmtpServerOptions {
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default: a random free one). */
  port?: number;
  /** Host name in the greeting. */
  name?: string;
  /** Behaviour per mailbox: key is a full address or a local part, case-insensitive. */
  mailboxes?: Record<string, MailboxBehaviour>;
  /** Domains whose every other address is accepted (catch-all). */
  catchAllDomains?: string[];
  /** For addresses matched by nothing above (default `not_found`). */
  otherwise?: MailboxBehaviour;
  /** Advertise SMTPUTF8 (default true). */
  smtputf8?: boolean;
  /** Advertise PIPELINING (default true). */
  pipelining?: boolean;
  /** Offer STARTTLS with smtp-server's built-in self-signed certificate (default false). */
  starttls?: boolean;
  /** Key and certificate (PEM) for STARTTLS instead of smtp-server's built-in self-signed one. */
  tls?: { key: string; cert: string };
  /** Offer STARTTLS but fail every handshake (TLS 1.0 only, which clients refuse). */
  brokenTls?: boolean;
  /** Refuse EHLO (502) so the client must fall back to HELO. */
  heloOnly?: boolean;
  /** Greeting: `busy` answers 421 4.3.2 and hangs up, `refuse` 554 5.7.1. */
  greeting?: 'ok' | 'busy' | 'refuse';
  /** Latency added before every RCPT reply (benchmarks). */
  rcptDelayMs?: number;
  /** How long a `slow` mailbox waits (default 5 s). */
  slowMs?: number;
  /** Sessions at once; one more gets `421 … Too many connected clients` (smtp-server's maxClients). */
  maxClients?: number;
}

export interface RecordedSession {
  id: string;
  /** Name given with EHLO/HELO (the first one). */
  heloName: string | null;
  /** Every command line as received (after STARTTLS too). */
  commands: string[];
  secure: boolean;
  open: boolean;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  /** As the prober's MX host list entry. */
  mx: { exchange: string; priority: number };
  sessions: RecordedSession[];
  /** RCPT TO addresses in arrival order. */
  rcpts: string[];
  /** TCP connections accepted. */
  connections(): number;
  /** Sessions open right now, and the most ever open at once. */
  concurrent(): number;
  maxConcurrent(): number;
  /** The most command lines that arrived in one TCP read (more than 1: the client pipelined). */
  largestPipeline(): number;
  /** Forget recorded sessions, RCPTs and the peak (open sessions keep counting). */
  reset(): void;
  /** Hangs up on every open session (as a server's idle timeout would). */
  dropAll(): void;
  close(): Promise<void>;
}

const reply = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

function behaviourReply(behaviour: MailboxBehaviour): Error | null {
  if (typeof behaviour === 'object')
    return behaviour.code < 400 ? null : reply(behaviour.code, behaviour.message);
  switch (behaviour) {
    case 'accept':
    case 'slow':
    case 'drop':
      return null;
    case 'not_found':
      return reply(550, '5.1.1 <mailbox>: Recipient address rejected: User unknown in virtual mailbox table');
    case 'greylist':
      return reply(451, '4.7.1 Greylisted, please try again in 90 seconds');
    case 'full':
      return reply(552, '5.2.2 Mailbox full, over quota');
    case 'full_temporary':
      return reply(452, '4.2.2 Mailbox full');
    case 'blocked':
      return reply(554, '5.7.1 Service unavailable; client host blocked using zen.spamhaus.org');
  }
}

/** Starts one server. */
export async function startSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const host = options.host ?? '127.0.0.1';
  const mailboxes = new Map(
    Object.entries(options.mailboxes ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
  );
  const catchAll = new Set((options.catchAllDomains ?? []).map((domain) => domainToASCII(domain)));
  const sessions = new Map<string, RecordedSession>();
  const recorded: RecordedSession[] = [];
  const rcpts: string[] = [];
  let connections = 0;
  let open = 0;
  let peak = 0;
  let pipeline = 0;

  const record = (id: string): RecordedSession => {
    let session = sessions.get(id);
    if (!session) {
      session = { id, heloName: null, commands: [], secure: false, open: true };
      sessions.set(id, session);
      recorded.push(session);
    }
    return session;
  };

  const behaviourFor = (address: string): MailboxBehaviour => {
    const at = address.lastIndexOf('@');
    const local = address.slice(0, at).toLowerCase();
    const domain = domainToASCII(address.slice(at + 1));
    return (
      mailboxes.get(`${local}@${domain}`) ??
      mailboxes.get(address.toLowerCase()) ??
      mailboxes.get(local) ??
      (catchAll.has(domain) ? 'accept' : (options.otherwise ?? 'not_found'))
    );
  };

  const disabled = ['AUTH'];
  if (!options.starttls && !options.brokenTls) disabled.push('STARTTLS');
  if (options.heloOnly) disabled.push('EHLO');
  const { key, cert } = options.tls ?? getTLSOptions();

  const server: SMTPServer = new SMTPServer({
    name: options.name ?? `mx.${host}.test`,
    key,
    cert,
    ...(options.brokenTls ? { minVersion: 'TLSv1' as const, maxVersion: 'TLSv1' as const } : {}),
    disabledCommands: disabled,
    hideSMTPUTF8: options.smtputf8 === false,
    hidePIPELINING: options.pipelining === false,
    disableReverseLookup: true,
    ...(options.maxClients ? { maxClients: options.maxClients } : {}),
    maxAllowedUnauthenticatedCommands: false,
    closeTimeout: 100,
    socketTimeout: 30_000,
    // Commands are recorded from smtp-server's debug log ('C:' lines), the one place that sees every
    // command, decrypted after STARTTLS.
    logger: {
      level: () => 'debug',
      trace: () => {},
      debug: (entry: { tnx?: string; cid?: string }, _format: string, line?: unknown) => {
        if (entry.tnx !== 'command' || !entry.cid) return;
        const session = record(entry.cid);
        const text = String(line ?? '');
        session.commands.push(text);
        const [verb = '', name = null] = text.split(/\s+/);
        if (!session.heloName && /^(EHLO|HELO)$/i.test(verb)) session.heloName = name;
      },
      info: () => {},
      warn: () => {},
      error: () => {},
      fatal: () => {},
    } as never,
    onConnect(session: SMTPServerSession, callback: (error?: Error | null) => void) {
      record(session.id);
      if (options.greeting === 'busy')
        return callback(reply(421, '4.3.2 Service not available, try again later'));
      if (options.greeting === 'refuse') return callback(reply(554, '5.7.1 Your IP is blocklisted'));
      callback();
    },
    onSecure(_socket, session: SMTPServerSession, callback: (error?: Error | null) => void) {
      record(session.id).secure = true;
      callback();
    },
    onClose(session: SMTPServerSession) {
      const found = sessions.get(session.id);
      if (found) found.open = false;
    },
    onRcptTo(
      address: SMTPServerAddress,
      session: SMTPServerSession,
      callback: (error?: Error | null) => void,
    ) {
      rcpts.push(address.address);
      const behaviour = behaviourFor(address.address);
      const answer = () => {
        if (behaviour === 'drop') {
          for (const connection of server.connections) {
            if (connection.id === session.id) connection._socket.destroy();
          }
          return;
        }
        callback(behaviourReply(behaviour));
      };
      const delay = (options.rcptDelayMs ?? 0) + (behaviour === 'slow' ? (options.slowMs ?? 5000) : 0);
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    },
  });
  server.on('error', () => {});
  server.server.on('connection', (socket: net.Socket) => {
    connections++;
    open++;
    peak = Math.max(peak, open);
    socket.once('close', () => open--);
    // Counted beside smtp-server's own reader (plain text only: after STARTTLS this sees TLS records).
    socket.on('data', (chunk: Buffer) => {
      const lines = chunk.toString('latin1').split('\r\n').length - 1;
      pipeline = Math.max(pipeline, lines);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as net.AddressInfo).port;

  return {
    host,
    port,
    mx: { exchange: host, priority: 10 },
    sessions: recorded,
    rcpts,
    connections: () => connections,
    concurrent: () => open,
    maxConcurrent: () => peak,
    largestPipeline: () => pipeline,
    reset() {
      recorded.length = 0;
      rcpts.length = 0;
      connections = 0;
      pipeline = 0;
      peak = open;
    },
    dropAll() {
      for (const connection of server.connections) connection._socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of server.connections) connection._socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface SmtpCluster {
  /** The port every server of the cluster listens on (give it to the prober). */
  port: number;
  servers: TestSmtpServer[];
  /** A loopback address with nothing listening on the cluster's port (a dead MX). */
  deadHost: string;
  close(): Promise<void>;
}

let nextOctet = 2 + Math.floor(Math.random() * 200);

/** Probes for a free port on a loopback address. */
function freePort(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/**
 * Starts servers on one port at 127.0.0.x addresses (one per server), plus a dead address for
 * failover tests. Options' `host`/`port` are ignored.
 */
export async function startSmtpCluster(specs: TestSmtpServerOptions[]): Promise<SmtpCluster> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const hosts = Array.from({ length: specs.length + 1 }, () => {
      nextOctet = nextOctet >= 250 ? 2 : nextOctet + 1;
      return `127.0.0.${nextOctet}`;
    });
    const deadHost = hosts.pop() as string;
    const servers: TestSmtpServer[] = [];
    try {
      let port = 0;
      for (const [index, spec] of specs.entries()) {
        const server = await startSmtpServer({ ...spec, host: hosts[index] as string, port });
        port = server.port;
        servers.push(server);
      }
      if (!(await freePort(deadHost, port))) throw new Error('dead host is in use');
      return {
        port,
        servers,
        deadHost,
        close: async () => {
          await Promise.all(servers.map((server) => server.close()));
        },
      };
    } catch {
      await Promise.all(servers.map((server) => server.close()));
    }
  }
  throw new Error('could not start an SMTP cluster on a shared port');
}

/** A port on 127.0.0.1 with nothing listening (for the self-check and refused connections). */
export async function closedPort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
