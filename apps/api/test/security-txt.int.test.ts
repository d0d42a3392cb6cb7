// /.well-known/security.txt is a valid RFC 9116 file: `Field: value` lines, the required fields,
// an Expires in the future and under a year away, served as UTF-8 text.
import { loadConfig } from '@postern/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityTxt } from '../src/http/public/security-txt.ts';
import { type Harness, startHarness } from './support/harness.ts';

const YEAR_MS = 365 * 86_400_000;

function parse(text: string): Map<string, string[]> {
  expect(text.endsWith('\n')).toBe(true);
  const fields = new Map<string, string[]>();
  for (const line of text.trimEnd().split('\n')) {
    const match = /^([A-Za-z-]+): (\S.*)$/.exec(line);
    expect(match, `line "${line}" is not "Field: value"`).not.toBeNull();
    const [, name = '', value = ''] = match ?? [];
    fields.set(name.toLowerCase(), [...(fields.get(name.toLowerCase()) ?? []), value]);
  }
  return fields;
}

describe('security.txt', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      env: {
        PUBLIC_URL: 'https://postern.example.com',
        SECURITY_CONTACT: 'https://postern.example.com/report',
        SECURITY_POLICY_URL: 'https://postern.example.com/security-policy',
        SECURITY_TXT_EXPIRES_DAYS: '90',
      },
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('is served as UTF-8 text with the required fields, Expires in the future and under a year', async () => {
    const before = Date.now();
    const response = await h.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    // No dashboard cookie on a public, cacheable file.
    expect(response.headers['set-cookie']).toBeUndefined();

    const fields = parse(response.body);
    expect(fields.get('contact')).toEqual(['https://postern.example.com/report']);
    expect(fields.get('expires')).toHaveLength(1);
    expect(fields.get('policy')).toEqual(['https://postern.example.com/security-policy']);
    expect(fields.get('preferred-languages')).toEqual(['en']);
    expect(fields.get('canonical')).toEqual(['https://postern.example.com/.well-known/security.txt']);

    const expires = fields.get('expires')?.[0] ?? '';
    expect(expires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const expiresMs = Date.parse(expires);
    expect(expiresMs).toBeGreaterThan(Date.now());
    expect(expiresMs - before).toBeLessThan(YEAR_MS);
    // SECURITY_TXT_EXPIRES_DAYS=90, computed at the time of the request.
    expect(Math.round((expiresMs - before) / 86_400_000)).toBe(90);
  });

  it('defaults Contact to security@ the public host, Expires to 180 days and leaves Policy out', () => {
    const now = new Date('2026-12-05T12:00:00Z');
    const config = loadConfig({ PUBLIC_URL: 'https://mail.example.org' });
    const fields = parse(securityTxt(config, now));
    expect(fields.get('contact')).toEqual(['mailto:security@mail.example.org']);
    expect(fields.get('expires')).toEqual(['2027-06-03T12:00:00.000Z']);
    expect(fields.has('policy')).toBe(false);
    expect(fields.get('canonical')).toEqual(['https://mail.example.org/.well-known/security.txt']);
  });

  it('refuses a contact that is neither mailto: nor https:, and an Expires of a year or more', () => {
    expect(() => loadConfig({ SECURITY_CONTACT: 'http://example.com/report' })).toThrow(
      /^SECURITY_CONTACT: /,
    );
    expect(() => loadConfig({ SECURITY_TXT_EXPIRES_DAYS: '365' })).toThrow(/^SECURITY_TXT_EXPIRES_DAYS: /);
  });
});
