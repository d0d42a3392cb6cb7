// The simulated MX hosts of the SMTP benchmark: one small SMTP server per 127.0.0.x address, all on
// one port. Every reply (greeting, EHLO, MAIL, each RCPT, RSET, QUIT) leaves `delayMs` after the
// previous one (see pump), in order, as a server that answers pipelined commands one at a time; a connection
// beyond `maxConnections` open at once gets 421 and is closed. PIPELINING and SMTPUTF8 are
// offered. Counts sessions, transactions, RCPTs (per transaction and per session), 421s and QUITs.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface BenchServerOptions {
  hosts: string[];
  delayMs: number;
  maxConnections: number;
  /** Whether a mailbox exists (the same answer on every host). */
  exists(address: string): boolean;
}

export interface BenchServerStats {
  sessions: number;
  refused421: number;
  quits: number;
  transactions: number;
  rcpts: number;
  maxRcptsPerTransaction: number;
  maxRcptsPerSession: number;
  maxConnectionsPerHost: number;
  heloNames: Set<string>;
  /** Milliseconds of open sessions, summed (their mean number open = this / wall time). */
  sessionMs: number;
}

export interface BenchServers {
  port: number;
  stats(): BenchServerStats;
  reset(): void;
  close(): Promise<void>;
}

const emptyStats = (): BenchServerStats => ({
  sessions: 0,
  refused421: 0,
  quits: 0,
  transactions: 0,
  rcpts: 0,
  maxRcptsPerTransaction: 0,
  maxRcptsPerSession: 0,
  maxConnectionsPerHost: 0,
  heloNames: new Set(),
  sessionMs: 0,
});

/** One session: commands are answered in order, each `delayMs` after the previous reply. */
function serve(
  socket: net.Socket,
  host: string,
  options: BenchServerOptions,
  stats: BenchServerStats,
  ended: () => void,
) {
  const replies: { arrived: number; answer: () => string | null }[] = [];
  let busy = false;
  let buffer = '';
  let inMail = false;
  let txRcpts = 0;
  let sessionRcpts = 0;
  let closed = false;
  const opened = performance.now();
  const finish = () => {
    if (closed) return;
    closed = true;
    stats.sessionMs += performance.now() - opened;
    ended();
  };
  // Each reply is due `delayMs` after the later of its command's arrival and the previous reply's due
  // time: a remote server's think time, which this process's own timer lateness must not stretch.
  let due = performance.now();
  const pump = () => {
    if (busy || closed) return;
    const next = replies.shift();
    if (!next) return;
    busy = true;
    due = Math.max(due, next.arrived) + options.delayMs;
    setTimeout(
      () => {
        busy = false;
        if (closed) return;
        const line = next.answer();
        if (line !== null) socket.write(`${line}\r\n`);
        pump();
      },
      Math.max(0, due - performance.now()),
    );
  };
  const command = (line: string): (() => string | null) => {
    const verb = line.slice(0, 4).toUpperCase();
    if (verb === 'EHLO' || verb === 'HELO') {
      stats.heloNames.add(line.slice(5).trim());
      return () =>
        verb === 'EHLO' ? `250-mx.${host}\r\n250-PIPELINING\r\n250-SMTPUTF8\r\n250 8BITMIME` : '250 ok';
    }
    if (verb === 'MAIL') {
      return () => {
        inMail = true;
        txRcpts = 0;
        stats.transactions++;
        return '250 2.1.0 ok';
      };
    }
    if (verb === 'RCPT') {
      return () => {
        if (!inMail) return '503 5.5.1 MAIL first';
        txRcpts++;
        sessionRcpts++;
        stats.rcpts++;
        stats.maxRcptsPerTransaction = Math.max(stats.maxRcptsPerTransaction, txRcpts);
        stats.maxRcptsPerSession = Math.max(stats.maxRcptsPerSession, sessionRcpts);
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        return options.exists(address) ? '250 2.1.5 ok' : '550 5.1.1 no such user';
      };
    }
    if (verb === 'RSET') {
      return () => {
        inMail = false;
        return '250 2.0.0 ok';
      };
    }
    if (verb === 'QUIT') {
      return () => {
        stats.quits++;
        socket.end('221 2.0.0 bye\r\n');
        finish(); // the session is over for the server's count
        return null;
      };
    }
    return () => '502 5.5.2 not implemented';
  };
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  replies.push({ arrived: performance.now(), answer: () => `220 mx.${host} ESMTP bench` });
  pump();
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    const arrived = performance.now();
    for (let end = buffer.indexOf('\n'); end !== -1; end = buffer.indexOf('\n')) {
      replies.push({ arrived, answer: command(buffer.slice(0, end).replace(/\r$/, '')) });
      buffer = buffer.slice(end + 1);
    }
    pump();
  });
  socket.on('error', () => {});
  socket.on('close', finish);
}

export async function startBenchServers(options: BenchServerOptions): Promise<BenchServers> {
  const stats = emptyStats();
  const open = new Map<string, number>();
  const servers: net.Server[] = [];
  const sockets = new Set<net.Socket>();
  const listen = (host: string, port: number) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer((socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        const count = open.get(host) ?? 0;
        if (count >= options.maxConnections) {
          stats.refused421++;
          socket.on('error', () => {});
          socket.end('421 4.7.0 too many connections from your host, try again later\r\n');
          return;
        }
        open.set(host, count + 1);
        stats.sessions++;
        stats.maxConnectionsPerHost = Math.max(stats.maxConnectionsPerHost, count + 1);
        serve(socket, host, options, stats, () => open.set(host, (open.get(host) ?? 1) - 1));
      });
      server.once('error', reject);
      server.listen(port, host, () => {
        servers.push(server);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const closeAll = async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      let port = 0;
      for (const host of options.hosts) port = await listen(host, port);
      return { port, stats: () => stats, reset: () => Object.assign(stats, emptyStats()), close: closeAll };
    } catch {
      await closeAll();
    }
  }
  throw new Error('could not listen on one port on every bench address');
}
