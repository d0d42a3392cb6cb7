// checkSenderAuthentication against the validator's test DNS server (real DNS over UDP/TCP), read
// with node:dns's Resolver: SPF, DKIM (named and default selectors) and DMARC, pass and failures.
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../validator/test/support/dns-server.ts';
import { checkSenderAuthentication, MailInputError, SenderAuthLookupError } from '../src/index.ts';

const KEY = `MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwq2${'A'.repeat(300)}IDAQAB`;
const DMARC = 'v=DMARC1; p=quarantine; rua=mailto:dmarc@good.test';
/** A long TXT record as the character-strings (≤ 255 octets each) DNS carries it in. */
const strings = (record: string) => record.match(/.{1,255}/g) ?? [];

let dns: TestDnsServer;
let resolver: Resolver;

beforeAll(async () => {
  dns = await startDnsServer(
    {
      // A DKIM key split over character-strings as providers publish long keys (RFC 7208 §3.3 join).
      'good.test': { txt: ['google-site-verification=abc', 'v=spf1 include:_spf.google.com ~all'] },
      'google._domainkey.good.test': { txt: [['v=DKIM1; k=rsa; p=', KEY.slice(0, 200), KEY.slice(200)]] },
      '_dmarc.good.test': { txt: [DMARC] },
      'nospf.test': { txt: ['some-other=1'] },
      'plusall.test': { txt: ['v=spf1 a mx +all'] },
      'named.test': { txt: ['v=spf1 mx -all'] },
      'mail2025._domainkey.named.test': { txt: [strings(`v=DKIM1; p=${KEY}`)] },
      '_dmarc.named.test': { txt: ['v=DMARC1; p=none'] },
      'nodmarc.test': { txt: ['v=spf1 mx ~all'] },
      'k1._domainkey.nodmarc.test': { txt: [strings(`v=DKIM1; p=${KEY}`)] },
      'baddmarc.test': { txt: ['v=spf1 mx ~all'] },
      '_dmarc.baddmarc.test': { txt: ['v=DMARC1; rua=mailto:x@baddmarc.test'] },
      'weird.test': { txt: ['v=spf1 mx ~all'] },
      '_dmarc.weird.test': { txt: ['v=DMARC1; p=monitor'] },
      'revoked.test': { txt: ['v=spf1 mx ~all'] },
      'selector1._domainkey.revoked.test': { txt: ['v=DKIM1; p='] },
      'broken.test': { rcode: 'SERVFAIL' },
    },
    { canaries: false },
  );
  resolver = new Resolver({ timeout: 2_000, tries: 1 });
  resolver.setServers([dns.address]);
});

afterAll(async () => {
  await dns?.close();
});

describe('checkSenderAuthentication', () => {
  it('passes a domain with SPF (including the provider), DKIM on a default selector and DMARC', async () => {
    const report = await checkSenderAuthentication('good.test', {
      resolver,
      spfIncludes: ['include:_spf.google.com'],
    });
    expect(report.ok).toBe(true);
    expect(report.spf).toEqual({
      status: 'pass',
      record: 'v=spf1 include:_spf.google.com ~all',
      advice: null,
    });
    expect(report.dkim.status).toBe('pass');
    expect(report.dkim.selector).toBe('google');
    expect(report.dkim.record).toBe(`v=DKIM1; k=rsa; p=${KEY}`);
    expect(report.dkim.selectorsTried).toContain('selector1');
    expect(report.dmarc).toEqual({ status: 'pass', record: DMARC, policy: 'quarantine', advice: null });
  });

  it('fails SPF that does not include the provider, with the fixed record as advice', async () => {
    const report = await checkSenderAuthentication('named.test', {
      resolver,
      dkimSelectors: ['mail2025'],
      spfIncludes: ['include:spf.protection.outlook.com'],
    });
    expect(report.spf.status).toBe('fail');
    expect(report.spf.advice).toContain('v=spf1 mx include:spf.protection.outlook.com -all');
    expect(report.ok).toBe(false);
  });

  it('reports missing SPF with the record to add', async () => {
    const report = await checkSenderAuthentication('nospf.test', {
      resolver,
      spfIncludes: ['include:_spf.google.com'],
    });
    expect(report.spf).toMatchObject({ status: 'missing', record: null });
    expect(report.spf.advice).toContain('v=spf1 include:_spf.google.com ~all');
    expect(report.dkim.status).toBe('missing');
    expect(report.dmarc.status).toBe('missing');
    expect(report.dmarc.advice).toContain('_dmarc.nospf.test: v=DMARC1; p=none');
  });

  it('fails an SPF record ending in +all', async () => {
    const report = await checkSenderAuthentication('plusall.test', { resolver });
    expect(report.spf.status).toBe('fail');
    expect(report.spf.advice).toContain('v=spf1 a mx ~all');
  });

  it('finds DKIM through a selector the user names, not through the defaults', async () => {
    const named = await checkSenderAuthentication('named.test', { resolver, dkimSelectors: ['mail2025'] });
    expect(named.dkim).toMatchObject({ status: 'pass', selector: 'mail2025', selectorsTried: ['mail2025'] });
    expect(named.ok).toBe(true);
    const defaults = await checkSenderAuthentication('named.test', { resolver });
    expect(defaults.dkim.status).toBe('missing');
    expect(defaults.dkim.advice).toContain('_domainkey.named.test');
  });

  it('finds DKIM through the default selectors', async () => {
    const report = await checkSenderAuthentication('nodmarc.test', { resolver });
    expect(report.dkim).toMatchObject({ status: 'pass', selector: 'k1' });
  });

  it('fails a revoked DKIM key (empty p=)', async () => {
    const report = await checkSenderAuthentication('revoked.test', { resolver });
    expect(report.dkim).toMatchObject({ status: 'fail', selector: 'selector1' });
  });

  it('reports missing DMARC', async () => {
    const report = await checkSenderAuthentication('nodmarc.test', { resolver });
    expect(report.dmarc).toMatchObject({ status: 'missing', record: null, policy: null });
    expect(report.ok).toBe(false);
  });

  it('fails a DMARC record without a valid p= policy', async () => {
    for (const domain of ['baddmarc.test', 'weird.test']) {
      const report = await checkSenderAuthentication(domain, { resolver });
      expect(report.dmarc.status).toBe('fail');
      expect(report.dmarc.policy).toBeNull();
      expect(report.dmarc.advice).toContain('p=none');
    }
  });

  it('throws SenderAuthLookupError when DNS fails (SERVFAIL), rather than reporting records as missing', async () => {
    await expect(checkSenderAuthentication('broken.test', { resolver })).rejects.toBeInstanceOf(
      SenderAuthLookupError,
    );
  });

  it('refuses a malformed domain or selector', async () => {
    await expect(checkSenderAuthentication('not a domain', { resolver })).rejects.toBeInstanceOf(
      MailInputError,
    );
    await expect(
      checkSenderAuthentication('good.test', { resolver, dkimSelectors: ['bad selector'] }),
    ).rejects.toBeInstanceOf(MailInputError);
  });
});
