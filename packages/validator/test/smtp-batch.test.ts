// The batched SMTP probe (issue #19) against local smtp-server instances: several RCPTs per
// transaction (pipelined when offered), at most maxRcptsPerSession per session, the per-host
// connection cap and its back-off on 421, catch-all detection once per domain, QUIT at the end.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSmtpProber,
  type ProbeAddress,
  type SmtpProber,
  type SmtpProberOptions,
} from '../src/smtp/index.ts';
import type { MxHost, SmtpResult } from '../src/types.ts';
import { type SmtpCluster, startSmtpCluster, type TestSmtpServer } from './support/smtp-servers.ts';

const HELO = 'probe.postern.test';
const MAIL_FROM = 'verify@postern.test';
const RANDOM_RCPT = /^[a-z2-7]{24}@/;

const address = (ascii: string): ProbeAddress => ({
  local: ascii.slice(0, ascii.lastIndexOf('@')),
  ascii,
  smtputf8: !/^[ -~]*$/.test(ascii.slice(0, ascii.lastIndexOf('@'))),
});

/** The RCPT counts of each recorded session, and of each transaction within them. */
function rcptsPer(server: TestSmtpServer) {
  const sessions: number[] = [];
  const transactions: number[] = [];
  for (const session of server.sessions) {
    let inSession = 0;
    for (const command of session.commands) {
      if (command.startsWith('MAIL')) transactions.push(0);
      if (command.startsWith('RCPT')) {
        inSession++;
        transactions[transactions.length - 1] = (transactions.at(-1) ?? 0) + 1;
      }
    }
    sessions.push(inSession);
  }
  return { sessions, transactions };
}

describe('batched SMTP probe against local servers', () => {
  let cluster: SmtpCluster;
  let main: TestSmtpServer;
  let noPipelining: TestSmtpServer;
  let slow: TestSmtpServer;
  let limited: TestSmtpServer;
  let noUtf8: TestSmtpServer;
  let probers: SmtpProber[] = [];

  const prober = (options: Partial<SmtpProberOptions> = {}) => {
    const created = createSmtpProber({
      heloName: HELO,
      mailFrom: MAIL_FROM,
      port: cluster.port,
      connectTimeoutMs: 2000,
      commandTimeoutMs: 2000,
      ...options,
    });
    probers.push(created);
    return created;
  };
  const mx = (server: TestSmtpServer | string, priority = 10): MxHost => ({
    exchange: typeof server === 'string' ? server : server.host,
    priority,
  });
  const batch = (p: SmtpProber, addresses: string[], hosts: MxHost[]): Promise<SmtpResult[]> =>
    Promise.all(addresses.map((a) => p.probeBatched(address(a), hosts)));

  beforeAll(async () => {
    const mailboxes = {
      alice: 'accept',
      bob: 'accept',
      grey: 'greylist',
      full: 'full',
      spam: 'blocked',
    } as const;
    const users = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`user${i}`, 'accept' as const]));
    cluster = await startSmtpCluster([
      {
        mailboxes: { ...mailboxes, ...users, slowpoke: 'slow' },
        catchAllDomains: ['catchall.test'],
        slowMs: 1500,
      },
      { mailboxes: { ...mailboxes, ...users }, pipelining: false, catchAllDomains: ['catchall.test'] },
      { mailboxes: users, rcptDelayMs: 30 },
      { mailboxes: users, maxClients: 2, rcptDelayMs: 20 },
      { mailboxes: { ...mailboxes, δοκιμή: 'accept' }, smtputf8: false },
    ]);
    [main, noPipelining, slow, limited, noUtf8] = cluster.servers as [
      TestSmtpServer,
      TestSmtpServer,
      TestSmtpServer,
      TestSmtpServer,
      TestSmtpServer,
    ];
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

  it('asks several addresses in one pipelined transaction, at most 20 RCPTs per session, then QUITs', async () => {
    const p = prober();
    const names = Array.from({ length: 45 }, (_, i) => (i % 3 === 0 ? `nobody${i}` : `user${i}`));
    const results = await batch(
      p,
      names.map((n) => `${n}@example.test`),
      [mx(main)],
    );
    expect(results.map((r) => r.status)).toEqual(
      names.map((n) => (n.startsWith('user') ? 'accepted' : 'mailbox_not_found')),
    );
    expect(results.every((r) => r.catchAll === false)).toBe(true);
    await p.close();
    const { sessions, transactions } = rcptsPer(main);
    expect(Math.max(...sessions)).toBeLessThanOrEqual(20);
    expect(Math.max(...transactions)).toBeGreaterThanOrEqual(10);
    // 45 addresses and one catch-all RCPT: about 3 sessions, not 45.
    expect(main.sessions.length).toBeLessThanOrEqual(5);
    expect(sessions.reduce((a, b) => a + b, 0)).toBe(46);
    expect(main.largestPipeline()).toBeGreaterThanOrEqual(10);
    for (const session of main.sessions) {
      expect(session.heloName).toBe(HELO);
      expect(session.commands.at(-1)).toBe('QUIT');
      expect(session.commands.filter((c) => c.startsWith('MAIL')).length).toBeLessThanOrEqual(
        session.commands.filter((c) => c === 'RSET').length + 1,
      );
    }
  });

  it('sends RCPTs one at a time to a server without PIPELINING, with the same answers', async () => {
    const p = prober({ maxRcptsPerSession: 5 });
    const names = ['alice', 'nobody', 'grey', 'full', 'spam', 'bob', 'user1', 'x1'];
    const results = await batch(
      p,
      names.map((n) => `${n}@example.test`),
      [mx(noPipelining)],
    );
    expect(results.map((r) => r.status)).toEqual([
      'accepted',
      'mailbox_not_found',
      'greylisted',
      'mailbox_full',
      'blocked',
      'accepted',
      'accepted',
      'mailbox_not_found',
    ]);
    expect(noPipelining.largestPipeline()).toBe(1);
    expect(Math.max(...rcptsPer(noPipelining).sessions)).toBeLessThanOrEqual(5);
  });

  it('keeps to maxConnectionsPerHost, starting lower and growing while sessions succeed', async () => {
    const p = prober({ maxConnectionsPerHost: 3, maxRcptsPerSession: 4 });
    const results = await batch(
      p,
      Array.from({ length: 120 }, (_, i) => `user${i}@example.test`),
      [mx(slow)],
    );
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    expect(slow.maxConcurrent()).toBe(3);
    expect(p.hostStats().get(slow.host)).toMatchObject({ connectionLimit: 3, deferrals: 0 });
  });

  it('backs off on 421 (halves its sessions, waits) and still answers every address', async () => {
    const p = prober({
      maxConnectionsPerHost: 5,
      initialConnectionsPerHost: 5,
      maxRcptsPerSession: 5,
      backoffMs: 100,
    });
    const results = await batch(
      p,
      Array.from({ length: 60 }, (_, i) => `user${i}@example.test`),
      [mx(limited)],
    );
    expect(results.every((r) => r.status === 'accepted')).toBe(true);
    const stats = p.hostStats().get(limited.host);
    expect(stats?.deferrals).toBeGreaterThanOrEqual(1);
    // Halved from 5, and not back above the two sessions the host took.
    expect(stats?.connectionLimit).toBeLessThanOrEqual(2);
    // Refused connections never got to EHLO: a few at first, none once the pool backed off.
    const refused = limited.connections() - limited.sessions.filter((s) => s.heloName === HELO).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(4);
  });

  it('detects a catch-all with one random RCPT per domain, shared by concurrent sessions', async () => {
    const p = prober({ maxConnectionsPerHost: 3, initialConnectionsPerHost: 3, maxRcptsPerSession: 10 });
    const addresses = Array.from(
      { length: 30 },
      (_, i) => `user${i}@${i % 2 ? 'catchall.test' : 'example.test'}`,
    );
    const results = await batch(p, addresses, [mx(main)]);
    results.forEach((result, i) => {
      expect(result.status).toBe(i % 2 ? 'catch_all' : 'accepted');
      expect(result.catchAll).toBe(i % 2 === 1);
    });
    const random = main.rcpts.filter((r) => RANDOM_RCPT.test(r));
    expect(random.filter((r) => r.endsWith('@catchall.test'))).toHaveLength(1);
    expect(random.filter((r) => r.endsWith('@example.test'))).toHaveLength(1);
    // Remembered: a second batch asks no random RCPT.
    main.reset();
    await batch(p, ['user1@catchall.test', 'user2@example.test'], [mx(main)]);
    expect(main.rcpts.filter((r) => RANDOM_RCPT.test(r))).toHaveLength(0);
  });

  it('answers smtputf8_unsupported without a RCPT where SMTPUTF8 is missing, and asks the rest', async () => {
    const p = prober();
    const results = await batch(p, ['δοκιμή@example.test', 'alice@example.test'], [mx(noUtf8)]);
    expect(results.map((r) => r.status)).toEqual(['smtputf8_unsupported', 'accepted']);
    expect(noUtf8.rcpts.filter((r) => !RANDOM_RCPT.test(r))).toEqual(['alice@example.test']);
  });

  it('hands addresses a dead MX could not answer to the next MX', async () => {
    const p = prober({ connectTimeoutMs: 500 });
    const results = await batch(
      p,
      ['alice@example.test', 'nobody@example.test'],
      [mx(cluster.deadHost, 5), mx(main, 10)],
    );
    expect(results.map((r) => [r.status, r.evidence.mxHost])).toEqual([
      ['accepted', main.host],
      ['mailbox_not_found', main.host],
    ]);
  });

  it('gives up on a mailbox whose reply times out, without failing the others of its sessions', async () => {
    const p = prober({ commandTimeoutMs: 300 });
    const names = ['user1', 'slowpoke', 'user2', 'nobody', 'user3'];
    const results = await batch(
      p,
      names.map((n) => `${n}@example.test`),
      [mx(main)],
    );
    expect(results.map((r) => r.status)).toEqual([
      'accepted',
      'unknown',
      'accepted',
      'mailbox_not_found',
      'accepted',
    ]);
    expect(results[1]?.evidence.failure).toBe('timeout');
    // Asked in three sessions, then given up on.
    expect(main.rcpts.filter((r) => r.startsWith('slowpoke@'))).toHaveLength(3);
  });

  it('does not let a slow host hold back a fast one', async () => {
    const p = prober({ maxRcptsPerSession: 20 });
    const finished = { slow: 0, main: 0 };
    const started = performance.now();
    const track = (promise: Promise<SmtpResult>, host: 'slow' | 'main') =>
      promise.then(() => {
        finished[host] = Math.max(finished[host], performance.now() - started);
      });
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) =>
        track(p.probeBatched(address(`user${i}@slow.test`), [mx(slow)]), 'slow'),
      ),
      ...Array.from({ length: 20 }, (_, i) =>
        track(p.probeBatched(address(`user${i}@example.test`), [mx(main)]), 'main'),
      ),
    ]);
    // 20 RCPTs at 30 ms each keep the slow host busy for over 600 ms; the fast host is long done.
    expect(finished.slow).toBeGreaterThan(600);
    expect(finished.main).toBeLessThan(finished.slow / 2);
  });
});
