// Domain and role lists (maintained packages) and typo suggestions.
import { describe, expect, it } from 'vitest';
import {
  BIG_PROVIDER_DOMAINS,
  isDisposableDomain,
  isFreeProvider,
  isRoleAccount,
  suggestDomain,
} from '../src/lists/index.ts';

describe('disposable domains', () => {
  it('knows listed domains, whatever the case or a trailing dot', () => {
    expect(isDisposableDomain('mailinator.com')).toBe(true);
    expect(isDisposableDomain('MAILINATOR.com.')).toBe(true);
    expect(isDisposableDomain('guerrillamail.com')).toBe(true);
  });

  it('matches subdomains of wildcard entries', () => {
    expect(isDisposableDomain('33mail.com')).toBe(true);
    expect(isDisposableDomain('someone.33mail.com')).toBe(true);
    expect(isDisposableDomain('a.b.33mail.com')).toBe(true);
  });

  it('leaves ordinary domains alone', () => {
    expect(isDisposableDomain('gmail.com')).toBe(false);
    expect(isDisposableDomain('example.org')).toBe(false);
    expect(isDisposableDomain('not33mail.com')).toBe(false);
    expect(isDisposableDomain('')).toBe(false);
  });
});

describe('free providers', () => {
  it('knows the big free mailbox providers', () => {
    for (const domain of ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'GMX.de']) {
      expect(isFreeProvider(domain), domain).toBe(true);
    }
  });

  it('does not flag company domains', () => {
    expect(isFreeProvider('postern.dev')).toBe(false);
    expect(isFreeProvider('example.org')).toBe(false);
    expect(isFreeProvider('')).toBe(false);
  });
});

describe('role accounts', () => {
  it('recognises role local parts, case-insensitively', () => {
    for (const local of ['info', 'postmaster', 'Sales', 'ADMIN', 'noreply', 'abuse', 'webmaster']) {
      expect(isRoleAccount(local), local).toBe(true);
    }
  });

  it('strips a +tag and ignores separators', () => {
    expect(isRoleAccount('Sales+x')).toBe(true);
    expect(isRoleAccount('info+newsletter')).toBe(true);
    expect(isRoleAccount('no_reply')).toBe(true);
    expect(isRoleAccount('No.Reply')).toBe(true);
    expect(isRoleAccount('customer-service')).toBe(true);
    expect(isRoleAccount('support-eu')).toBe(true);
  });

  it('does not flag personal addresses', () => {
    for (const local of ['john.smith', 'alice', 'jane_doe+shop', 'sydney.smith', 'steve.jobs', '']) {
      expect(isRoleAccount(local), local).toBe(false);
    }
  });
});

describe('typo suggestions', () => {
  it('corrects misspelt big providers, keeping the local part', () => {
    expect(suggestDomain('jane@gmial.com')).toEqual({ suggestion: 'jane@gmail.com', domain: 'gmail.com' });
    expect(suggestDomain('Jane.Doe@hotmial.com')).toEqual({
      suggestion: 'Jane.Doe@hotmail.com',
      domain: 'hotmail.com',
    });
    expect(suggestDomain('jane@gmail.con')?.domain).toBe('gmail.com');
    expect(suggestDomain('jane@yaho.com')?.domain).toBe('yahoo.com');
    expect(suggestDomain('jane@outlok.com')?.domain).toBe('outlook.com');
    expect(suggestDomain('jane@iclod.com')?.domain).toBe('icloud.com');
    expect(suggestDomain('jane@hotmail.cm')?.domain).toBe('hotmail.com');
  });

  it('accepts a bare domain', () => {
    expect(suggestDomain('gmial.com')).toEqual({ suggestion: 'gmail.com', domain: 'gmail.com' });
  });

  it('never suggests for a known domain', () => {
    for (const domain of BIG_PROVIDER_DOMAINS) expect(suggestDomain(`a@${domain}`), domain).toBeNull();
    for (const domain of ['hotmail.de', 'yahoo.fr', 'gmx.de', 'mail.com', 'email.com', 'GMAIL.COM']) {
      expect(suggestDomain(`a@${domain}`), domain).toBeNull();
    }
  });

  it('never "corrects" an unknown but plausible domain', () => {
    for (const domain of [
      'acme.co',
      'acme.com',
      'example.org',
      'gm.com',
      'aa.com',
      'love.com',
      'man.com',
      'mit.edu',
      'gmailbox.org',
      'company.io',
    ]) {
      expect(suggestDomain(`a@${domain}`), domain).toBeNull();
    }
  });

  it('returns null for input without a usable domain', () => {
    expect(suggestDomain('')).toBeNull();
    expect(suggestDomain('jane@')).toBeNull();
    expect(suggestDomain('jane@localhost')).toBeNull();
  });
});
