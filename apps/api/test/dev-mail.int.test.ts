// The development mail viewer's route: Postern's own mail written as .eml by the file transport (no
// SMTP_URL), read back decoded with its links whole, to this machine only; never registered with
// NODE_ENV=production.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailTransport, verifyEmailMessage } from '@postern/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './support/harness.ts';

let dir = '';
const LINK = `https://postern.localhost/verify-email?token=${'Ab3_-'.repeat(12)}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'postern-dev-mail-'));
  const transport = createMailTransport({ mailDir: dir, mailFrom: 'Postern <no-reply@postern.localhost>' });
  await transport.send(verifyEmailMessage({ to: 'ada@example.test', link: LINK }));
  transport.close();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withHarness(env: Record<string, string>, run: (h: Harness) => Promise<void>) {
  const h = await startHarness({ env });
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

type MailList = {
  messages: { to: string; subject: string; text: string; html: string | null; links: string[] }[];
};

describe('GET /api/dev/mail', () => {
  it('lists captured mail in development, decoded, with its links as sent', async () => {
    await withHarness({ NODE_ENV: 'development', MAIL_DIR: dir }, async (h) => {
      const res = await h.app.inject({ method: 'GET', url: '/api/dev/mail' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const [mail] = (res.json() as MailList).messages;
      expect(mail?.to).toBe('ada@example.test');
      expect(mail?.subject).toMatch(/confirm/i);
      expect(mail?.links).toContain(LINK);
      expect(mail?.text).toContain(LINK);
      expect(mail?.html).toContain(`href="${LINK}"`);
      // Only to this machine: the messages carry sign-in links.
      const remote = await h.app.inject({ method: 'GET', url: '/api/dev/mail', remoteAddress: '10.1.2.3' });
      expect(remote.statusCode).toBe(404);
      expect(remote.body).not.toContain('ada@example.test');
    });
  });

  it('does not exist when NODE_ENV=production, even with MAIL_DIR set', async () => {
    const production = {
      NODE_ENV: 'production',
      MAIL_DIR: dir,
      POSTERN_SECRET: randomBytes(36).toString('base64url'),
      ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    };
    await withHarness(production, async (h) => {
      const res = await h.app.inject({ method: 'GET', url: '/api/dev/mail' });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('ada@example.test');
    });
  });

  it('does not exist when mail goes out through SMTP_URL', async () => {
    await withHarness(
      { NODE_ENV: 'development', MAIL_DIR: dir, SMTP_URL: 'smtp://127.0.0.1:1025' },
      async (h) => {
        expect((await h.app.inject({ method: 'GET', url: '/api/dev/mail' })).statusCode).toBe(404);
      },
    );
  });
});
