// testImap with XOAUTH2 against Dovecot's oauth2 passdb: a tiny RFC 7662 introspection endpoint
// (node:http on 127.0.0.1) answers `active: true` only for the token it issued, so a good token logs
// in, an unknown one is `auth_failed`, and password users keep working next to it. Failures come
// last: Dovecot's anvil delays the next login from an address after each failed one (2 s, 4 s, …).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectOptions, MailConnectionError, testImap } from '../src/index.ts';
import {
  createTestCertificates,
  startDovecot,
  type TestCertificates,
  type TestDovecot,
} from '../src/testing/index.ts';

const HOST = 'imap.postern.test';
const GOOD = 'ya29.good-token-for-bob';

let certs: TestCertificates;
let dovecot: TestDovecot;
let introspection: Server;
const asked: string[] = [];

const options = (): ConnectOptions => ({ resolve: async () => '127.0.0.1', ca: certs.ca, timeoutMs: 8_000 });

beforeAll(async () => {
  introspection = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      asked.push(req.method ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(token === GOOD ? { active: true, username: 'bob' } : { active: false }));
    });
  });
  await new Promise<void>((resolve) => introspection.listen(0, '127.0.0.1', resolve));
  const { port } = introspection.address() as AddressInfo;
  certs = createTestCertificates({ hosts: [HOST] });
  dovecot = await startDovecot({
    users: { alice: 'alice pw 1' },
    certs,
    oauth2: { introspectionUrl: `http://127.0.0.1:${port}/introspect` },
  });
  await dovecot.deliver('bob', 'From: a@postern.test\r\nSubject: one\r\n\r\nbody\r\n');
});

afterAll(async () => {
  await dovecot?.close();
  await new Promise<void>((resolve) => (introspection ? introspection.close(() => resolve()) : resolve()));
  certs?.dispose();
});

describe('testImap with XOAUTH2 (Dovecot oauth2 passdb)', () => {
  it('logs in with a token the introspection endpoint calls active', async () => {
    const result = await testImap(
      { host: HOST, port: dovecot.port, security: 'tls' },
      { kind: 'xoauth2', user: 'bob', accessToken: GOOD },
      options(),
    );
    expect(result.messages).toBe(1);
    expect(asked).toContain('POST');
    expect(dovecot.log()).toMatch(/Login: user=<bob>, method=(XOAUTH2|OAUTHBEARER)/);
  });

  it('keeps password users working', async () => {
    const result = await testImap(
      { host: HOST, port: dovecot.port, security: 'tls' },
      { kind: 'password', user: 'alice', pass: 'alice pw 1' },
      options(),
    );
    expect(result.messages).toBe(0);
  });

  it('refuses an unknown token with auth_failed', async () => {
    const error = await testImap(
      { host: HOST, port: dovecot.port, security: 'tls' },
      { kind: 'xoauth2', user: 'bob', accessToken: 'ya29.revoked' },
      options(),
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MailConnectionError);
    expect((error as MailConnectionError).code).toBe('auth_failed');
  });

  it('refuses a good token presented for another user', { timeout: 20_000 }, async () => {
    const error = await testImap(
      { host: HOST, port: dovecot.port, security: 'tls' },
      { kind: 'xoauth2', user: 'alice', accessToken: GOOD },
      { ...options(), timeoutMs: 15_000 },
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as MailConnectionError).code).toBe('auth_failed');
  });
});
