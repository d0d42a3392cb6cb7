import dgram from 'node:dgram';
import { Packet } from 'dns2';
import { describe, expect, it } from 'vitest';
import { createDnsClient, parseServer } from '../src/dns/client.ts';
import { DnsWireError, decodeMessage, encodeQuery, TYPE } from '../src/dns/wire.ts';

describe('wire format', () => {
  it('encodes a recursive query that dns2 reads back', () => {
    const parsed = Packet.parse(encodeQuery(0x1234, 'mail.example.test', TYPE.MX));
    expect(parsed.header).toMatchObject({ id: 0x1234, qr: 0, rd: 1, qdcount: 1 });
    expect(parsed.questions[0]).toMatchObject({ name: 'mail.example.test', type: 15, class: 1 });
  });

  it('refuses names that cannot go on the wire', () => {
    expect(() => encodeQuery(1, `${'a'.repeat(64)}.test`, TYPE.MX)).toThrow(TypeError);
    expect(() => encodeQuery(1, `${'abcdefghi.'.repeat(26)}test`, TYPE.MX)).toThrow(TypeError);
    expect(() => encodeQuery(1, 'a..test', TYPE.MX)).toThrow(TypeError);
    expect(() => encodeQuery(1, 'bücher.test', TYPE.MX)).toThrow(TypeError);
    expect(() => encodeQuery(1, 'a b.test', TYPE.MX)).toThrow(TypeError);
  });

  it('decodes MX, A, AAAA, CNAME and SOA records, with compressed names, TTLs lower-cased', () => {
    const response = new Packet({ id: 7, qr: 1, rcode: 0 } as never);
    response.questions.push(new Packet.Question('Ex.Test', Packet.TYPE.MX, Packet.CLASS.IN));
    const rr = (fields: object) => new Packet.Resource({ class: Packet.CLASS.IN, ...fields });
    response.answers.push(
      rr({ name: 'Ex.Test', type: Packet.TYPE.CNAME, ttl: 10, domain: 'Real.Ex.Test' }),
      rr({ name: 'real.ex.test', type: Packet.TYPE.MX, ttl: 20, exchange: 'MX.Ex.Test', priority: 5 }),
      rr({ name: 'real.ex.test', type: Packet.TYPE.MX, ttl: 20, exchange: '.', priority: 0 }),
      rr({ name: 'mx.ex.test', type: Packet.TYPE.A, ttl: 30, address: '192.0.2.1' }),
      rr({ name: 'mx.ex.test', type: Packet.TYPE.AAAA, ttl: 40, address: '2001:db8:0:0:1::1' }),
    );
    response.authorities.push(
      rr({
        name: 'test',
        type: Packet.TYPE.SOA,
        ttl: 900,
        primary: 'ns.test',
        admin: 'h.test',
        serial: 1,
        refresh: 2,
        retry: 3,
        expiration: 4,
        minimum: 60,
      }),
    );
    const message = decodeMessage(response.toBuffer());
    expect(message).toMatchObject({ id: 7, qr: true, tc: false, rcode: 0 });
    expect(message.questions).toEqual([{ name: 'ex.test', type: 15, class: 1 }]);
    expect(message.answers).toEqual([
      { name: 'ex.test', class: 1, ttl: 10, type: TYPE.CNAME, target: 'real.ex.test' },
      { name: 'real.ex.test', class: 1, ttl: 20, type: TYPE.MX, priority: 5, exchange: 'mx.ex.test' },
      { name: 'real.ex.test', class: 1, ttl: 20, type: TYPE.MX, priority: 0, exchange: '' },
      { name: 'mx.ex.test', class: 1, ttl: 30, type: TYPE.A, address: '192.0.2.1' },
      // IPv6 in RFC 5952 form.
      { name: 'mx.ex.test', class: 1, ttl: 40, type: TYPE.AAAA, address: '2001:db8::1:0:0:1' },
    ]);
    expect(message.authorities).toEqual([{ name: 'test', class: 1, ttl: 900, type: TYPE.SOA, minimum: 60 }]);
  });

  it('counts a TTL with the high bit set as 0 (RFC 2181 §8)', () => {
    const response = new Packet({ id: 7, qr: 1 } as never);
    response.answers.push(
      new Packet.Resource({ name: 'ex.test', type: Packet.TYPE.A, class: 1, ttl: 60, address: '192.0.2.1' }),
    );
    const buf = response.toBuffer();
    buf.writeUInt32BE(0x80000000, buf.length - 4 - 2 - 4); // TTL, RDLENGTH, RDATA end the message
    expect(decodeMessage(buf).answers[0]).toMatchObject({ ttl: 0, address: '192.0.2.1' });
  });

  it('rejects malformed messages instead of looping or reading past the end', () => {
    expect(() => decodeMessage(Buffer.alloc(5))).toThrow(DnsWireError);
    // One question whose name is a pointer to itself.
    const loop = Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 15, 0, 1]);
    expect(() => decodeMessage(loop)).toThrow(/loop/);
    const query = encodeQuery(1, 'ex.test', TYPE.MX);
    const cut = Buffer.concat([query, Buffer.from([0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 20, 0, 10])]);
    cut.writeUInt16BE(1, 6); // ANCOUNT 1, RDATA promised but missing
    expect(() => decodeMessage(cut)).toThrow(DnsWireError);
  });

  it('parses server addresses', () => {
    expect(parseServer('192.0.2.1')).toEqual({ host: '192.0.2.1', port: 53, family: 4 });
    expect(parseServer('192.0.2.1:5353')).toEqual({ host: '192.0.2.1', port: 5353, family: 4 });
    expect(parseServer('2001:db8::1')).toEqual({ host: '2001:db8::1', port: 53, family: 6 });
    expect(parseServer('[2001:db8::1]:5353')).toEqual({ host: '2001:db8::1', port: 5353, family: 6 });
    expect(() => parseServer('resolver.test')).toThrow(TypeError);
  });
});

describe('spoofing defences', () => {
  it('ignores replies with the wrong ID, the wrong question, or from another port', async () => {
    const server = dgram.createSocket('udp4');
    const spoofer = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => spoofer.bind(0, '127.0.0.1', resolve));
    const reply = (query: Packet, patch: (p: Packet) => void) => {
      const response = Packet.createResponseFromRequest(query);
      response.answers.push(
        new Packet.Resource({
          name: 'ex.test',
          type: Packet.TYPE.MX,
          class: Packet.CLASS.IN,
          ttl: 300,
          exchange: 'evil.test',
          priority: 1,
        }),
      );
      patch(response);
      return response.toBuffer();
    };
    server.on('message', (data, rinfo) => {
      const query = Packet.parse(data);
      const send = (buf: Buffer, from = server) => from.send(buf, rinfo.port, rinfo.address);
      send(Buffer.from('garbage'));
      send(reply(query, (r) => (r.header.id = (query.header.id + 1) & 0xffff)));
      send(reply(query, (r) => (r.questions = [new Packet.Question('other.test', Packet.TYPE.MX, 1)])));
      send(
        reply(query, () => {}),
        spoofer,
      );
      const genuine = reply(query, (r) => {
        const answer = r.answers[0];
        if (answer) answer.exchange = 'mx.ex.test';
      });
      setTimeout(() => send(genuine), 30);
    });
    try {
      const client = createDnsClient({
        servers: [`127.0.0.1:${server.address().port}`],
        timeoutMs: 1000,
        tries: 1,
      });
      const result = await client.query('ex.test', TYPE.MX);
      expect(result.kind).toBe('answer');
      if (result.kind !== 'answer') return;
      expect(result.message.answers).toEqual([
        { name: 'ex.test', class: 1, ttl: 300, type: TYPE.MX, priority: 1, exchange: 'mx.ex.test' },
      ]);
    } finally {
      server.close();
      spoofer.close();
    }
  });
});
