// testImap against Debian's Dovecot (started by the harness): TLS modes, every failure kind, and the
// rebinding defence (the socket goes to the resolved address, the certificate is checked against
// the host name).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectOptions, MailConnectionError, MailInputError, testImap } from '../src/index.ts';
import {
  createTestCertificates,
  freePort,
  startDovecot,
  startImapWithoutTls,
  startSilentServer,
  type TestCertificates,
  type TestDovecot,
} from '../src/testing/index.ts';

const HOST = 'imap.postern.test';
const alice = { kind: 'password', user: 'alice', pass: 'correct horse 2' } as const;

let certs: TestCertificates;
let dovecot: TestDovecot;
let wrongName: TestDovecot;

const options = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  resolve: async () => '127.0.0.1',
  ca: certs.ca,
  timeoutMs: 8_000,
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<MailConnectionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailConnectionError);
  return error as MailConnectionError;
}

beforeAll(async () => {
  certs = createTestCertificates({ hosts: [HOST] });
  [dovecot, wrongName] = await Promise.all([
    startDovecot({ users: { alice: alice.pass }, certs }),
    startDovecot({ users: { alice: alice.pass }, certs: certs.issue(['other.postern.test']) }),
  ]);
  await dovecot.deliver('alice', 'From: a@postern.test\r\nSubject: one\r\n\r\nbody\r\n');
  await dovecot.deliver('alice', 'From: a@postern.test\r\nSubject: two\r\n\r\nbody\r\n');
});

afterAll(async () => {
  await Promise.all([dovecot?.close(), wrongName?.close()]);
  certs?.dispose();
});

describe('testImap', () => {
  it('logs in over implicit TLS at the resolved address and counts INBOX', async () => {
    const seen: string[] = [];
    const result = await testImap(
      { host: HOST, port: dovecot.port, security: 'tls' },
      alice,
      options({
        resolve: async (host) => {
          seen.push(host);
          return '127.0.0.1';
        },
      }),
    );
    expect(seen).toEqual([HOST]);
    expect(result.messages).toBe(2);
    expect(dovecot.log()).toMatch(/imap-login: Info: Login: user=<alice>.*TLS/);
  });

  it('logs in over STARTTLS', async () => {
    const result = await testImap(
      { host: HOST, port: dovecot.starttlsPort, security: 'starttls' },
      alice,
      options(),
    );
    expect(result.messages).toBe(2);
  });

  it('reports a wrong password as auth_failed, never echoing the password', async () => {
    const error = await failure(
      testImap(
        { host: HOST, port: dovecot.port, security: 'tls' },
        { ...alice, pass: 'wrong pass' },
        options(),
      ),
    );
    expect(error.code).toBe('auth_failed');
    expect(error.protocol).toBe('imap');
    expect(error.message).toMatch(/app password/);
    expect(JSON.stringify({ m: error.message, d: error.detail })).not.toContain('wrong pass');
  });

  it('refuses a server that offers no STARTTLS (no_tls) without sending LOGIN', async () => {
    const plain = await startImapWithoutTls();
    try {
      const error = await failure(
        testImap({ host: HOST, port: plain.port, security: 'starttls' }, alice, options()),
      );
      expect(error.code).toBe('no_tls');
      expect(plain.connections()).toBeGreaterThan(0);
      expect(plain.lines.filter((l) => /login|authenticate/i.test(l))).toEqual([]);
      expect(plain.lines.join('\n')).not.toContain(alice.pass);
      const implicit = await failure(
        testImap({ host: HOST, port: plain.port, security: 'tls' }, alice, options()),
      );
      expect(implicit.code).toBe('no_tls');
      expect(plain.lines.filter((l) => /login|authenticate/i.test(l))).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('reports a closed port as port_closed', async () => {
    const error = await failure(
      testImap({ host: HOST, port: await freePort(), security: 'tls' }, alice, options()),
    );
    expect(error.code).toBe('port_closed');
  });

  it('refuses a certificate for another name, over TLS and STARTTLS (certificate_invalid)', async () => {
    for (const [port, security] of [
      [wrongName.port, 'tls'],
      [wrongName.starttlsPort, 'starttls'],
    ] as const) {
      const error = await failure(testImap({ host: HOST, port, security }, alice, options()));
      expect(error.code).toBe('certificate_invalid');
    }
    expect(wrongName.log()).not.toMatch(/Login: user=<alice>/);
  });

  it('refuses a certificate from an unknown CA when no ca is given (certificate_invalid)', async () => {
    const error = await failure(
      testImap({ host: HOST, port: dovecot.port, security: 'tls' }, alice, options({ ca: undefined })),
    );
    expect(error.code).toBe('certificate_invalid');
  });

  it('times out on a server that accepts the connection but never greets', async () => {
    const silent = await startSilentServer();
    try {
      for (const security of ['starttls', 'tls'] as const) {
        const started = Date.now();
        const error = await failure(
          testImap({ host: HOST, port: silent.port, security }, alice, options({ timeoutMs: 400 })),
        );
        expect(error.code).toBe('timeout');
        expect(Date.now() - started).toBeLessThan(3_000);
      }
    } finally {
      await silent.close();
    }
  });

  it('reports a refused target as target_refused and an unknown host as host_not_found, without connecting', async () => {
    const endpoint = { host: HOST, port: dovecot.port, security: 'tls' } as const;
    const logBefore = dovecot.log();
    const refused = await failure(
      testImap(
        endpoint,
        alice,
        options({
          resolve: async () => {
            throw new Error('refused: loopback');
          },
        }),
      ),
    );
    expect(refused.code).toBe('target_refused');
    const unknown = await failure(
      testImap(
        endpoint,
        alice,
        options({
          resolve: async () => {
            throw Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
          },
        }),
      ),
    );
    expect(unknown.code).toBe('host_not_found');
    expect(dovecot.log()).toBe(logBefore);
  });

  it('refuses oversized fields before connecting', async () => {
    const endpoint = { host: HOST, port: dovecot.port, security: 'tls' } as const;
    for (const auth of [
      { ...alice, user: 'u'.repeat(321) },
      { ...alice, pass: 'p'.repeat(1025) },
    ]) {
      await expect(testImap(endpoint, auth, options())).rejects.toBeInstanceOf(MailInputError);
    }
  });
});
