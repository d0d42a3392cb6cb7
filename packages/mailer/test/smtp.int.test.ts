// testSmtp against a real smtp-server: TLS modes, every failure kind, and the rebinding defence
// (the socket goes to the resolved address, the certificate is checked against the host name).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectOptions, MailConnectionError, MailInputError, testSmtp } from '../src/index.ts';
import {
  createTestCertificates,
  freePort,
  startSilentServer,
  startSmtpServer,
  type TestCertificates,
  type TestSmtpServer,
} from '../src/testing/index.ts';

const HOST = 'smtp.postern.test';
const alice = { kind: 'password', user: 'alice', pass: 'correct horse 1' } as const;

let certs: TestCertificates;
let implicit: TestSmtpServer;
let starttls: TestSmtpServer;
let plain: TestSmtpServer;
let wrongName: TestSmtpServer;
let untrusted: TestSmtpServer;

const resolved: string[] = [];
const options = (extra: Partial<ConnectOptions> = {}): ConnectOptions => ({
  resolve: async (host) => {
    resolved.push(host);
    return '127.0.0.1';
  },
  ca: certs.ca,
  timeoutMs: 5_000,
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
  const users = { alice: alice.pass };
  implicit = await startSmtpServer({ users, tls: 'implicit', certs });
  starttls = await startSmtpServer({ users, tls: 'starttls', certs });
  plain = await startSmtpServer({ users, tls: 'none' });
  wrongName = await startSmtpServer({ users, tls: 'implicit', certs: certs.issue(['other.postern.test']) });
  const foreign = createTestCertificates({ hosts: [HOST] });
  untrusted = await startSmtpServer({ users, tls: 'implicit', certs: foreign });
  foreign.dispose();
});

afterAll(async () => {
  await Promise.all([implicit, starttls, plain, wrongName, untrusted].map((s) => s?.close()));
  certs?.dispose();
});

describe('testSmtp', () => {
  it('logs in over implicit TLS, connecting to the resolved address with the certificate checked against the host name', async () => {
    resolved.length = 0;
    const result = await testSmtp({ host: HOST, port: implicit.port, security: 'tls' }, alice, options());
    expect(result.ms).toBeGreaterThanOrEqual(0);
    expect(resolved).toEqual([HOST]);
    expect(implicit.authAttempts.at(-1)).toEqual({ method: 'PLAIN', user: 'alice', ok: true });
  });

  it('logs in over STARTTLS', async () => {
    await testSmtp({ host: HOST, port: starttls.port, security: 'starttls' }, alice, options());
    expect(starttls.authAttempts.at(-1)).toMatchObject({ user: 'alice', ok: true });
  });

  it('reports a wrong password as auth_failed with the app-password advice, never the password', async () => {
    const error = await failure(
      testSmtp(
        { host: HOST, port: implicit.port, security: 'tls' },
        { ...alice, pass: 'wrong pass' },
        options(),
      ),
    );
    expect(error.code).toBe('auth_failed');
    expect(error.protocol).toBe('smtp');
    expect(error.message).toMatch(/app password/);
    expect(JSON.stringify({ m: error.message, d: error.detail })).not.toContain('wrong pass');
  });

  it('refuses a server that offers no STARTTLS (no_tls) without sending AUTH', async () => {
    const error = await failure(
      testSmtp({ host: HOST, port: plain.port, security: 'starttls' }, alice, options()),
    );
    expect(error.code).toBe('no_tls');
    expect(plain.connections()).toBeGreaterThan(0);
    expect(plain.authAttempts).toEqual([]);
  });

  it('reports implicit TLS against a plaintext port as no_tls, without sending AUTH', async () => {
    const error = await failure(
      testSmtp({ host: HOST, port: plain.port, security: 'tls' }, alice, options()),
    );
    expect(error.code).toBe('no_tls');
    expect(error.detail).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(plain.authAttempts).toEqual([]);
  });

  it('reports a closed port as port_closed', async () => {
    const port = await freePort();
    const error = await failure(testSmtp({ host: HOST, port, security: 'tls' }, alice, options()));
    expect(error.code).toBe('port_closed');
  });

  it('refuses a certificate for another name (certificate_invalid)', async () => {
    const error = await failure(
      testSmtp({ host: HOST, port: wrongName.port, security: 'tls' }, alice, options()),
    );
    expect(error.code).toBe('certificate_invalid');
    expect(wrongName.authAttempts).toEqual([]);
  });

  it('refuses a certificate for another name over STARTTLS too', async () => {
    const other = await startSmtpServer({
      users: {},
      tls: 'starttls',
      certs: certs.issue(['other.postern.test']),
    });
    try {
      const error = await failure(
        testSmtp({ host: HOST, port: other.port, security: 'starttls' }, alice, options()),
      );
      expect(error.code).toBe('certificate_invalid');
      expect(other.authAttempts).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('refuses a certificate from an unknown CA when no ca is given (certificate_invalid)', async () => {
    const error = await failure(
      testSmtp({ host: HOST, port: implicit.port, security: 'tls' }, alice, options({ ca: undefined })),
    );
    expect(error.code).toBe('certificate_invalid');
  });

  it('refuses a trusted certificate that names the address dialled instead of the host (no fallback to the IP)', async () => {
    const ipOnly = await startSmtpServer({
      users: { alice: alice.pass },
      tls: 'implicit',
      certs: certs.issue(['127.0.0.1']),
    });
    try {
      const error = await failure(
        testSmtp({ host: HOST, port: ipOnly.port, security: 'tls' }, alice, options()),
      );
      expect(error.code).toBe('certificate_invalid');
    } finally {
      await ipOnly.close();
    }
  });

  it('times out on a server that accepts the connection but never greets', async () => {
    const silent = await startSilentServer();
    try {
      for (const security of ['starttls', 'tls'] as const) {
        const started = Date.now();
        const error = await failure(
          testSmtp({ host: HOST, port: silent.port, security }, alice, options({ timeoutMs: 400 })),
        );
        expect(error.code).toBe('timeout');
        expect(Date.now() - started).toBeLessThan(3_000);
      }
    } finally {
      await silent.close();
    }
  });

  it('times out on a slow resolver and does not connect once the deadline has passed', async () => {
    const before = implicit.connections();
    const error = await failure(
      testSmtp(
        { host: HOST, port: implicit.port, security: 'tls' },
        alice,
        options({
          timeoutMs: 200,
          resolve: () => new Promise((resolve) => setTimeout(() => resolve('127.0.0.1'), 400)),
        }),
      ),
    );
    expect(error.code).toBe('timeout');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(implicit.connections()).toBe(before);
  });

  it('reports a refused target (the resolver throws) as target_refused, without connecting', async () => {
    const before = implicit.connections();
    const error = await failure(
      testSmtp(
        { host: HOST, port: implicit.port, security: 'tls' },
        alice,
        options({
          resolve: async () => {
            throw new Error('address 127.0.0.1 is private');
          },
        }),
      ),
    );
    expect(error.code).toBe('target_refused');
    expect(implicit.connections()).toBe(before);
  });

  it('reports an unknown host (the resolver throws ENOTFOUND) as host_not_found', async () => {
    const error = await failure(
      testSmtp(
        { host: 'nowhere.postern.test', port: implicit.port, security: 'tls' },
        alice,
        options({
          resolve: async (host) => {
            throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
          },
        }),
      ),
    );
    expect(error.code).toBe('host_not_found');
  });

  it('refuses oversized or malformed fields before connecting', async () => {
    const endpoint = { host: HOST, port: implicit.port, security: 'tls' } as const;
    const cases: [Parameters<typeof testSmtp>[0], Parameters<typeof testSmtp>[1], string][] = [
      [{ ...endpoint, host: `${'a'.repeat(250)}.test` }, alice, 'host'],
      [{ ...endpoint, host: 'smtp.example.com\r\nRCPT TO:<x>' }, alice, 'host'],
      [{ ...endpoint, port: 70_000 }, alice, 'port'],
      [{ ...endpoint, security: 'none' as never }, alice, 'security'],
      [endpoint, { ...alice, user: `${'u'.repeat(321)}` }, 'user'],
      [endpoint, { ...alice, pass: 'p'.repeat(1025) }, 'pass'],
      [endpoint, { ...alice, pass: 'pw\r\nQUIT' }, 'pass'],
    ];
    const before = implicit.connections();
    for (const [e, a, field] of cases) {
      const error = await testSmtp(e, a, options()).catch((x: unknown) => x);
      expect(error).toBeInstanceOf(MailInputError);
      expect((error as MailInputError).field).toBe(field);
    }
    expect(implicit.connections()).toBe(before);
  });

  it('authenticates with XOAUTH2 and reports a refused token as auth_failed', async () => {
    const oauth = await startSmtpServer({
      users: {},
      tls: 'implicit',
      certs,
      xoauth2: (user, token) => user === 'alice@postern.test' && token === 'good-token',
    });
    try {
      const endpoint = { host: HOST, port: oauth.port, security: 'tls' } as const;
      await testSmtp(
        endpoint,
        { kind: 'xoauth2', user: 'alice@postern.test', accessToken: 'good-token' },
        options(),
      );
      expect(oauth.authAttempts.at(-1)).toEqual({ method: 'XOAUTH2', user: 'alice@postern.test', ok: true });
      const error = await failure(
        testSmtp(
          endpoint,
          { kind: 'xoauth2', user: 'alice@postern.test', accessToken: 'bad-token' },
          options(),
        ),
      );
      expect(error.code).toBe('auth_failed');
    } finally {
      await oauth.close();
    }
  });
});
