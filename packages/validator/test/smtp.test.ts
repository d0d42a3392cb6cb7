// The SMTP probe against real SMTP servers (smtp-server) on loopback addresses.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  classifyRcpt,
  createSmtpProber,
  enhancedCodeOf,
  messageOf,
  type ProbeAddress,
  randomLocalPart,
  retryAfterOf,
  type SmtpProber,
  type SmtpProberOptions,
} from '../src/smtp/index.ts';
import type { MxHost } from '../src/types.ts';
import {
  closedPort,
  type SmtpCluster,
  startSmtpCluster,
  type TestSmtpServer,
} from './support/smtp-servers.ts';

const HELO = 'probe.postern.test';
const MAIL_FROM = 'verify@postern.test';

const address = (text: string): ProbeAddress => ({
  local: text.slice(0, text.lastIndexOf('@')),
  ascii: text,
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test
  smtputf8: !/^[\x00-\x7f]*$/.test(text),
});

describe('RCPT reply mapping', () => {
  const rcpt = (code: number, ...lines: string[]) => classifyRcpt({ code, lines });

  it('maps accepted, not found, full, greylisted and blocked replies', () => {
    expect(rcpt(250, '2.1.5 Ok').status).toBe('accepted');
    expect(rcpt(251, 'User not local; will forward').status).toBe('accepted');
    expect(rcpt(550, '5.1.1 The email account that you tried to reach does not exist.').status).toBe(
      'mailbox_not_found',
    );
    expect(rcpt(550, '5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found').status).toBe(
      'mailbox_not_found',
    );
    expect(rcpt(553, '5.1.0 Address rejected').status).toBe('mailbox_not_found');
    expect(rcpt(550, 'No such user here').status).toBe('mailbox_not_found');
    expect(rcpt(554, "delivery error: dd This user doesn't have a yahoo.com account").status).toBe(
      'mailbox_not_found',
    );
    expect(rcpt(550, '5.5.0 Requested action not taken: mailbox unavailable').status).toBe(
      'mailbox_not_found',
    );
    expect(rcpt(552, '5.2.2 Mailbox full').status).toBe('mailbox_full');
    expect(rcpt(550, '5.2.2 The email account that you tried to reach is over quota').status).toBe(
      'mailbox_full',
    );
    expect(rcpt(452, '4.2.2 The email account that you tried to reach is over quota').status).toBe(
      'mailbox_full',
    );
    expect(rcpt(554, '5.7.1 Service unavailable; Client host [1.2.3.4] blocked using Spamhaus').status).toBe(
      'blocked',
    );
    expect(rcpt(550, 'Message rejected due to local policy').status).toBe('blocked');
    expect(rcpt(550, '5.7.1 Recipient address rejected: Access denied').status).toBe('blocked');
    expect(rcpt(451, '4.7.1 Greylisting in action, please come back later')).toEqual({
      status: 'greylisted',
      retryAfterMs: 300_000,
    });
    expect(rcpt(450, '4.2.0 Recipient address rejected: Greylisted for 5 minutes').retryAfterMs).toBe(
      300_000,
    );
    expect(rcpt(451, '4.3.2 Try again in 60 seconds')).toEqual({
      status: 'greylisted',
      retryAfterMs: 60_000,
    });
    expect(rcpt(450, 'Requested mail action not taken: mailbox busy').status).toBe('greylisted');
    expect(rcpt(421, '4.7.0 Temporary System Problem. Try again later').status).toBe('greylisted');
    expect(rcpt(500, '5.5.2 Syntax error, command unrecognized').status).toBe('unknown');
  });

  it('parses enhanced codes, messages and retry delays', () => {
    const reply = {
      code: 550,
      lines: ['5.1.1 The email account that you tried to reach does', '5.1.1 not exist.'],
    };
    expect(enhancedCodeOf(reply)).toBe('5.1.1');
    expect(messageOf(reply)).toBe('The email account that you tried to reach does not exist.');
    expect(enhancedCodeOf({ code: 250, lines: ['Accepted'] })).toBeNull();
    expect(messageOf({ code: 550, lines: ['x'.repeat(1000)] }).length).toBeLessThanOrEqual(240);
    expect(retryAfterOf({ code: 451, lines: ['try again in 2 hours'] })).toBe(3_600_000);
    expect(retryAfterOf({ code: 451, lines: ['try again in 1 second'] })).toBe(10_000);
    expect(retryAfterOf({ code: 451, lines: ['later'] })).toBe(300_000);
  });

  it('makes random local parts of 24 base32 characters', () => {
    const local = randomLocalPart();
    expect(local).toMatch(/^[a-z2-7]{24}$/);
    expect(randomLocalPart()).not.toBe(local);
  });
});

describe('SMTP probe against local servers', () => {
  let cluster: SmtpCluster;
  let main: TestSmtpServer;
  let backup: TestSmtpServer;
  let busy: TestSmtpServer;
  let refusing: TestSmtpServer;
  let tlsServer: TestSmtpServer;
  let noUtf8: TestSmtpServer;
  let heloOnly: TestSmtpServer;
  let noPipelining: TestSmtpServer;
  let loaded: TestSmtpServer;
  let brokenTls: TestSmtpServer;
  let probers: SmtpProber[] = [];

  const prober = (options: Partial<SmtpProberOptions> = {}) => {
    const created = createSmtpProber({
      heloName: HELO,
      mailFrom: MAIL_FROM,
      port: cluster.port,
      connectTimeoutMs: 1000,
      commandTimeoutMs: 1000,
      ...options,
    });
    probers.push(created);
    return created;
  };
  const mx = (server: TestSmtpServer, priority = 10): MxHost => ({ exchange: server.host, priority });

  beforeAll(async () => {
    const mailboxes = {
      alice: 'accept',
      grey: 'greylist',
      full: 'full',
      fulltmp: 'full_temporary',
      spam: 'blocked',
      slow: 'slow',
      drop: 'drop',
      deferred: { code: 421, message: '4.7.0 Temporarily deferred, try again later' },
      δοκιμή: 'accept',
    } as const;
    cluster = await startSmtpCluster([
      { mailboxes, catchAllDomains: ['catchall.test'], slowMs: 3000 },
      { mailboxes: { alice: 'accept' } },
      { greeting: 'busy' },
      { greeting: 'refuse' },
      { mailboxes, starttls: true },
      { mailboxes, smtputf8: false },
      { mailboxes, heloOnly: true },
      { mailboxes, pipelining: false, catchAllDomains: ['catchall.test'] },
      { otherwise: 'accept', rcptDelayMs: 20 },
      { mailboxes, brokenTls: true },
    ]);
    const server = (index: number) => cluster.servers[index] as TestSmtpServer;
    main = server(0);
    backup = server(1);
    busy = server(2);
    refusing = server(3);
    tlsServer = server(4);
    noUtf8 = server(5);
    heloOnly = server(6);
    noPipelining = server(7);
    loaded = server(8);
    brokenTls = server(9);
  });

  afterAll(async () => {
    await cluster?.close();
  });

  beforeEach(() => {
    for (const server of cluster.servers) server.reset();
  });

  afterEach(async () => {
    await Promise.all(probers.map((p) => p.close()));
    probers = [];
  });

  it('reports an accepted mailbox with its evidence (and that the domain is no catch-all)', async () => {
    const result = await prober().probe(address('alice@example.test'), [mx(main)]);
    expect(result).toMatchObject({
      status: 'accepted',
      retryAfterMs: null,
      catchAll: false,
      evidence: {
        mxHost: main.host,
        replyCode: 250,
        enhancedCode: null,
        message: 'Accepted',
        startTls: false,
      },
    });
    expect(result.evidence.ms).toBeGreaterThan(0);
  });

  it('maps an unknown mailbox (550 5.1.1)', async () => {
    const result = await prober().probe(address('nobody@example.test'), [mx(main)]);
    expect(result.status).toBe('mailbox_not_found');
    expect(result.catchAll).toBe(false);
    expect(result.evidence).toMatchObject({ replyCode: 550, enhancedCode: '5.1.1' });
    expect(result.evidence.message).toMatch(/User unknown/);
  });

  it('maps greylisting to retry later, with the delay the server named', async () => {
    const result = await prober().probe(address('grey@example.test'), [mx(main)]);
    expect(result).toMatchObject({ status: 'greylisted', retryAfterMs: 90_000 });
    expect(result.evidence).toMatchObject({ replyCode: 451, enhancedCode: '4.7.1' });
  });

  it('stops at a greylisting MX instead of asking the backup (which would accept anything)', async () => {
    const result = await prober().probe(address('grey@example.test'), [mx(main, 10), mx(backup, 20)]);
    expect(result.status).toBe('greylisted');
    expect(backup.connections()).toBe(0);
  });

  it('treats a 421 to RCPT as a deferral of that address, not a reason to ask the backup MX', async () => {
    const p = prober();
    const result = await p.probe(address('deferred@example.test'), [mx(main, 10), mx(backup, 20)]);
    expect(result).toMatchObject({ status: 'greylisted', retryAfterMs: 300_000 });
    expect(result.evidence).toMatchObject({ replyCode: 421, enhancedCode: '4.7.0' });
    expect(backup.connections()).toBe(0);
    // The server closed that session: the next probe opens a new one.
    expect((await p.probe(address('alice@example.test'), [mx(main)])).status).toBe('accepted');
    expect(main.connections()).toBe(2);
  });

  it('maps a full mailbox (552 5.2.2 and 452 4.2.2)', async () => {
    const p = prober();
    const permanent = await p.probe(address('full@example.test'), [mx(main)]);
    expect(permanent.status).toBe('mailbox_full');
    expect(permanent.evidence).toMatchObject({ replyCode: 552, enhancedCode: '5.2.2' });
    const temporary = await p.probe(address('fulltmp@example.test'), [mx(main)]);
    expect(temporary.status).toBe('mailbox_full');
    expect(temporary.evidence).toMatchObject({ replyCode: 452, enhancedCode: '4.2.2' });
  });

  it('maps an anti-spam block (554 5.7.1)', async () => {
    const result = await prober().probe(address('spam@example.test'), [mx(main)]);
    expect(result.status).toBe('blocked');
    expect(result.evidence).toMatchObject({ replyCode: 554, enhancedCode: '5.7.1' });
    expect(result.evidence.message).toMatch(/spamhaus/);
  });

  it('times out fast on a slow server and reports unknown', async () => {
    const started = performance.now();
    const result = await prober({ commandTimeoutMs: 200 }).probe(address('slow@example.test'), [mx(main)]);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(result.status).toBe('unknown');
    expect(result.evidence.message).toMatch(/within 200 ms/);
    expect(result.evidence.mxHost).toBe(main.host);
    expect(result.evidence.failure).toBe('timeout');
  });

  it('moves on to the next MX after a timeout', async () => {
    const result = await prober({ commandTimeoutMs: 200 }).probe(address('slow@example.test'), [
      mx(main, 10),
      mx(noPipelining, 20),
    ]);
    // The second server has its own `slow` mailbox: both time out.
    expect(result.status).toBe('unknown');
    expect(result.evidence.mxHost).toBe(noPipelining.host);
    expect(noPipelining.rcpts).toContain('slow@example.test');
  });

  it('reports unknown when the server drops the connection', async () => {
    const result = await prober().probe(address('drop@example.test'), [mx(main)]);
    expect(result.status).toBe('unknown');
    expect(result.evidence.message).toMatch(/closed/);
  });

  it('fails over from a dead MX (port closed) to the next one, in priority order', async () => {
    // Listed out of order: priorities decide.
    const result = await prober().probe(address('alice@example.test'), [
      mx(backup, 20),
      { exchange: cluster.deadHost, priority: 5 },
    ]);
    expect(result.status).toBe('accepted');
    expect(result.evidence.mxHost).toBe(backup.host);
  });

  it('fails over from an MX that answers 421 at the greeting', async () => {
    const result = await prober().probe(address('alice@example.test'), [mx(busy, 10), mx(backup, 20)]);
    expect(result.status).toBe('accepted');
    expect(result.evidence.mxHost).toBe(backup.host);
    expect(busy.connections()).toBe(1);
  });

  it('reports unknown when every MX answers 421 at the greeting or is down', async () => {
    const result = await prober().probe(address('alice@example.test'), [
      mx(busy, 10),
      { exchange: cluster.deadHost, priority: 20 },
      mx(busy, 30),
    ]);
    expect(result.status).toBe('unknown');
    expect(result.evidence).toMatchObject({
      mxHost: busy.host,
      replyCode: 421,
      enhancedCode: '4.3.2',
      failure: 'session',
    });
  });

  it('reports blocked when an MX refuses the session with a 5xx greeting and none answers', async () => {
    const result = await prober().probe(address('alice@example.test'), [mx(refusing, 10), mx(busy, 20)]);
    expect(result.status).toBe('blocked');
    expect(result.evidence).toMatchObject({ mxHost: refusing.host, replyCode: 554 });
  });

  it('stops at the first definitive RCPT answer', async () => {
    const result = await prober().probe(address('nobody@example.test'), [mx(main, 10), mx(backup, 20)]);
    expect(result.status).toBe('mailbox_not_found');
    expect(backup.connections()).toBe(0);
  });

  it('reports unknown without MX hosts', async () => {
    const result = await prober().probe(address('alice@example.test'), []);
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { mxHost: null, replyCode: null, failure: 'connect' },
    });
  });

  it('uses STARTTLS when offered (opportunistic: the self-signed certificate is accepted)', async () => {
    const result = await prober({ tls: { rejectUnauthorized: false } }).probe(address('alice@example.test'), [
      mx(tlsServer),
    ]);
    expect(result.status).toBe('accepted');
    expect(result.evidence.startTls).toBe(true);
    const [session] = tlsServer.sessions;
    expect(session?.secure).toBe(true);
    expect(session?.commands.slice(0, 3)).toEqual([`EHLO ${HELO}`, 'STARTTLS', `EHLO ${HELO}`]);
    // Default options behave the same (certificates are not verified between MTAs, RFC 7435): the
    // expired self-signed certificate still gets the probe over TLS, and the session ends with QUIT.
    const byDefault = prober();
    const unverified = await byDefault.probe(address('alice@example.test'), [mx(tlsServer)]);
    expect(unverified).toMatchObject({ status: 'accepted', evidence: { startTls: true, failure: null } });
    await byDefault.close();
    expect(tlsServer.sessions.at(-1)?.commands.at(-1)).toBe('QUIT');
  });

  it('skips an MX whose certificate does not verify when verification is required', async () => {
    const result = await prober({ tls: { rejectUnauthorized: true } }).probe(address('alice@example.test'), [
      mx(tlsServer, 10),
      mx(backup, 20),
    ]);
    expect(result.status).toBe('accepted');
    expect(result.evidence).toMatchObject({ mxHost: backup.host, startTls: false });
    const alone = await prober({ tls: { rejectUnauthorized: true } }).probe(address('alice@example.test'), [
      mx(tlsServer),
    ]);
    expect(alone.status).toBe('unknown');
    expect(alone.evidence.message).toMatch(/certificate .* does not verify/);
    expect(alone.evidence.failure).toBe('tls');
    // The unverified host is left politely: QUIT over the TLS session, and no MAIL or RCPT.
    await vi.waitFor(() => expect(tlsServer.sessions.every((s) => s.commands.at(-1) === 'QUIT')).toBe(true));
    for (const session of tlsServer.sessions) {
      expect(session.secure).toBe(true);
      expect(session.commands.some((c) => /^(MAIL|RCPT)/.test(c))).toBe(false);
    }
  });

  it('falls back to plain text after a failed TLS handshake, and remembers it for the host', async () => {
    const p = prober({ reuseConnections: false });
    const result = await p.probe(address('alice@example.test'), [mx(brokenTls)]);
    expect(result).toMatchObject({ status: 'accepted', evidence: { startTls: false } });
    expect(brokenTls.connections()).toBe(2);
    // The next connection to that host goes straight to plain text.
    await p.probe(address('alice@example.test'), [mx(brokenTls)]);
    expect(brokenTls.connections()).toBe(3);
    expect(brokenTls.sessions.map((s) => s.commands.includes('STARTTLS'))).toEqual([true, false, false]);
  });

  it('does not use STARTTLS when it is not offered', async () => {
    const result = await prober().probe(address('alice@example.test'), [mx(main)]);
    expect(result.evidence.startTls).toBe(false);
    expect(main.sessions[0]?.commands).not.toContain('STARTTLS');
  });

  it('sends SMTPUTF8 only when the address needs it', async () => {
    const p = prober({ reuseConnections: false });
    await p.probe(address('alice@example.test'), [mx(main)]);
    const utf8 = await p.probe(address('δοκιμή@example.test'), [mx(main)]);
    expect(utf8.status).toBe('accepted');
    const mails = main.sessions.flatMap((session) => session.commands.filter((c) => c.startsWith('MAIL')));
    expect(mails).toEqual([`MAIL FROM:<${MAIL_FROM}>`, `MAIL FROM:<${MAIL_FROM}> SMTPUTF8`]);
    expect(main.rcpts).toContain('δοκιμή@example.test');
  });

  it('reports smtputf8_unsupported, without a RCPT, when the server lacks SMTPUTF8', async () => {
    const p = prober();
    const result = await p.probe(address('δοκιμή@example.test'), [mx(noUtf8), mx(backup, 20)]);
    expect(result.status).toBe('smtputf8_unsupported');
    expect(result.evidence.mxHost).toBe(noUtf8.host);
    expect(result.evidence.message).toMatch(/SMTPUTF8/);
    expect(noUtf8.rcpts).toEqual([]);
    expect(noUtf8.sessions.flatMap((s) => s.commands).some((c) => c.startsWith('MAIL'))).toBe(false);
    expect(backup.connections()).toBe(0);
    // An ASCII address on the same server is probed as usual.
    expect((await p.probe(address('alice@example.test'), [mx(noUtf8)])).status).toBe('accepted');
  });

  it('falls back to HELO when EHLO is refused (and then cannot use SMTPUTF8)', async () => {
    const p = prober();
    expect((await p.probe(address('alice@example.test'), [mx(heloOnly)])).status).toBe('accepted');
    expect(heloOnly.sessions[0]?.commands.slice(0, 2)).toEqual([`EHLO ${HELO}`, `HELO ${HELO}`]);
    expect((await p.probe(address('δοκιμή@example.test'), [mx(heloOnly)])).status).toBe(
      'smtputf8_unsupported',
    );
  });

  it('detects a catch-all domain with a random RCPT and caches the answer per domain', async () => {
    let clock = 1_000_000;
    const p = prober({ now: () => clock, catchAllTtlMs: 60_000 });
    const first = await p.probe(address('someone@catchall.test'), [mx(main)]);
    expect(first).toMatchObject({ status: 'catch_all', catchAll: true });
    expect(main.rcpts).toHaveLength(2);
    expect(main.rcpts[1]).toMatch(/^[a-z2-7]{24}@catchall\.test$/);

    const second = await p.probe(address('other@catchall.test'), [mx(main)]);
    expect(second).toMatchObject({ status: 'catch_all', catchAll: true });
    expect(main.rcpts).toHaveLength(3); // one RCPT: the answer came from the cache

    clock += 60_001;
    await p.probe(address('third@catchall.test'), [mx(main)]);
    expect(main.rcpts).toHaveLength(5); // expired: asked again
  });

  it('caches "no catch-all" too, and works without PIPELINING', async () => {
    const p = prober();
    expect((await p.probe(address('alice@example.test'), [mx(noPipelining)])).catchAll).toBe(false);
    expect(noPipelining.rcpts).toHaveLength(2);
    expect((await p.probe(address('alice@example.test'), [mx(noPipelining)])).status).toBe('accepted');
    expect(noPipelining.rcpts).toHaveLength(3);
    expect((await p.probe(address('x@catchall.test'), [mx(noPipelining)])).status).toBe('catch_all');
  });

  it('keeps to maxPerMx concurrent sessions under 20 concurrent probes', async () => {
    const p = prober({ maxPerMx: 2 });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => p.probe(address(`user${i}@loaded.test`), [mx(loaded)])),
    );
    expect(results.every((r) => r.status === 'catch_all' || r.status === 'accepted')).toBe(true);
    expect(loaded.maxConcurrent()).toBe(2);
    expect(loaded.connections()).toBe(2);
  });

  it('uses more sessions when the limit allows', async () => {
    const p = prober({ maxPerMx: 5 });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => p.probe(address(`u${i}@loaded.test`), [mx(loaded)])),
    );
    expect(loaded.maxConcurrent()).toBeGreaterThan(2);
    expect(loaded.maxConcurrent()).toBeLessThanOrEqual(5);
  });

  it('reuses connections (RSET between probes) and QUITs them on close', async () => {
    const p = prober();
    for (const name of ['alice', 'nobody', 'grey', 'full', 'alice']) {
      await p.probe(address(`${name}@example.test`), [mx(main)]);
    }
    expect(main.connections()).toBe(1);
    const [session] = main.sessions;
    expect(session?.commands.filter((c) => c === 'RSET')).toHaveLength(4);
    await p.close();
    expect(session?.commands.at(-1)).toBe('QUIT');
  });

  it('QUITs after each probe when reuse is off', async () => {
    const p = prober({ reuseConnections: false });
    await p.probe(address('alice@example.test'), [mx(main)]);
    await p.probe(address('nobody@example.test'), [mx(main)]);
    await p.close();
    expect(main.connections()).toBe(2);
    for (const session of main.sessions) {
      expect(session.commands.at(-1)).toBe('QUIT');
      expect(session.commands).not.toContain('RSET');
    }
  });

  it('retries on a fresh connection when the server dropped a pooled one', async () => {
    const p = prober();
    await p.probe(address('alice@example.test'), [mx(main)]);
    main.dropAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const result = await p.probe(address('nobody@example.test'), [mx(main)]);
    expect(result.status).toBe('mailbox_not_found');
    expect(main.connections()).toBe(2);
  });

  it('closes idle connections with QUIT after the idle timeout', async () => {
    const p = prober({ idleTimeoutMs: 50 });
    await p.probe(address('alice@example.test'), [mx(main)]);
    await vi.waitFor(() => expect(main.sessions[0]?.commands.at(-1)).toBe('QUIT'), { timeout: 2000 });
  });

  it('closes a connection after maxProbesPerConnection probes', async () => {
    const p = prober({ maxProbesPerConnection: 2 });
    for (let i = 0; i < 4; i++) await p.probe(address('nobody@example.test'), [mx(main)]);
    expect(main.connections()).toBe(2);
  });

  it('does not reuse a connection after 8 error replies (servers slow down after ~10)', async () => {
    const p = prober();
    for (let i = 0; i < 9; i++) await p.probe(address('nobody@example.test'), [mx(main)]);
    expect(main.connections()).toBe(2);
    expect(main.sessions[0]?.commands.filter((c) => c.startsWith('RCPT'))).toHaveLength(8);
  });

  it('always introduces itself with the configured HELO name, never the target host', async () => {
    const p = prober();
    await p.probe(address('alice@example.test'), [mx(main)]);
    await p.probe(address('alice@example.test'), [mx(tlsServer)]);
    await p.probe(address('alice@example.test'), [mx(heloOnly)]);
    const sessions = [...main.sessions, ...tlsServer.sessions, ...heloOnly.sessions];
    expect(sessions.length).toBeGreaterThanOrEqual(3);
    for (const session of sessions) {
      expect(session.heloName).toBe(HELO);
      expect(session.commands.filter((c) => c.startsWith('MAIL'))).toEqual([`MAIL FROM:<${MAIL_FROM}>`]);
    }
  });

  it('self-check: reports a closed port 25 with a clear detail', async () => {
    const port = await closedPort();
    const check = await prober({ port }).selfCheck('127.0.0.1', 500);
    expect(check.port25Open).toBe(false);
    expect(check.detail).toMatch(/refused/);
    expect(check.detail).toContain(String(port));
  });

  it('self-check: reports an open port with the greeting', async () => {
    const check = await prober().selfCheck(main.host, 1000);
    expect(check.port25Open).toBe(true);
    expect(check.detail).toMatch(/greeting 220/);
    expect(main.sessions[0]?.commands).toEqual(['QUIT']);
  });

  it('refuses unsafe configuration and addresses, and probes after close', async () => {
    expect(() => createSmtpProber({ heloName: 'bad name', mailFrom: MAIL_FROM })).toThrow(TypeError);
    expect(() => createSmtpProber({ heloName: HELO, mailFrom: 'a@b\r\nRSET' })).toThrow(TypeError);
    const p = prober();
    await expect(p.probe(address('a\r\nDATA@example.test'), [mx(main)])).rejects.toThrow(TypeError);
    await p.close();
    await expect(p.probe(address('alice@example.test'), [mx(main)])).rejects.toThrow(/closed/);
  });
});
