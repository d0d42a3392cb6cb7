// createVerifier (issues #19, #21): verify() and verifyMany() against a real local DNS server and real
// local SMTP servers. verifyMany batches SMTP probes per MX host and must reach exactly the verdicts
// of checking the same addresses one by one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../src/verdict.ts';
import {
  createVerifier,
  type VerifiedAddress,
  type Verifier,
  type VerifierOptions,
} from '../src/verifier.ts';
import { startDnsServer, type TestDnsServer } from './support/dns-server.ts';
import { type SmtpCluster, startSmtpCluster, type TestSmtpServer } from './support/smtp-servers.ts';

let cluster: SmtpCluster;
let dns: TestDnsServer;
let options: VerifierOptions;

/** The ground truth: per address, the verdict status and reason it must get. */
const TRUTH: [string, string, string][] = [];
const mailboxes = {
  ann: 'accept',
  bob: 'not_found',
  gus: 'greylist',
  fay: 'full',
  sam: 'blocked',
  tmp: 'full_temporary',
} as const;
const outcome = {
  ann: ['deliverable', 'mailbox_exists'],
  bob: ['undeliverable', 'mailbox_not_found'],
  gus: ['unknown', 'greylisted'],
  fay: ['risky', 'mailbox_full'],
  sam: ['unknown', 'blocked_by_server'],
  tmp: ['risky', 'mailbox_full'],
} as const;
for (const domain of ['alpha.com', 'beta.com', 'gamma.com', 'delta.com']) {
  for (const name of Object.keys(mailboxes) as (keyof typeof mailboxes)[]) {
    TRUTH.push([`${name}@${domain}`, ...outcome[name]]);
  }
  TRUTH.push([`nobody@${domain}`, 'undeliverable', 'mailbox_not_found']);
}
for (let i = 0; i < 6; i++) TRUTH.push([`user${i}@catchall.com`, 'catch_all', 'catch_all']);
TRUTH.push(['not an address', 'undeliverable', 'invalid_syntax']);
TRUTH.push(['someone@no-such-domain.com', 'undeliverable', 'domain_not_found']);

beforeAll(async () => {
  cluster = await startSmtpCluster([
    { mailboxes, catchAllDomains: ['catchall.com'] },
    { mailboxes, pipelining: false },
    { mailboxes },
  ]);
  const [one, two, three] = cluster.servers as [TestSmtpServer, TestSmtpServer, TestSmtpServer];
  dns = await startDnsServer({
    'alpha.com': { mx: [{ exchange: 'mx1.postern.test', priority: 10 }] },
    'catchall.com': { mx: [{ exchange: 'mx1.postern.test', priority: 10 }] },
    'beta.com': { mx: [{ exchange: 'mx2.postern.test', priority: 10 }] },
    // The first MX is down: answered by the second.
    'gamma.com': {
      mx: [
        { exchange: 'dead.postern.test', priority: 5 },
        { exchange: 'mx3.postern.test', priority: 10 },
      ],
    },
    'delta.com': { mx: [{ exchange: 'mx3.postern.test', priority: 10 }] },
    'mx1.postern.test': { a: [one.host] },
    'mx2.postern.test': { a: [two.host] },
    'mx3.postern.test': { a: [three.host] },
    'dead.postern.test': { a: [cluster.deadHost] },
  });
  options = {
    dns: { servers: [dns.address], timeoutMs: 500, tries: 2 },
    smtp: {
      heloName: 'verify.postern.example',
      mailFrom: 'probe@postern.example',
      port: cluster.port,
      commandTimeoutMs: 2000,
      connectTimeoutMs: 1000,
    },
    mtaSts: false,
  };
});

afterAll(async () => {
  await cluster?.close();
  await dns?.close();
});

async function collect(iterable: AsyncIterable<VerifiedAddress>): Promise<VerifiedAddress[]> {
  const out: VerifiedAddress[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('createVerifier', () => {
  it('verifyMany reaches the verdicts of the one-by-one path on a ground-truth table', async () => {
    const one = createVerifier(options);
    const single = [];
    for (const [address] of TRUTH) single.push(await one.verify(address, { depth: 'enhanced' }));
    await one.close();
    for (const server of cluster.servers) server.reset();

    const many = createVerifier(options);
    const results = await collect(
      many.verifyMany(
        TRUTH.map(([a]) => a),
        { depth: 'enhanced' },
      ),
    );
    await many.close();
    expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(TRUTH.map((_, i) => i));
    for (const { index, address, result } of results) {
      const [expectedAddress, status, reason] = TRUTH[index] as [string, string, string];
      expect(address).toBe(expectedAddress);
      const verdict = decide(result);
      expect([address, verdict.status, verdict.reason]).toEqual([address, status, reason]);
      const alone = single[index];
      expect([address, result.smtp?.status ?? null]).toEqual([address, alone?.smtp?.status ?? null]);
      expect(decide(alone as typeof result)).toMatchObject({ status, reason });
    }
    // Batched: several RCPTs per transaction on the hosts that got several addresses.
    const mail = cluster.servers[0]?.sessions.flatMap((s) => s.commands.filter((c) => c.startsWith('MAIL')));
    expect(mail?.length).toBeLessThan(TRUTH.filter(([a]) => /alpha|catchall/.test(a)).length / 2);
    for (const server of cluster.servers) {
      for (const session of server.sessions) expect(session.commands.at(-1)).toBe('QUIT');
    }
  });

  it('verifyMany reads its input lazily, at most `concurrency` ahead, and stops reading when left', async () => {
    const verifier: Verifier = createVerifier(options);
    let pulled = 0;
    async function* input() {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield `ann${i}@nowhere-at-all.com`;
      }
    }
    let seen = 0;
    for await (const { index } of verifier.verifyMany(input(), { concurrency: 3 })) {
      expect(index).toBeLessThan(pulled);
      expect(pulled - seen).toBeLessThanOrEqual(4);
      if (++seen === 10) break;
    }
    expect(pulled).toBeLessThanOrEqual(14);
    await verifier.close();
  });

  it('verify keeps a transaction of its own (the single check)', async () => {
    const verifier = createVerifier(options);
    for (const server of cluster.servers) server.reset();
    const result = await verifier.verify('ann@beta.com', { depth: 'enhanced' });
    expect(decide(result)).toMatchObject({ status: 'deliverable', reason: 'mailbox_exists' });
    expect(cluster.servers[1]?.rcpts).toHaveLength(2); // the address and the catch-all RCPT
    await verifier.close();
    await expect(collect(verifier.verifyMany([], {}))).resolves.toEqual([]);
  });
});
