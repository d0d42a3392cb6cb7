// The MAILBOX_* settings: safe defaults (nothing private allowed), the allow-list in the syntax of
// WEBHOOK_ALLOWED_TARGETS, the extra CA file read at start-up, and one clear line for a bad value.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };
const dir = mkdtempSync(path.join(tmpdir(), 'postern-mailbox-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('mailbox settings', () => {
  it('allows nothing private by default, trusts only the system CAs, waits 15 s', () => {
    // (the OAuth block has its own test: mailbox-oauth-config.test.ts)
    const { oauth: _oauth, ...settings } = loadConfig(base).mailboxes;
    expect(settings).toEqual({
      allowedHosts: [],
      tlsCa: undefined,
      connectTimeoutMs: 15_000,
    });
  });

  it('parses the allow-list, reads the CA file and the timeout', () => {
    const file = path.join(dir, 'ca.pem');
    writeFileSync(file, PEM);
    const { oauth: _oauth, ...settings } = loadConfig({
      ...base,
      MAILBOX_ALLOWED_HOSTS: '10.0.0.0/8, Mail.Internal ,*.corp.test',
      MAILBOX_TLS_CA_FILE: file,
      MAILBOX_CONNECT_TIMEOUT_MS: '5000',
    }).mailboxes;
    expect(settings).toEqual({
      allowedHosts: ['10.0.0.0/8', 'mail.internal', '*.corp.test'],
      tlsCa: PEM,
      connectTimeoutMs: 5000,
    });
  });

  it.each([
    [
      { MAILBOX_ALLOWED_HOSTS: '10.0.0.0/40' },
      /^MAILBOX_ALLOWED_HOSTS: "10\.0\.0\.0\/40" is not a valid CIDR/,
    ],
    [{ MAILBOX_TLS_CA_FILE: '/nonexistent/ca.pem' }, /^MAILBOX_TLS_CA_FILE: must name a readable PEM file/],
    [{ MAILBOX_CONNECT_TIMEOUT_MS: '10' }, /^MAILBOX_CONNECT_TIMEOUT_MS: /],
  ])('refuses %o with one line naming the setting', (env, message) => {
    expect(problem(env)).toMatch(message);
  });
});
