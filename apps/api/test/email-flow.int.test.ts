// Black box: the real API and worker processes, a real SMTP server. Sign-up mails a verification
// link through the queue and the worker; the link verifies the address once. Signing up again with
// a registered address answers exactly the same and mails its owner instead (once per hour).
import { AUTH_COOKIES, CSRF_HEADER } from '@postern/contracts';
import { createTestDatabase, type TestDatabase } from '@postern/db/testing';
import { freePort, type SpawnedApp, spawnApp, waitForHttp } from '@postern/runtime/testing';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('emails end to end', () => {
  let db: TestDatabase;
  let api: SpawnedApp;
  let worker: SpawnedApp;
  let smtp: SMTPServer;
  const inbox: { to: string; raw: string }[] = [];
  /** The address the first test signed up (the second signs up with it again). */
  let signedUpEmail = '';

  beforeAll(async () => {
    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => {
          raw += chunk.toString();
        });
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
    db = await createTestDatabase();
    const env = {
      DATABASE_URL: db.url,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      POSTERN_SECRET: 'an-end-to-end-test-secret-of-enough-length',
      WORKER_POLL_SECONDS: '0.5',
      LOG_LEVEL: 'warn',
    };
    api = await spawnApp('api', env);
    worker = await spawnApp('worker', env);
    await waitForHttp(`${api.url}/healthz`);
  });

  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await db?.drop();
  });

  it('mails a verification link on sign-up that verifies the address once', async () => {
    const jar = new Map<string, string>();
    const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
      const res = await fetch(`${api.url}/trpc/${path}`, {
        method,
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(method === 'POST'
            ? { 'content-type': 'application/json', [CSRF_HEADER]: jar.get(AUTH_COOKIES.csrf) ?? '' }
            : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const [name, ...value] = (pair ?? '').split('=');
        if (name) jar.set(name, value.join('='));
      }
      return {
        status: res.status,
        body: (await res.json()) as { result?: { data: unknown }; error?: { data: { code: string } } },
      };
    };

    await call('GET', 'system.health');
    const email = `e2e-${Date.now()}@example.test`;
    const signUp = await call('POST', 'auth.signUp', { email, password: 'End-To-End-Password-1' });
    expect(signUp.status).toBe(200);
    expect(signUp.body.result?.data).toEqual({ status: 'check_email' });
    // No session from sign-up: the dashboard signs in next.
    expect((await call('GET', 'auth.me')).status).toBe(401);
    expect((await call('POST', 'auth.signIn', { email, password: 'End-To-End-Password-1' })).status).toBe(
      200,
    );
    signedUpEmail = email;

    const deadline = Date.now() + 20_000;
    while (!inbox.some((m) => m.to === email) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const mail = inbox.find((m) => m.to === email);
    expect(mail?.raw).toMatch(/Subject: Confirm your email address/);
    const unfolded = (mail?.raw ?? '').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = /https?:\/\/[^\s"<]+\/verify-email\?token=[A-Za-z0-9_-]+/.exec(unfolded)?.[0];
    expect(link).toBeTruthy();
    const token = new URL(link ?? 'http://x').searchParams.get('token');

    expect((await call('POST', 'auth.verifyEmail', { token })).status).toBe(200);
    const me = (await call('GET', 'auth.me')).body.result?.data as { emailVerified: boolean } | undefined;
    expect(me?.emailVerified).toBe(true);
    expect((await call('POST', 'auth.verifyEmail', { token })).body.error?.data.code).toBe('BAD_REQUEST');
  });

  it('answers a sign-up for a registered address like any other and mails the owner, once an hour', async () => {
    const fresh = async (email: string, password: string) => {
      const health = await fetch(`${api.url}/trpc/system.health`);
      const csrf = /pst_csrf=([^;]+)/.exec(health.headers.getSetCookie().join('\n'))?.[1] ?? '';
      const res = await fetch(`${api.url}/trpc/auth.signUp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `pst_csrf=${csrf}`, [CSRF_HEADER]: csrf },
        body: JSON.stringify({ email, password }),
      });
      const setCookie = res.headers.getSetCookie().filter((c) => !c.startsWith('pst_csrf='));
      return { status: res.status, body: await res.text(), setCookie };
    };
    const taken = signedUpEmail;
    expect(taken).toBeTruthy();
    const unknown = await fresh(`e2e-new-${Date.now()}@example.test`, 'Another-Password-42');
    const existing = await fresh(taken.toUpperCase(), 'Another-Password-42');
    expect(existing).toEqual(unknown);
    expect(existing.status).toBe(200);
    expect(JSON.parse(existing.body)).toEqual({ result: { data: { status: 'check_email' } } });

    const notices = () =>
      inbox.filter((m) => m.to === taken && /Subject: Someone tried to sign up/.test(m.raw));
    const deadline = Date.now() + 20_000;
    while (notices().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(notices()).toHaveLength(1);
    expect(notices()[0]?.raw).not.toMatch(/verify-email\?token=/);
    // More attempts within the hour answer the same but mail nothing more: no spamming the owner.
    for (let i = 0; i < 3; i++) expect((await fresh(taken, 'Another-Password-42')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(notices()).toHaveLength(1);
  });
});
