// MTA-STS (RFC 8461) against a real local DNS server (TXT records), a local HTTPS server serving
// policies with a certificate from a throwaway CA, and local SMTP servers (one with a certificate
// from that CA, one with smtp-server's own self-signed certificate, one without STARTTLS).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDnsStage } from '../src/dns/index.ts';
import { createVerificationEngine, type VerificationEngineOptions } from '../src/engine.ts';
import {
  createMtaSts,
  isSpecialAddress,
  mxMatches,
  parsePolicy,
  parseStsRecord,
} from '../src/mta-sts/index.ts';
import { decide } from '../src/verdict.ts';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { startHttpsServer, type TestHttpsServer } from './support/https-server.ts';
import { createTestPki, type TestPki } from './support/pki.ts';
import { type SmtpCluster, startSmtpCluster, type TestSmtpServer } from './support/smtp-servers.ts';

const policy = (mode: string, ...mx: string[]) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), 'max_age: 86400', ''].join('\r\n');

describe('MTA-STS formats', () => {
  it('reads the policy id from exactly one v=STSv1 TXT record', () => {
    expect(parseStsRecord(['v=STSv1; id=20260101T000000;'])).toBe('20260101T000000');
    expect(parseStsRecord(['v=spf1 -all', 'v=STSv1;id=abc'])).toBe('abc');
    expect(parseStsRecord(['v=STSv1; id=a', 'v=STSv1; id=b'])).toBeNull(); // two records: none
    expect(parseStsRecord(['v=STSv1; id=not-alnum!'])).toBeNull();
    expect(parseStsRecord([`v=STSv1; id=${'x'.repeat(33)}`])).toBeNull();
    expect(parseStsRecord(['v=STSv1;'])).toBeNull();
    expect(parseStsRecord([])).toBeNull();
  });

  it('parses policies: required fields, first instance wins, mx repeats, unknown keys ignored', () => {
    expect(parsePolicy(policy('enforce', 'mx1.example.com', '*.Example.net.'))).toEqual({
      mode: 'enforce',
      mx: ['mx1.example.com', '*.example.net'],
      maxAgeSeconds: 86400,
    });
    expect(parsePolicy('version: STSv1\nmode: none\nmax_age: 0\nfoo: bar\n')).toEqual({
      mode: 'none',
      mx: [],
      maxAgeSeconds: 0,
    });
    expect(parsePolicy('version: STSv1\nmode: testing\nmode: enforce\nmx: a.b\nmax_age: 5')).toMatchObject({
      mode: 'testing',
    });
    expect(parsePolicy('version: STSv2\nmode: enforce\nmx: a.b\nmax_age: 5')).toHaveProperty('error');
    expect(parsePolicy('version: STSv1\nmode: enforce\nmax_age: 5')).toHaveProperty('error'); // no mx
    expect(parsePolicy('version: STSv1\nmode: strict\nmx: a.b\nmax_age: 5')).toHaveProperty('error');
    expect(parsePolicy('version: STSv1\nmode: enforce\nmx: a.b\nmax_age: 31557601')).toHaveProperty('error');
    expect(parsePolicy('version: STSv1\nmode: enforce\nmx: a.b')).toHaveProperty('error');
    expect(parsePolicy('<html>not a policy</html>')).toHaveProperty('error');
  });

  it.each([
    ['mx1.example.com', 'mx1.example.com', true],
    ['MX1.Example.COM.', 'mx1.example.com', true],
    ['mx1.example.com', '*.example.com', true],
    ['example.com', '*.example.com', false],
    ['a.mx1.example.com', '*.example.com', false],
    ['mx1.example.com.evil.test', '*.example.com', false],
    ['mx1example.com', '*.example.com', false],
    ['mx2.example.com', 'mx1.example.com', false],
  ])('MX %s against pattern %s: %s', (host, pattern, expected) => {
    expect(mxMatches(host, pattern)).toBe(expected);
  });

  it('knows private and special addresses', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:10.0.0.1',
    ])
      expect(isSpecialAddress(a)).toBe(true);
    for (const a of ['8.8.8.8', '2a00:1450::1']) expect(isSpecialAddress(a)).toBe(false);
  });
});

describe('MTA-STS against local DNS, HTTPS and SMTP servers', () => {
  let pki: TestPki;
  let dns: TestDnsServer;
  let web: TestHttpsServer;
  let cluster: SmtpCluster;
  let good: TestSmtpServer;
  let selfSigned: TestSmtpServer;
  let plain: TestSmtpServer;
  const engines: { close(): Promise<void> }[] = [];

  const engine = (overrides: Partial<VerificationEngineOptions> = {}) => {
    const created = createVerificationEngine({
      dns: { servers: [dns.address], timeoutMs: 500, tries: 1 },
      smtp: {
        heloName: 'verify.postern.test',
        mailFrom: 'probe@postern.test',
        port: cluster.port,
        connectTimeoutMs: 1000,
        commandTimeoutMs: 1000,
        reuseConnections: false,
        tls: { ca: pki.ca },
      },
      mtaSts: { port: web.port, ca: pki.ca, allowPrivateAddresses: true, timeoutMs: 1000 },
      parse: { allowSpecialUse: true },
      ...overrides,
    });
    engines.push(created);
    return created;
  };
  const check = async (e: ReturnType<typeof engine>, email: string) => {
    const result = await e.validate(email, { depth: 'enhanced' });
    return { result, verdict: decide(result) };
  };
  const stsDomain = (name: string, mx: string[], id = '1') => {
    dns.zones[name] = { mx: mx.map((exchange, i) => ({ exchange, priority: 10 * (i + 1) })) };
    dns.zones[`_mta-sts.${name}`] = { txt: [`v=STSv1; id=${id};`] };
    dns.zones[`mta-sts.${name}`] = { a: ['127.0.0.1'] };
  };

  beforeAll(async () => {
    pki = createTestPki();
    const policyHosts = [
      'enforce.test',
      'partial.test',
      'bad-cert.test',
      'no-tls.test',
      'mismatch.test',
      'testing.test',
      'big.test',
      'slow.test',
      'redirect.test',
      'html.test',
      'cached.test',
    ].map((d) => `mta-sts.${d}`);
    web = await startHttpsServer(pki.issue(policyHosts));
    const mailboxes = { alice: 'accept' } as const;
    cluster = await startSmtpCluster([
      { mailboxes, starttls: true, tls: pki.issue(['mx1.sts.test']) },
      { mailboxes, starttls: true },
      { mailboxes },
    ]);
    [good, selfSigned, plain] = cluster.servers as [TestSmtpServer, TestSmtpServer, TestSmtpServer];
    dns = await startDnsServer({
      'mx1.sts.test': { a: [good.host] },
      'mx-self.sts.test': { a: [selfSigned.host] },
      'mx-plain.sts.test': { a: [plain.host] },
      'other.elsewhere.test': { a: [plain.host] },
    });
    stsDomain('enforce.test', ['mx1.sts.test']);
    stsDomain('partial.test', ['other.elsewhere.test', 'mx1.sts.test']);
    stsDomain('bad-cert.test', ['mx-self.sts.test']);
    stsDomain('no-tls.test', ['mx-plain.sts.test']);
    stsDomain('mismatch.test', ['other.elsewhere.test']);
    stsDomain('testing.test', ['mx-self.sts.test']);
    stsDomain('big.test', ['mx-self.sts.test']);
    stsDomain('slow.test', ['mx-self.sts.test']);
    stsDomain('redirect.test', ['mx-self.sts.test']);
    stsDomain('html.test', ['mx-self.sts.test']);
    stsDomain('cached.test', ['mx1.sts.test']);
    const route = (d: string, body: string, extra = {}) => web.routes.set(`mta-sts.${d}`, { body, ...extra });
    for (const d of ['enforce.test', 'bad-cert.test', 'no-tls.test', 'cached.test'])
      route(d, policy('enforce', '*.sts.test'));
    route('partial.test', policy('enforce', 'mx1.sts.test'));
    route('mismatch.test', policy('enforce', '*.sts.test'));
    route('testing.test', policy('testing', '*.sts.test'));
    route('big.test', `${policy('enforce', '*.sts.test')}${'# padding\n'.repeat(7000)}`);
    route('slow.test', policy('enforce', '*.sts.test'), { delayMs: 3000 });
    route('redirect.test', '', { status: 301, headers: { location: 'https://mta-sts.enforce.test/' } });
    route('html.test', policy('enforce', '*.sts.test'), { contentType: 'text/html' });
  });

  afterAll(async () => {
    await Promise.all(engines.map((e) => e.close()));
    await cluster?.close();
    await web?.close();
    await dns?.close();
    pki?.dispose();
  });

  beforeEach(() => {
    for (const server of cluster.servers) server.reset();
  });

  it('enforce: probes a matching MX over TLS with a certificate that verifies', async () => {
    const { result, verdict } = await check(engine(), 'alice@enforce.test');
    expect(verdict).toMatchObject({ status: 'deliverable', reason: 'mailbox_exists' });
    expect(result.mtaSts).toMatchObject({ status: 'policy', id: '1', mode: 'enforce', enforced: true });
    expect(result.smtp?.evidence).toMatchObject({ mxHost: 'mx1.sts.test', startTls: true });
    expect(good.sessions[0]?.secure).toBe(true);
  });

  it('enforce: an MX outside the policy is never contacted', async () => {
    const { result, verdict } = await check(engine(), 'alice@partial.test');
    expect(verdict.status).toBe('deliverable');
    expect(result.smtp?.evidence.mxHost).toBe('mx1.sts.test');
    expect(plain.connections()).toBe(0);
  });

  it('enforce: no MX matches → unknown, and no SMTP connection at all', async () => {
    const { result, verdict } = await check(engine(), 'alice@mismatch.test');
    expect(verdict).toMatchObject({ status: 'unknown', reason: 'smtp_unavailable', action: 'retry_later' });
    expect(result.smtp?.evidence).toMatchObject({ failure: 'tls' });
    expect(result.smtp?.evidence.message).toMatch(/MTA-STS/);
    expect(plain.connections()).toBe(0);
  });

  it('enforce: a certificate that does not verify → host skipped, session ended with QUIT', async () => {
    const { result, verdict } = await check(engine(), 'alice@bad-cert.test');
    expect(verdict).toMatchObject({ status: 'unknown', reason: 'smtp_unavailable' });
    expect(result.smtp?.evidence).toMatchObject({ failure: 'tls', mxHost: 'mx-self.sts.test' });
    expect(result.smtp?.evidence.message).toMatch(/does not verify/);
    expect(selfSigned.rcpts).toEqual([]);
    await vi.waitFor(() => expect(selfSigned.sessions[0]?.commands.at(-1)).toBe('QUIT'));
    expect(selfSigned.sessions[0]?.secure).toBe(true);
  });

  it('enforce: an MX without STARTTLS is skipped', async () => {
    const { result, verdict } = await check(engine(), 'alice@no-tls.test');
    expect(verdict.status).toBe('unknown');
    expect(result.smtp?.evidence.message).toMatch(/STARTTLS/);
    expect(plain.rcpts).toEqual([]);
    await vi.waitFor(() => expect(plain.sessions[0]?.commands.at(-1)).toBe('QUIT'));
  });

  it('testing: nothing is enforced (opportunistic TLS with an unverified certificate)', async () => {
    const { result, verdict } = await check(engine(), 'alice@testing.test');
    expect(verdict.status).toBe('deliverable');
    expect(result.mtaSts).toMatchObject({ mode: 'testing', enforced: false });
    expect(result.smtp?.evidence.startTls).toBe(true);
  });

  it.each([
    ['big.test', /larger than 65536/],
    ['slow.test', /within 1000 ms/],
    ['redirect.test', /HTTP 301/],
    ['html.test', /text\/plain/],
  ])('%s: no usable policy (%s) → delivery as without MTA-STS', async (domain, detail) => {
    const { result, verdict } = await check(engine(), `alice@${domain}`);
    expect(result.mtaSts).toMatchObject({ status: 'unavailable', enforced: false });
    expect(result.mtaSts?.detail).toMatch(detail);
    expect(verdict.status).toBe('deliverable');
  });

  it('caches the policy by id until max_age; a new id in DNS fetches it again', async () => {
    let clock = 1_000_000;
    const e = engine({
      mtaSts: { port: web.port, ca: pki.ca, allowPrivateAddresses: true, now: () => clock },
    });
    const before = web.requests('mta-sts.cached.test');
    await check(e, 'alice@cached.test');
    const again = await check(e, 'alice@cached.test');
    expect(again.result.mtaSts).toMatchObject({ status: 'policy', id: '1' });
    expect(web.requests('mta-sts.cached.test')).toBe(before + 1);
    dns.zones['_mta-sts.cached.test'] = { txt: ['v=STSv1; id=2;'] };
    clock += 3_600_001; // past the TXT record's cache time, well within max_age
    const changed = await check(e, 'alice@cached.test');
    expect(changed.result.mtaSts).toMatchObject({ status: 'policy', id: '2' });
    expect(web.requests('mta-sts.cached.test')).toBe(before + 2);
  });

  it('the default guard refuses a policy host on a private or loopback address', async () => {
    const dnsStage = createDnsStage({ servers: [dns.address], timeoutMs: 500, tries: 1 });
    const guarded = createMtaSts({ dns: dnsStage, port: web.port, ca: pki.ca });
    const found = await guarded.lookup('enforce.test');
    expect(found).toMatchObject({ status: 'unavailable' });
    expect(found.status === 'unavailable' && found.detail).toMatch(/private or special address: refused/);
    // An injected lookup (the platform's SSRF-checked one) replaces the default guard.
    let asked = '';
    const injected = createMtaSts({
      dns: dnsStage,
      port: web.port,
      ca: pki.ca,
      lookup: ((
        host: string,
        options: { all?: boolean },
        callback: (e: Error | null, ...r: unknown[]) => void,
      ) => {
        asked = host;
        if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
      }) as never,
    });
    expect(await injected.lookup('enforce.test')).toMatchObject({ status: 'policy', id: '1' });
    expect(asked).toBe('mta-sts.enforce.test');
  });
});
