// A small stub resolver: sends one recursive query to the configured resolvers over UDP (TCP when
// the answer comes back truncated) and returns the decoded reply. Each UDP query uses a fresh
// connected socket (a random source port from the OS) and a random 16-bit ID, and a reply counts
// only if its ID, source and question match: the usual defences against off-path spoofing.
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { getServers } from 'node:dns';
import net from 'node:net';
import { type DnsMessage, decodeMessage, encodeQuery, RCODE, type RecordType } from './wire.ts';

export interface NameServer {
  host: string;
  port: number;
  family: 4 | 6;
}

/** What a query came to once every server and try was used up. */
export type QueryResult =
  /** NOERROR or NXDOMAIN: an answer to reason about. */
  | { kind: 'answer'; message: DnsMessage }
  /** At least one server answered SERVFAIL and none answered better. */
  | { kind: 'servfail' }
  /** No usable answer: every attempt timed out, failed on the network, or was REFUSED/FORMERR/NOTIMP. */
  | { kind: 'timeout' };

export interface DnsClientOptions {
  /** 'ip', 'ip:port', '[ipv6]:port'. Default: the system's resolvers (node:dns getServers()). */
  servers?: string[];
  /** Per attempt (UDP exchange, or UDP then TCP when truncated). */
  timeoutMs: number;
  /** Rounds through the server list; a server that answered SERVFAIL/REFUSED is not asked again. */
  tries: number;
}

export interface DnsClient {
  query(name: string, type: RecordType): Promise<QueryResult>;
  readonly servers: readonly NameServer[];
}

export function parseServer(spec: string): NameServer {
  const text = spec.trim();
  let host = text;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (net.isIP(text) === 0) {
    const colon = text.lastIndexOf(':');
    if (colon > 0) {
      host = text.slice(0, colon);
      port = Number(text.slice(colon + 1));
    }
  }
  const family = net.isIP(host);
  if (family === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(
      `DNS: invalid server ${JSON.stringify(spec)} (expected 'ip', 'ip:port' or '[ipv6]:port')`,
    );
  }
  return { host, port, family: family as 4 | 6 };
}

type Attempt = { ok: true; message: DnsMessage } | { ok: false };

function matches(message: DnsMessage, id: number, name: string, type: RecordType): boolean {
  if (message.id !== id || !message.qr || message.opcode !== 0) return false;
  const question = message.questions[0];
  // Error replies (REFUSED, FORMERR, …) sometimes omit the question; they carry no data to poison.
  if (!question) return message.rcode !== RCODE.NOERROR && message.rcode !== RCODE.NXDOMAIN;
  return question.name === name && question.type === type && question.class === 1;
}

function udpExchange(
  server: NameServer,
  query: Buffer,
  accept: (m: DnsMessage) => boolean,
  timeoutMs: number,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(server.family === 6 ? 'udp6' : 'udp4');
    let settled = false;
    const finish = (result: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false }), timeoutMs);
    // A connected socket receives only from the server; ICMP "port unreachable" surfaces as an error.
    socket.on('error', () => finish({ ok: false }));
    socket.on('message', (data) => {
      let message: DnsMessage;
      try {
        message = decodeMessage(data);
      } catch {
        return; // undecodable: keep waiting for the real reply
      }
      if (accept(message)) finish({ ok: true, message });
    });
    socket.connect(server.port, server.host, () => {
      if (!settled) socket.send(query, (error) => error && finish({ ok: false }));
    });
  });
}

function tcpExchange(
  server: NameServer,
  query: Buffer,
  accept: (m: DnsMessage) => boolean,
  timeoutMs: number,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.host, port: server.port });
    let settled = false;
    let received = Buffer.alloc(0);
    const finish = (result: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ok: false }), timeoutMs);
    socket.on('error', () => finish({ ok: false }));
    socket.on('close', () => finish({ ok: false }));
    socket.on('connect', () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on('data', (chunk) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      if (received.length < 2) return;
      const length = received.readUInt16BE(0);
      if (received.length < 2 + length) return;
      try {
        const message = decodeMessage(received.subarray(2, 2 + length));
        finish(accept(message) && !message.tc ? { ok: true, message } : { ok: false });
      } catch {
        finish({ ok: false });
      }
    });
  });
}

export function createDnsClient(options: DnsClientOptions): DnsClient {
  const specs = options.servers ?? getServers();
  const servers = (specs.length > 0 ? specs : ['127.0.0.1']).map(parseServer);
  const { timeoutMs, tries } = options;

  async function ask(server: NameServer, name: string, type: RecordType, deadline: number): Promise<Attempt> {
    const id = randomInt(0x10000);
    const query = encodeQuery(id, name, type);
    const accept = (m: DnsMessage) => matches(m, id, name, type);
    const udp = await udpExchange(server, query, accept, timeoutMs);
    if (!udp.ok || !udp.message.tc) return udp;
    // Truncated: ask again over TCP within what is left of this attempt's time.
    const left = deadline - performance.now();
    if (left <= 0) return { ok: false };
    return tcpExchange(server, query, accept, left);
  }

  async function query(name: string, type: RecordType): Promise<QueryResult> {
    const done = new Set<NameServer>();
    let servfail = false;
    for (let round = 0; round < tries; round++) {
      for (const server of servers) {
        if (done.has(server)) continue;
        const attempt = await ask(server, name, type, performance.now() + timeoutMs);
        if (!attempt.ok) continue; // timeout or network error: try the next server, then another round
        const { rcode } = attempt.message;
        if (rcode === RCODE.NOERROR || rcode === RCODE.NXDOMAIN)
          return { kind: 'answer', message: attempt.message };
        // SERVFAIL, REFUSED, FORMERR, NOTIMP…: this server will not do better on a retry.
        if (rcode === RCODE.SERVFAIL) servfail = true;
        done.add(server);
      }
      if (done.size === servers.length) break;
    }
    return servfail ? { kind: 'servfail' } : { kind: 'timeout' };
  }

  return { query, servers };
}
