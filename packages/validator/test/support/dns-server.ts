// A crafted recursive resolver for tests: serves the zones it is given on 127.0.0.1, over UDP and TCP
// on one free port, and counts the queries it receives per name and type.
//
//   const dns = await startDnsServer({
//     'example.test': { mx: [{ exchange: 'mx1.example.test', priority: 10, ttl: 600 }] },
//     'mx1.example.test': { a: ['127.0.0.1'] },
//     'a-only.test': { a: ['192.0.2.1'] },                     // no MX: implicit MX
//     'null.test': { mx: [{ exchange: '.', priority: 0 }] },   // RFC 7505 null MX
//     'broken.test': { rcode: 'SERVFAIL' },
//     'slow.test': { delayMs: 2_000, mx: [...] },               // longer than the client's timeout
//     '*.bulk.test': { mx: [...] },                             // any name under bulk.test
//   });
//   createDnsStage({ servers: [dns.address] });
//   dns.queries('example.test', 'MX'); // → 1
//   await dns.close();
//
// Names not in the zones (nor, by default, the canary domains of CANARY_ZONES) get NXDOMAIN; a known
// name without records of the asked type gets NOERROR with no answer (NODATA). Negative answers carry an SOA whose TTL and MINIMUM are `negativeTtl`
// (RFC 2308). `zones` stays live: tests may add, change or delete names between queries.
import type { Socket } from 'node:net';
import { createTCPServer, createUDPServer, Packet, type Resource } from 'dns2';

export type Rcode = 'NOERROR' | 'SERVFAIL' | 'NXDOMAIN' | 'REFUSED' | 'FORMERR' | 'NOTIMP' | number;
export type QueryType = 'MX' | 'A' | 'AAAA' | 'CNAME' | 'SOA' | 'TXT' | (string & {});

export interface MxRecord {
  /** '.' (or '') is the root: "MX 0 ." is a null MX. */
  exchange: string;
  priority: number;
  ttl?: number;
}

export interface AddressRecord {
  address: string;
  ttl?: number;
}

export interface Zone {
  mx?: MxRecord[];
  a?: (string | AddressRecord)[];
  aaaa?: (string | AddressRecord)[];
  /** TXT records: a string, or the record's character-strings (each ≤ 255 octets). */
  txt?: (string | string[])[];
  /** The name is an alias: answers start with this CNAME, then the target's records. */
  cname?: string | { target: string; ttl?: number };
  /** Answer every query for this name with this rcode (and no records), or only the listed types. */
  rcode?: Rcode | Partial<Record<QueryType, Rcode>>;
  /** Answer after this many milliseconds (make it longer than the client's timeout for a timeout). */
  delayMs?: number;
  /** Never answer. */
  drop?: boolean;
  /** Over UDP, always answer with TC=1 and no records, so the client must ask again over TCP. */
  truncate?: boolean;
  /** TTL of this name's records that give none. Default 300. */
  ttl?: number;
  /** TTL and MINIMUM of the SOA in this name's negative answers; null: no SOA. Default: the server's. */
  negativeTtl?: number | null;
}

export type Zones = Record<string, Zone>;

export interface DnsServerOptions {
  /** TTL and MINIMUM of the SOA in negative answers; null: no SOA. Default 300. */
  negativeTtl?: number | null;
  /**
   * Also answer for the resolver health canaries (gmail.com, outlook.com, yahoo.com: MX records and
   * their hosts' addresses) when `zones` does not name them, as an honest resolver would. Default
   * true; false makes a resolver that knows nothing but `zones` (a lying one, with empty zones).
   */
  canaries?: boolean;
}

/** What an honest resolver says about the default canary domains (TEST-NET addresses). */
export const CANARY_ZONES: Zones = {
  'gmail.com': { mx: [{ exchange: 'gmail-smtp-in.l.google.com', priority: 5 }] },
  'outlook.com': { mx: [{ exchange: 'outlook-com.olc.protection.outlook.com', priority: 5 }] },
  'yahoo.com': { mx: [{ exchange: 'mta5.am0.yahoodns.net', priority: 1 }] },
  'gmail-smtp-in.l.google.com': { a: ['192.0.2.25'] },
  'outlook-com.olc.protection.outlook.com': { a: ['192.0.2.26'] },
  'mta5.am0.yahoodns.net': { a: ['192.0.2.27'] },
};

export interface QueryLogEntry {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
}

export interface TestDnsServer {
  host: '127.0.0.1';
  port: number;
  /** '127.0.0.1:port', as `servers` of createDnsStage takes it. */
  address: string;
  /** Live: changes apply to the next query. */
  zones: Zones;
  /** Queries received for `name` (any case, no trailing dot) of `type`, or of every type. */
  queries(name: string, type?: QueryType): number;
  /** Every query received, in order. */
  readonly log: readonly QueryLogEntry[];
  resetCounts(): void;
  close(): Promise<void>;
}

const TYPE_CODES: Record<string, number> = { ...Packet.TYPE };
const RCODES: Record<string, number> = { ...Packet.RCODE };
const typeName = (code: number) => Packet.TYPE_NAME[code] ?? `TYPE${code}`;
const normalize = (name: string) => name.toLowerCase().replace(/\.$/, '');
const rcodeOf = (rcode: Rcode) =>
  typeof rcode === 'number' ? rcode : (RCODES[rcode] ?? Packet.RCODE.SERVFAIL);

function findZone(zones: Zones, name: string, canaries = false): Zone | undefined {
  const exact = zones[name] ?? (canaries ? CANARY_ZONES[name] : undefined);
  if (exact) return exact;
  // Wildcards: '*.bulk.test' covers 'x.bulk.test' and 'y.x.bulk.test'.
  const labels = name.split('.');
  for (let i = 1; i < labels.length; i++) {
    const wildcard = zones[`*.${labels.slice(i).join('.')}`];
    if (wildcard) return wildcard;
  }
  return undefined;
}

export async function startDnsServer(zones: Zones, options: DnsServerOptions = {}): Promise<TestDnsServer> {
  const serverNegativeTtl = options.negativeTtl === undefined ? 300 : options.negativeTtl;
  const withCanaries = options.canaries !== false;
  const counts = new Map<string, number>();
  const log: QueryLogEntry[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  function soa(name: string, ttl: number): Resource {
    const apex = name.split('.').slice(-1)[0] || name;
    return new Packet.Resource({
      name: apex,
      type: Packet.TYPE.SOA,
      class: Packet.CLASS.IN,
      ttl,
      primary: `ns.${apex}`,
      admin: `hostmaster.${apex}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expiration: 86400,
      minimum: ttl,
    });
  }

  function answer(request: Packet, transport: 'udp' | 'tcp'): { response: Packet; zone?: Zone } | null {
    const response = Packet.createResponseFromRequest(request);
    response.header.ra = 1;
    const question = request.questions[0];
    if (!question) {
      response.header.rcode = Packet.RCODE.FORMERR;
      return { response };
    }
    const qname = normalize(question.name);
    const qtype = typeName(question.type);
    const key = `${qname}|${qtype}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    log.push({ name: qname, type: qtype, transport });

    const first = findZone(zones, qname, withCanaries);
    if (first?.drop) return null;
    if (first?.rcode !== undefined) {
      const rcode = typeof first.rcode === 'object' ? first.rcode[qtype] : first.rcode;
      if (rcode !== undefined) {
        response.header.rcode = rcodeOf(rcode);
        return { response, zone: first };
      }
    }
    if (first?.truncate && transport === 'udp') {
      response.header.tc = 1;
      return { response, zone: first };
    }

    // Follow CNAMEs the way a recursive resolver does: the chain, then the target's records.
    let owner = question.name;
    let zone = first;
    for (let hops = 0; zone?.cname && qtype !== 'CNAME' && hops < 16; hops++) {
      const cname = typeof zone.cname === 'string' ? { target: zone.cname } : zone.cname;
      response.answers.push(
        new Packet.Resource({
          name: owner,
          type: Packet.TYPE.CNAME,
          class: Packet.CLASS.IN,
          ttl: cname.ttl ?? zone.ttl ?? 300,
          domain: cname.target,
        }),
      );
      owner = cname.target;
      zone = findZone(zones, normalize(owner), withCanaries);
    }
    if (!zone) {
      response.header.rcode = Packet.RCODE.NXDOMAIN;
      if (serverNegativeTtl !== null) response.authorities.push(soa(qname, serverNegativeTtl));
      return { response, zone: first };
    }
    const ttl = zone.ttl ?? 300;
    const add = (fields: Partial<Resource>) =>
      response.answers.push(new Packet.Resource({ name: owner, class: Packet.CLASS.IN, ttl, ...fields }));
    if (qtype === 'MX') {
      for (const mx of zone.mx ?? []) {
        add({ type: Packet.TYPE.MX, exchange: mx.exchange, priority: mx.priority, ttl: mx.ttl ?? ttl });
      }
    } else if (qtype === 'A' || qtype === 'AAAA') {
      for (const record of (qtype === 'A' ? zone.a : zone.aaaa) ?? []) {
        const { address, ttl: recordTtl } = typeof record === 'string' ? { address: record, ttl } : record;
        add({ type: TYPE_CODES[qtype], address, ttl: recordTtl ?? ttl });
      }
    } else if (qtype === 'TXT') {
      for (const record of zone.txt ?? []) add({ type: Packet.TYPE.TXT, data: record } as Partial<Resource>);
    } else if (qtype === 'CNAME' && zone.cname) {
      const cname = typeof zone.cname === 'string' ? { target: zone.cname } : zone.cname;
      add({ type: Packet.TYPE.CNAME, domain: cname.target, ttl: cname.ttl ?? ttl });
    }
    const negative = zone.negativeTtl === undefined ? serverNegativeTtl : zone.negativeTtl;
    if (response.answers.length === 0 && negative !== null) response.authorities.push(soa(qname, negative));
    return { response, zone: first };
  }

  function handler(transport: 'udp' | 'tcp') {
    return (request: Packet, send: (response: Packet) => Promise<Buffer>) => {
      if (closed) return;
      const result = answer(request, transport);
      if (!result) return;
      const reply = () => {
        if (!closed) send(result.response).catch(() => {});
      };
      const delay = result.zone?.delayMs ?? 0;
      if (delay <= 0) return reply();
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply();
      }, delay);
      timers.add(timer);
    };
  }

  // UDP first on a free port, then TCP on the same port; retry if that port is taken for TCP.
  for (let attempt = 0; ; attempt++) {
    const udp = createUDPServer(handler('udp'));
    await udp.listen(0, '127.0.0.1');
    const { port } = udp.address();
    const tcp = createTCPServer(handler('tcp'));
    tcp.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (!listening) {
      udp.close();
      if (attempt >= 20) throw new Error('dns-server: no free port for UDP and TCP');
      continue;
    }
    udp.on('error', () => {});
    tcp.on('error', () => {});
    return {
      host: '127.0.0.1',
      port,
      address: `127.0.0.1:${port}`,
      zones,
      queries(name, type) {
        const n = normalize(name);
        if (type !== undefined) return counts.get(`${n}|${type.toUpperCase()}`) ?? 0;
        let total = 0;
        for (const [key, count] of counts) if (key.slice(0, key.lastIndexOf('|')) === n) total += count;
        return total;
      },
      log,
      resetCounts() {
        counts.clear();
        log.length = 0;
      },
      async close() {
        if (closed) return;
        closed = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        for (const socket of sockets) socket.destroy();
        await Promise.all([
          new Promise<void>((resolve) => udp.close(() => resolve())),
          new Promise<void>((resolve) => tcp.close(() => resolve())),
        ]);
      },
    };
  }
}
