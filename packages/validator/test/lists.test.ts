// Domain and role lists (maintained packages) and typo suggestions.
import { POPULAR_DOMAINS } from '@zootools/email-spell-checker';
import { describe, expect, it } from 'vitest';
import {
  BIG_PROVIDER_DOMAINS,
  isDisposableDomain,
  isFreeProvider,
  isRoleAccount,
  suggestDomain,
} from '../src/lists/index.ts';
import { mayHaveSuggestion, suggestDomainUnfiltered } from '../src/lists/typos.ts';

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

describe('typo suggestions: the pre-filter never changes an answer', () => {
  const KNOWN = [...new Set([...BIG_PROVIDER_DOMAINS, ...POPULAR_DOMAINS])];

  // A fixed-seed generator: a failure shows the same corpus again.
  let seed = 20_240_611;
  const random = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789.-';
  const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

  /** One random insertion, deletion, substitution or adjacent transposition anywhere (TLD too). */
  const edit = (s: string): string => {
    const at = Math.floor(random() * (s.length + 1));
    switch (Math.floor(random() * 4)) {
      case 0:
        return s.slice(0, at) + pick([...CHARS]) + s.slice(at);
      case 1:
        return s.slice(0, at) + s.slice(at + 1);
      case 2:
        return s.slice(0, at) + pick([...CHARS]) + s.slice(at + 1);
      default:
        return at + 1 < s.length ? s.slice(0, at) + s[at + 1] + s[at] + s.slice(at + 2) : s;
    }
  };
  const word = (min: number, max: number) =>
    Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () => pick([...LETTERS])).join('');

  const corpus = new Set<string>();
  for (const known of KNOWN) {
    corpus.add(known);
    for (let i = 0; i < 60; i++) corpus.add(edit(known));
    for (let i = 0; i < 60; i++) corpus.add(edit(edit(known)));
    // The same name under another TLD, and another name under the same TLD.
    corpus.add(`${known.split('.')[0]}.${pick(['com', 'net', 'org', 'co', 'io', 'de', 'co.uk', 'cm'])}`);
    corpus.add(`${word(2, 8)}${known.slice(known.indexOf('.'))}`);
  }
  const TLDS = ['com', 'net', 'org', 'io', 'de', 'fr', 'co.uk', 'com.au', 'edu', 'ca', 'nl', 'ru'];
  for (let i = 0; i < 3_000; i++) corpus.add(`${word(1, 14)}.${pick(TLDS)}`);
  for (let i = 0; i < 500; i++) corpus.add(`${word(2, 8)}.${word(2, 10)}.${pick(TLDS)}`);

  it('gives the answer of the unfiltered computation on every domain of the corpus', () => {
    const differences: string[] = [];
    let suggestions = 0;
    let filtered = 0;
    for (const domain of corpus) {
      const input = `jo@${domain}`;
      const expected = suggestDomainUnfiltered(input);
      const actual = suggestDomain(input);
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        differences.push(`${domain}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
      }
      if (expected !== null) suggestions++;
      if (!mayHaveSuggestion(domain)) filtered++;
    }
    expect(differences).toEqual([]);
    // The corpus exercises both sides: many real suggestions, many domains the filter turns away.
    expect(corpus.size).toBeGreaterThan(10_000);
    expect(suggestions).toBeGreaterThan(2_000);
    expect(filtered).toBeGreaterThan(3_000);
  });

  /** Optimal string alignment distance, the whole table (the reference for the bounded one). */
  const osa = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      for (let j = 1; j <= b.length; j++) {
        let best = Math.min(
          (up[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
        }
        row[j] = best;
      }
    }
    return (d[a.length] as number[])[b.length] as number;
  };
  const split = (domain: string) => {
    const dot = domain.indexOf('.');
    return dot === -1 ? [domain, ''] : [domain.slice(0, dot), domain.slice(dot + 1)];
  };

  // The reference takes plausibleFix's two conditions as written; the filter tests only the second
  // (the first implies it: a common first label costs no edit).
  it('turns a domain away exactly when no known domain meets a condition of plausibleFix', () => {
    const wrong: string[] = [];
    for (const domain of corpus) {
      const [name, rest] = split(domain);
      const expected = KNOWN.some((known) => {
        const [knownName, knownRest] = split(known);
        return (
          (name === knownName && osa(rest as string, knownRest as string) <= 2) || osa(domain, known) <= 2
        );
      });
      if (mayHaveSuggestion(domain) !== expected) wrong.push(domain);
    }
    expect(wrong).toEqual([]);
  }, 120_000); // walks the whole corpus: CPU-bound, slow when other test files share the machine
});
