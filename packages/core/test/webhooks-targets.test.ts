// SSRF protection of webhook targets: the address and name rules, the save-time URL check, and the
// connect-time check of the real HTTP client against a real local DNS server and a real receiver on
// 127.0.0.1. Nothing is ever sent to a non-loopback address: for literal private addresses the test
// proves no socket is even created (node's `net.client.socket` diagnostics channel), and names that
// resolve to them are refused inside the agent's DNS lookup, before the TCP connect.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import {
  blockedAddressReason,
  checkWebhookUrl,
  createGuardedLookup,
  createTargetPolicy,
  createWebhookHttp,
  isDomainError,
  nextRetryDelay,
  webhookSettings,
} from '../src/index.ts';
import { type Receiver, startReceiver } from './support/webhook-receiver.ts';

const strict = createTargetPolicy({});
const production = createTargetPolicy({ production: true });

function refusal(policy: ReturnType<typeof createTargetPolicy>, url: string): string | null {
  try {
    checkWebhookUrl(policy, url);
    return null;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    expect(error.code).toBe('VALIDATION_FAILED');
    return error.message;
  }
}

describe('blocked addresses', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.0.9', /loopback/],
    ['10.0.0.1', /private/],
    ['172.16.5.4', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['169.254.169.254', /link-local.*metadata/],
    ['0.0.0.0', /unspecified/],
    ['224.0.0.251', /multicast/],
    ['255.255.255.255', /reserved or broadcast/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fe80::1', /link-local/],
    ['fc00::1', /unique-local/],
    ['fd12:3456::1', /unique-local/],
    ['ff02::1', /multicast/],
    ['::ffff:127.0.0.1', /loopback.*IPv4-mapped 127\.0\.0\.1/],
    ['::ffff:a9fe:a9fe', /link-local.*IPv4-mapped 169\.254\.169\.254/],
    ['::ffff:10.1.2.3', /private/],
    ['64:ff9b::a00:1', /private.*NAT64 10\.0\.0\.1/],
    ['2002:7f00:1::', /loopback.*6to4/],
    // Documentation, benchmarking, reserved and tunnel ranges.
    ['192.0.2.1', /documentation address \(TEST-NET-1\)/],
    ['198.51.100.7', /documentation address \(TEST-NET-2\)/],
    ['203.0.113.255', /documentation address \(TEST-NET-3\)/],
    ['192.88.99.1', /6to4 relay anycast/],
    ['198.18.0.1', /benchmarking/],
    ['198.19.255.255', /benchmarking/],
    ['240.0.0.1', /reserved/],
    ['2001:db8::1', /documentation/],
    ['2001:db8:ffff::1', /documentation/],
    ['3fff:fff::1', /documentation/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['2001::1', /Teredo/],
    ['2001:2::1', /benchmarking/],
    ['2001:10::1', /ORCHID/],
    ['100::1', /discard-only/],
    ['64:ff9b:1::a', /local-use NAT64/],
    ['64:ff9b::c000:201', /documentation.*NAT64 192\.0\.2\.1/],
    ['64:ff9b::7f00:1', /loopback.*NAT64 127\.0\.0\.1/],
    ['2002:c000:0204::1', /documentation.*6to4 192\.0\.2\.4/],
    ['2002:a9fe:a9fe::', /link-local.*6to4 169\.254\.169\.254/],
    ['::ffff:203.0.113.9', /documentation.*IPv4-mapped/],
  ])('%s is refused', (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
  });

  it.each([
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    // Next to the ranges above, outside them.
    '192.0.3.1',
    '198.51.101.1',
    '203.0.112.255',
    '198.20.0.1',
    '2001:db9::1',
    '2001:4860:4860::8888',
    '4000::1',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('%s is public', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });
});

describe('checkWebhookUrl (on save and before every attempt)', () => {
  it.each([
    ['http://127.0.0.1/hook', /127\.0\.0\.1 is a loopback address.*WEBHOOK_ALLOWED_TARGETS/],
    ['http://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/],
    ['http://[::1]:8080/hook', /::1 is a loopback address/],
    ['http://[::ffff:127.0.0.1]/hook', /loopback/],
    ['http://[fd00::5]/hook', /unique-local/],
    ['https://192.0.2.10/hook', /192\.0\.2\.10 is a documentation address/],
    ['https://198.51.100.7/hook', /documentation address/],
    ['https://203.0.113.1/hook', /documentation address/],
    ['https://[2001:db8::5]/hook', /2001:db8::5 is a documentation address/],
    ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook', /Teredo tunnel address/],
    ['https://[64:ff9b::c633:6407]/hook', /documentation.*NAT64 198\.51\.100\.7/],
    ['https://[2002:cb00:7101::]/hook', /documentation.*6to4 203\.0\.113\.1/],
    ['https://198.18.5.5/hook', /benchmarking/],
    ['https://255.255.255.255/hook', /reserved or broadcast/],
    ['https://[100::1]/hook', /discard-only/],
    // The WHATWG URL parser normalises every IPv4 spelling, so these are caught too.
    ['http://2130706433/hook', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f.1/hook', /127\.0\.0\.1 is a loopback/],
    ['http://017700000001/hook', /127\.0\.0\.1 is a loopback/],
    ['http://localhost:3000/hook', /localhost is a name of this machine/],
    ['http://api.localhost/hook', /name of this machine/],
    ['http://metadata.google.internal/computeMetadata/v1/', /cloud metadata/],
    ['http://LOCALHOST./hook', /localhost is a name of this machine/],
    ['ftp://example.com/hook', /Only http:\/\/ and https:\/\//],
    ['file:///etc/passwd', /Only http:\/\/ and https:\/\//],
    ['https://user:pass@example.com/hook', /Remove the user name and password/],
    ['not a url', /not valid/],
  ])('refuses %s', (url, message) => {
    expect(refusal(strict, url)).toMatch(message);
  });

  it('accepts public names and addresses', () => {
    expect(refusal(strict, 'https://hooks.example.com/postern?x=1')).toBeNull();
    expect(refusal(strict, 'http://93.184.216.34:8080/hook')).toBeNull();
    expect(checkWebhookUrl(strict, ' https://Hooks.Example.com/a ').href).toBe('https://hooks.example.com/a');
  });

  it('requires https in production, except for allowed targets', () => {
    expect(refusal(production, 'http://hooks.example.com/x')).toMatch(/Use an https:\/\/ URL/);
    expect(refusal(production, 'https://hooks.example.com/x')).toBeNull();
    const allowed = createTargetPolicy({
      production: true,
      allowedTargets: ['10.0.0.0/8', 'hooks.internal'],
    });
    expect(refusal(allowed, 'http://10.1.2.3/x')).toBeNull();
    expect(refusal(allowed, 'http://hooks.internal/x')).toBeNull();
  });

  it('lets WEBHOOK_ALLOWED_TARGETS open exactly what it lists', () => {
    const policy = createTargetPolicy({
      allowedTargets: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'localhost', '*.svc.cluster.local'],
    });
    expect(refusal(policy, 'http://127.0.0.1:9999/x')).toBeNull();
    expect(refusal(policy, 'http://[::ffff:127.0.0.1]/x')).toBeNull();
    expect(refusal(policy, 'http://10.200.0.1/x')).toBeNull();
    expect(refusal(policy, 'http://[fd00::1]/x')).toBeNull();
    expect(refusal(policy, 'http://localhost/x')).toBeNull();
    expect(refusal(policy, 'http://hooks.default.svc.cluster.local/x')).toBeNull();
    expect(refusal(policy, 'http://127.0.0.2/x')).toMatch(/loopback/);
    expect(refusal(policy, 'http://192.168.0.1/x')).toMatch(/private/);
    expect(refusal(policy, 'http://169.254.169.254/x')).toMatch(/link-local/);
  });
});

describe('retry schedule', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with ±20 % jitter, then gives up', () => {
    const settings = webhookSettings();
    const expected = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
    expected.forEach((base, i) => {
      expect(nextRetryDelay(settings, i + 1, null, () => 0)).toBe(Math.round(base * 0.8));
      expect(nextRetryDelay(settings, i + 1, null, () => 1)).toBe(Math.round(base * 1.2));
    });
    expect(nextRetryDelay(settings, 8, null)).toBeNull();
    const total = expected.reduce((a, b) => a + b, 0) / 3_600_000;
    expect(total).toBeGreaterThan(24);
    expect(total).toBeLessThan(30);
  });

  it('honours Retry-After, capped at an hour', () => {
    const settings = webhookSettings();
    expect(nextRetryDelay(settings, 1, 120_000, () => 0.5)).toBe(120_000);
    expect(nextRetryDelay(settings, 1, 1_000, () => 0.5)).toBe(5_000);
    expect(nextRetryDelay(settings, 1, 86_400_000, () => 0.5)).toBe(3_600_000);
  });
});

describe('connect-time checks of the HTTP client', () => {
  let dns: TestDnsServer;
  let receiver: Receiver;
  let sockets = 0;
  const onSocket = () => {
    sockets += 1;
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    dns = await startDnsServer({
      'loopback.rebind.test': { a: ['127.0.0.1'], ttl: 0 },
      'private.rebind.test': { a: ['10.0.0.1'], ttl: 0 },
      'metadata.rebind.test': { a: ['169.254.169.254'], ttl: 0 },
      'v6.rebind.test': { aaaa: ['::1'], ttl: 0 },
      'mixed.rebind.test': { a: ['93.184.216.34', '127.0.0.1'], ttl: 0 },
      'flip.rebind.test': { a: ['93.184.216.34'], ttl: 0 },
      'doc.rebind.test': { a: ['203.0.113.5'], ttl: 0 },
      'bench.rebind.test': { a: ['198.18.0.9'], ttl: 0 },
      'docv6.rebind.test': { aaaa: ['2001:db8::7'], ttl: 0 },
      'teredo.rebind.test': { aaaa: ['2001:0:4136:e378:8000:63bf:3fff:fdd2'], ttl: 0 },
      'nat64.rebind.test': { aaaa: ['64:ff9b::a9fe:a9fe'], ttl: 0 },
      'allowed.rebind.test': { a: ['127.0.0.1'], ttl: 0 },
    });
    subscribe('net.client.socket', onSocket);
  });

  afterAll(async () => {
    unsubscribe('net.client.socket', onSocket);
    await receiver?.close();
    await dns?.close();
  });

  const client = (allowedTargets: string[] = []) =>
    createWebhookHttp({
      policy: createTargetPolicy({ allowedTargets }),
      timeoutMs: 2000,
      maxResponseBytes: 2048,
      dnsServers: [dns.address],
    });

  it.each([
    'http://127.0.0.1:PORT/hook',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:PORT/hook',
  ])('refuses the literal %s before any socket exists', async (template) => {
    const http = client();
    const before = sockets;
    const result = await http.post(template.replace('PORT', String(receiver.port)), {}, '{}');
    expect(result).toMatchObject({ statusCode: null, refused: true });
    expect(result.error).toMatch(/target refused/);
    expect(sockets - before).toBe(0);
    await http.close();
  });

  it.each([
    ['loopback.rebind.test', /resolves to 127\.0\.0\.1, a loopback address/],
    ['private.rebind.test', /resolves to 10\.0\.0\.1, a private address/],
    ['metadata.rebind.test', /resolves to 169\.254\.169\.254, a link-local address/],
    ['v6.rebind.test', /resolves to ::1, a loopback address/],
    // One bad address among good ones is enough to refuse: every resolved address is checked.
    ['mixed.rebind.test', /resolves to 127\.0\.0\.1/],
    ['doc.rebind.test', /resolves to 203\.0\.113\.5, a documentation address/],
    ['bench.rebind.test', /resolves to 198\.18\.0\.9, a network benchmarking address/],
    ['docv6.rebind.test', /resolves to 2001:db8::7, a documentation address/],
    ['teredo.rebind.test', /resolves to 2001:0:4136:e378:8000:63bf:3fff:fdd2, a Teredo tunnel address/],
    ['nat64.rebind.test', /resolves to 64:ff9b::a9fe:a9fe, a link-local address.*NAT64 169\.254\.169\.254/],
  ])('refuses %s inside the DNS lookup, before connecting', async (host, message) => {
    const http = client();
    const arrived = receiver.received.length;
    const result = await http.post(`http://${host}:${receiver.port}/hook`, {}, '{}');
    expect(result.refused).toBe(true);
    expect(result.error).toMatch(message);
    expect(receiver.received.length).toBe(arrived);
    await http.close();
  });

  it('refuses a name that resolved to a public address when saved and to 127.0.0.1 at delivery (rebinding)', async () => {
    const url = `http://flip.rebind.test:${receiver.port}/hook`;
    // When saved: the URL passes, and the name resolves to a public-looking address (no connection made).
    expect(refusal(strict, url)).toBeNull();
    const lookup = createGuardedLookup(strict, { servers: [dns.address] });
    const first = await new Promise<unknown>((resolve, reject) =>
      lookup('flip.rebind.test', { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
    );
    expect(first).toEqual([{ address: '93.184.216.34', family: 4 }]);
    // At delivery the name now points at this machine: refused at connect time, nothing arrives.
    dns.zones['flip.rebind.test'] = { a: ['127.0.0.1'], ttl: 0 };
    const http = client();
    const arrived = receiver.received.length;
    const result = await http.post(url, {}, '{"a":1}');
    expect(result).toMatchObject({ refused: true, statusCode: null });
    expect(result.error).toMatch(/flip\.rebind\.test resolves to 127\.0\.0\.1, a loopback address/);
    expect(receiver.received.length).toBe(arrived);
    await http.close();
  });

  it('delivers to loopback targets the allowlist names (by address or by host name)', async () => {
    for (const [allowed, url] of [
      ['127.0.0.1', `http://127.0.0.1:${receiver.port}/a`],
      ['127.0.0.0/8', `http://loopback.rebind.test:${receiver.port}/b`],
      ['allowed.rebind.test', `http://allowed.rebind.test:${receiver.port}/c`],
    ] as const) {
      const http = client([allowed]);
      const result = await http.post(url, { 'content-type': 'application/json' }, '{"ok":true}');
      expect(result, allowed).toMatchObject({ statusCode: 200, response: 'ok', error: null });
      await http.close();
    }
    expect(receiver.received.at(-1)?.body).toBe('{"ok":true}');
  });

  it('does not follow redirects', async () => {
    receiver.respond = (_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    };
    const before = sockets;
    const http = client(['127.0.0.1']);
    const result = await http.post(`http://127.0.0.1:${receiver.port}/r`, {}, '{}');
    expect(result.statusCode).toBe(302);
    expect(sockets - before).toBe(1);
    await http.close();
  });
});
