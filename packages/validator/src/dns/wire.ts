// DNS message encoding and decoding (RFC 1035 §4), just enough for the DNS stage: one question out;
// A, AAAA, MX, CNAME, SOA and TXT records in. We speak the wire format ourselves (rather than through
// node:dns) because node's resolveMx returns no TTLs and no SOA for negative answers, and the stage's
// cache is TTL-aware (RFC 2308 for negative answers).

export const TYPE = { A: 1, CNAME: 5, SOA: 6, MX: 15, TXT: 16, AAAA: 28 } as const;
export type RecordType = (typeof TYPE)[keyof typeof TYPE];

export const CLASS_IN = 1;

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export type RecordData =
  | { type: typeof TYPE.A | typeof TYPE.AAAA; address: string }
  | { type: typeof TYPE.MX; priority: number; exchange: string }
  | { type: typeof TYPE.CNAME; target: string }
  | { type: typeof TYPE.SOA; minimum: number }
  /** The record's character-strings, each decoded as latin1 (octets kept), in order. */
  | { type: typeof TYPE.TXT; strings: string[] }
  | { type: 'other'; code: number };

export type DnsRecord = {
  /** Owner name, lower-case, without the trailing dot ('' is the root). */
  name: string;
  class: number;
  /** Seconds; a TTL with the high bit set counts as 0 (RFC 2181 §8). */
  ttl: number;
} & RecordData;

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  tc: boolean;
  rcode: number;
  questions: { name: string; type: number; class: number }[];
  answers: DnsRecord[];
  authorities: DnsRecord[];
}

/** Thrown for a message that cannot be decoded. Responses that fail to decode are ignored. */
export class DnsWireError extends Error {
  override name = 'DnsWireError';
}

const MAX_NAME_OCTETS = 255;
const MAX_LABEL_OCTETS = 63;

/** Encodes a recursive (RD) query for `name` (ASCII, A-labels) without EDNS; large answers come
 * back truncated and are asked again over TCP. */
export function encodeQuery(id: number, name: string, type: RecordType): Buffer {
  const labels = name === '' ? [] : name.split('.');
  let nameOctets = 1;
  for (const label of labels) {
    if (label.length === 0 || label.length > MAX_LABEL_OCTETS) {
      throw new TypeError(`DNS: invalid label in ${JSON.stringify(name)}`);
    }
    nameOctets += label.length + 1;
  }
  if (nameOctets > MAX_NAME_OCTETS) throw new TypeError(`DNS: name too long: ${JSON.stringify(name)}`);
  const buf = Buffer.alloc(12 + nameOctets + 4);
  buf.writeUInt16BE(id, 0);
  buf.writeUInt16BE(0x0100, 2); // RD
  buf.writeUInt16BE(1, 4); // QDCOUNT
  let offset = 12;
  for (const label of labels) {
    buf[offset++] = label.length;
    for (let i = 0; i < label.length; i++) {
      const code = label.charCodeAt(i);
      if (code > 0x7e || code <= 0x20) {
        throw new TypeError(`DNS: non-ASCII or control character in ${JSON.stringify(name)}`);
      }
      buf[offset++] = code;
    }
  }
  buf[offset++] = 0;
  buf.writeUInt16BE(type, offset);
  buf.writeUInt16BE(CLASS_IN, offset + 2);
  return buf;
}

/** Decodes a (possibly compressed) name at `start`; returns it lower-cased and where it ends. */
function readName(buf: Buffer, start: number): { name: string; end: number } {
  const labels: string[] = [];
  let offset = start;
  let end = -1;
  let octets = 1;
  let jumps = 0;
  for (;;) {
    if (offset >= buf.length) throw new DnsWireError('name runs past the end of the message');
    const len = buf[offset] as number;
    if (len === 0) {
      if (end < 0) end = offset + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (offset + 1 >= buf.length) throw new DnsWireError('truncated compression pointer');
      if (++jumps > 64) throw new DnsWireError('compression pointer loop');
      if (end < 0) end = offset + 2;
      offset = ((len & 0x3f) << 8) | (buf[offset + 1] as number);
      continue;
    }
    if (kind !== 0) throw new DnsWireError('reserved label type');
    octets += len + 1;
    if (octets > MAX_NAME_OCTETS) throw new DnsWireError('name longer than 255 octets');
    if (offset + 1 + len > buf.length) throw new DnsWireError('label runs past the end of the message');
    labels.push(buf.toString('latin1', offset + 1, offset + 1 + len).toLowerCase());
    offset += 1 + len;
  }
  return { name: labels.join('.'), end };
}

function readIPv6(buf: Buffer, offset: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(offset + i * 2).toString(16));
  // RFC 5952: compress the longest run (≥ 2) of zero groups.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

function readRecord(buf: Buffer, start: number): { record: DnsRecord; end: number } {
  const { name, end: nameEnd } = readName(buf, start);
  if (nameEnd + 10 > buf.length) throw new DnsWireError('truncated resource record');
  const type = buf.readUInt16BE(nameEnd);
  const cls = buf.readUInt16BE(nameEnd + 2);
  const rawTtl = buf.readUInt32BE(nameEnd + 4);
  const ttl = rawTtl > 0x7fffffff ? 0 : rawTtl;
  const rdlength = buf.readUInt16BE(nameEnd + 8);
  const rdata = nameEnd + 10;
  const end = rdata + rdlength;
  if (end > buf.length) throw new DnsWireError('RDATA runs past the end of the message');
  const base = { name, class: cls, ttl };
  let data: RecordData;
  switch (type) {
    case TYPE.A:
      if (rdlength !== 4) throw new DnsWireError('A record of the wrong length');
      data = { type, address: `${buf[rdata]}.${buf[rdata + 1]}.${buf[rdata + 2]}.${buf[rdata + 3]}` };
      break;
    case TYPE.AAAA:
      if (rdlength !== 16) throw new DnsWireError('AAAA record of the wrong length');
      data = { type, address: readIPv6(buf, rdata) };
      break;
    case TYPE.MX: {
      if (rdlength < 3) throw new DnsWireError('MX record too short');
      const exchange = readName(buf, rdata + 2);
      if (exchange.end > end) throw new DnsWireError('MX exchange runs past its RDATA');
      data = { type, priority: buf.readUInt16BE(rdata), exchange: exchange.name };
      break;
    }
    case TYPE.CNAME: {
      const target = readName(buf, rdata);
      if (target.end > end) throw new DnsWireError('CNAME target runs past its RDATA');
      data = { type, target: target.name };
      break;
    }
    case TYPE.SOA: {
      const mname = readName(buf, rdata);
      const rname = readName(buf, mname.end);
      if (rname.end + 20 > end) throw new DnsWireError('SOA record too short');
      data = { type, minimum: buf.readUInt32BE(rname.end + 16) };
      break;
    }
    case TYPE.TXT: {
      const strings: string[] = [];
      for (let at = rdata; at < end; ) {
        const length = buf[at] as number;
        if (at + 1 + length > end) throw new DnsWireError('TXT character-string runs past its RDATA');
        strings.push(buf.toString('latin1', at + 1, at + 1 + length));
        at += 1 + length;
      }
      data = { type, strings };
      break;
    }
    default:
      data = { type: 'other', code: type };
  }
  return { record: { ...base, ...data } as DnsRecord, end };
}

export function decodeMessage(buf: Buffer): DnsMessage {
  if (buf.length < 12) throw new DnsWireError('message shorter than its header');
  const flags = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8)] as const;
  const message: DnsMessage = {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    tc: (flags & 0x0200) !== 0,
    rcode: flags & 0xf,
    questions: [],
    answers: [],
    authorities: [],
  };
  let offset = 12;
  for (let i = 0; i < counts[0]; i++) {
    const { name, end } = readName(buf, offset);
    if (end + 4 > buf.length) throw new DnsWireError('truncated question');
    message.questions.push({ name, type: buf.readUInt16BE(end), class: buf.readUInt16BE(end + 2) });
    offset = end + 4;
  }
  // A truncated (TC) message may end mid-section: keep what decoded, the caller retries over TCP.
  try {
    for (let i = 0; i < counts[1]; i++) {
      const { record, end } = readRecord(buf, offset);
      message.answers.push(record);
      offset = end;
    }
    for (let i = 0; i < counts[2]; i++) {
      const { record, end } = readRecord(buf, offset);
      message.authorities.push(record);
      offset = end;
    }
  } catch (error) {
    if (!message.tc) throw error;
  }
  return message;
}
