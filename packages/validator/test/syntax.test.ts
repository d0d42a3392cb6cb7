import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../src/syntax/index.ts';
import type { ParseOptions, ParseResult, SyntaxReason } from '../src/types.ts';

type Valid = Extract<ParseResult, { valid: true }>;
type Expected = SyntaxReason | Partial<Omit<Valid, 'valid'>>;
interface Case {
  input: string;
  expected: Expected;
  options?: ParseOptions;
  note?: string;
}

const QUOTED: ParseOptions = { allowQuotedLocal: true };
const LITERAL: ParseOptions = { allowDomainLiteral: true };
const SPECIAL: ParseOptions = { allowSpecialUse: true };

const a = (n: number) => 'a'.repeat(n);
/** A domain of exactly `n` octets: labels of at most 63 octets, ending in ".com". */
function domainOfLength(n: number): string {
  const labels: string[] = [];
  let rest = n - 4; // octets before ".com"
  while (rest > 63) {
    const take = Math.min(63, rest - 2); // leave room for a dot and a label of at least one octet
    labels.push('b'.repeat(take));
    rest -= take + 1;
  }
  labels.push('c'.repeat(rest));
  const d = `${labels.join('.')}.com`;
  if (d.length !== n) throw new Error(`domainOfLength(${n}) built ${d.length}`);
  return d;
}

const U55 = 'ü'.repeat(55); // UTF-8: 110 octets; A-label: 61 octets

const cases: Case[] = [
  // --- plain dot-atoms and every atext special
  { input: 'john.doe@example.com', expected: { local: 'john.doe', domain: 'example.com', smtputf8: false } },
  { input: 'x@example.com', expected: { ascii: 'x@example.com', unicode: 'x@example.com' } },
  ...[..."!#$%&'*+/=?^_`{|}~-"].map(
    (ch): Case => ({ input: `a${ch}b@example.com`, expected: { local: `a${ch}b` }, note: `atext ${ch}` }),
  ),
  { input: "!#$%&'*+/=?^_`{|}~-@example.com", expected: { local: "!#$%&'*+/=?^_`{|}~-" } },
  { input: 'user+tag@example.com', expected: { local: 'user+tag' } },
  { input: 'a.b.c.d@example.com', expected: { local: 'a.b.c.d' } },
  { input: '0@example.com', expected: { local: '0' } },
  // --- dots in the local part
  { input: '.a@example.com', expected: 'invalid_local_part', note: 'leading dot' },
  { input: 'a.@example.com', expected: 'invalid_local_part', note: 'trailing dot' },
  { input: 'a..b@example.com', expected: 'invalid_local_part', note: 'double dot' },
  { input: '.@example.com', expected: 'invalid_local_part' },
  // --- characters outside atext
  { input: 'a,b@example.com', expected: 'invalid_local_part' },
  { input: 'a;b@example.com', expected: 'invalid_local_part' },
  { input: 'a:b@example.com', expected: 'invalid_local_part' },
  { input: 'a[b]@example.com', expected: 'invalid_local_part' },
  { input: 'a\\b@example.com', expected: 'invalid_local_part' },
  { input: 'a b@example.com', expected: 'invalid_local_part' },
  { input: 'a)b@example.com', expected: 'invalid_local_part', note: 'lone parenthesis' },
  // --- case preserved in the local part, domain lower-cased
  {
    input: 'John.Doe@Example.COM',
    expected: { local: 'John.Doe', domain: 'example.com', ascii: 'John.Doe@example.com' },
  },
  // --- whitespace trimming, empty input, @ signs
  { input: '  a@example.com \t\n', expected: { ascii: 'a@example.com' } },
  { input: '\u00A0\uFEFFa@example.com\u3000', expected: { ascii: 'a@example.com' }, note: 'Unicode spaces' },
  { input: '', expected: 'empty' },
  { input: ' \t\r\n ', expected: 'empty' },
  { input: 'example.com', expected: 'no_at_sign' },
  { input: 'a＠example.com', expected: 'no_at_sign', note: 'full-width @ is not an @' },
  { input: 'a@b@example.com', expected: 'invalid_local_part', note: 'two @' },
  { input: '@example.com', expected: 'local_empty' },
  { input: 'a@', expected: 'domain_empty' },
  { input: '@', expected: 'local_empty' },
  { input: '@r.example:a@example.com', expected: 'invalid_local_part', note: 'obsolete source route' },
  // --- quoted local parts
  { input: '"a b"@example.com', expected: 'quoted_local_not_allowed' },
  { input: '"john.doe"@example.com', expected: 'quoted_local_not_allowed' },
  { input: '"a b"@example.com', options: QUOTED, expected: { local: '"a b"', ascii: '"a b"@example.com' } },
  {
    input: '"john.doe"@example.com',
    options: QUOTED,
    expected: { local: 'john.doe' },
    note: 'unneeded quotes',
  },
  { input: '"j\\ohn"@example.com', options: QUOTED, expected: { local: 'john' }, note: 'unneeded escape' },
  { input: '"a\\"b"@example.com', options: QUOTED, expected: { local: '"a\\"b"' } },
  { input: '"a\\\\b"@example.com', options: QUOTED, expected: { local: '"a\\\\b"' } },
  { input: '"a@b"@example.com', options: QUOTED, expected: { local: '"a@b"', domain: 'example.com' } },
  { input: '"a(b)c"@example.com', options: QUOTED, expected: { local: '"a(b)c"' }, note: 'not a comment' },
  { input: '"a..b"@example.com', options: QUOTED, expected: { local: '"a..b"' } },
  { input: '"ü x"@example.com', options: QUOTED, expected: { local: '"ü x"', smtputf8: true } },
  { input: '""@example.com', options: QUOTED, expected: 'local_empty' },
  { input: '"a"b@example.com', options: QUOTED, expected: 'invalid_local_part' },
  { input: '"a".b@example.com', options: QUOTED, expected: 'invalid_local_part', note: 'obsolete' },
  { input: '"a".b@example.com', expected: 'invalid_local_part', note: 'obsolete' },
  { input: 'a"b"@example.com', options: QUOTED, expected: 'invalid_local_part' },
  { input: '"a\\"@example.com', options: QUOTED, expected: 'invalid_local_part', note: 'unterminated' },
  { input: '"a"b"@example.com', options: QUOTED, expected: 'invalid_local_part' },
  { input: '"a\tb"@example.com', options: QUOTED, expected: 'forbidden_character' },
  { input: '"a\u0000b"@example.com', options: QUOTED, expected: 'forbidden_character' },
  // --- display names and comments
  { input: '"A" <a@b.co>', expected: 'display_name_not_allowed' },
  { input: 'A <a@b.co>', expected: 'display_name_not_allowed' },
  { input: '<a@b.co>', expected: 'display_name_not_allowed' },
  { input: '"A" <a@b.co>', options: QUOTED, expected: 'display_name_not_allowed' },
  { input: 'a(c)@b.co', expected: 'comment_not_allowed' },
  { input: '(c)a@b.co', expected: 'comment_not_allowed' },
  { input: 'a@(c)b.co', expected: 'comment_not_allowed' },
  { input: 'a@b.co(c)', expected: 'comment_not_allowed' },
  // --- domain structure
  { input: 'a@b.c.', expected: 'trailing_dot' },
  { input: 'a@example.com.', expected: 'trailing_dot' },
  { input: 'a@例子.广告。', expected: 'trailing_dot', note: 'ideographic full stop maps to "."' },
  { input: 'a@localhost', expected: 'single_label_domain' },
  { input: 'a@localhost', options: SPECIAL, expected: 'single_label_domain' },
  { input: 'a@com', expected: 'single_label_domain' },
  { input: 'a@b.123', expected: 'numeric_tld' },
  { input: 'a@1.2.3.4', expected: 'numeric_tld', note: 'bare IPv4' },
  { input: 'a@b.１２３', expected: 'numeric_tld', note: 'full-width digits map to ASCII' },
  { input: 'a@123.com', expected: { domain: '123.com' } },
  { input: 'a@b.c1', expected: { domain: 'b.c1' } },
  { input: 'a@b..com', expected: 'invalid_domain' },
  { input: 'a@.b.com', expected: 'invalid_domain' },
  { input: 'a@my_host.com', expected: 'invalid_domain' },
  { input: 'a@b .com', expected: 'invalid_domain' },
  { input: 'a@exa!mple.com', expected: 'invalid_domain' },
  { input: 'a@-b.com', expected: 'invalid_domain', note: 'leading hyphen' },
  { input: 'a@b-.com', expected: 'invalid_domain', note: 'trailing hyphen' },
  { input: 'a@ab--cd.com', expected: 'invalid_domain', note: '"--" in positions 3-4' },
  { input: 'a@a-b--c.com', expected: { domain: 'a-b--c.com' }, note: '"--" elsewhere is fine' },
  { input: 'a@-bücher.de', expected: 'invalid_idn', note: 'hyphen rule on a U-label' },
  { input: 'a@bü--cher.de', expected: 'invalid_idn', note: '"--" in positions 3-4 of a U-label' },
  // --- special-use names
  ...[
    'example.invalid',
    'example.test',
    'my.localhost',
    'printer.local',
    'facebookcorewwwi.onion',
    'in-addr.arpa',
  ].flatMap((d): Case[] => [
    { input: `a@${d}`, expected: 'special_use_domain' },
    { input: `a@${d}`, options: SPECIAL, expected: { domain: d } },
  ]),
  { input: 'a@EXAMPLE.TEST', expected: 'special_use_domain' },
  { input: 'a@ｅｘａｍｐｌｅ．ｔｅｓｔ', expected: 'special_use_domain', note: 'full-width' },
  { input: 'a@testing.com', expected: { domain: 'testing.com' } },
  // --- domain literals
  { input: 'a@[127.0.0.1]', expected: 'domain_literal_not_allowed' },
  { input: 'a@[IPv6:::1]', expected: 'domain_literal_not_allowed' },
  { input: 'a@[127.0.0.1]', options: LITERAL, expected: { domain: '[127.0.0.1]', ascii: 'a@[127.0.0.1]' } },
  { input: 'a@[IPv6:::1]', options: LITERAL, expected: { domain: '[IPv6:::1]', unicode: 'a@[IPv6:::1]' } },
  { input: 'a@[ipv6:FE80::1]', options: LITERAL, expected: { domain: '[IPv6:fe80::1]' } },
  { input: 'a@[::1]', options: LITERAL, expected: 'invalid_domain_literal', note: 'IPv6 without tag' },
  { input: 'a@[300.1.1.1]', options: LITERAL, expected: 'invalid_domain_literal' },
  { input: 'a@[01.2.3.4]', options: LITERAL, expected: 'invalid_domain_literal' },
  { input: 'a@[IPv6:fe80::1%eth0]', options: LITERAL, expected: 'invalid_domain_literal' },
  { input: 'a@[IPv6:1.2.3.4]', options: LITERAL, expected: 'invalid_domain_literal' },
  { input: 'a@[127.0.0.1', options: LITERAL, expected: 'invalid_domain_literal' },
  { input: 'a@[x:y]', options: LITERAL, expected: 'invalid_domain_literal' },
  // --- internationalised domains and UTF-8 local parts
  {
    input: '用户@例子.广告',
    expected: {
      local: '用户',
      domain: 'xn--fsqu00a.xn--4rr70v',
      ascii: '用户@xn--fsqu00a.xn--4rr70v',
      unicode: '用户@例子.广告',
      smtputf8: true,
    },
  },
  {
    input: 'a@bücher.de',
    expected: {
      domain: 'xn--bcher-kva.de',
      ascii: 'a@xn--bcher-kva.de',
      unicode: 'a@bücher.de',
      smtputf8: false,
    },
  },
  { input: 'a@xn--bcher-kva.de', expected: { ascii: 'a@xn--bcher-kva.de', unicode: 'a@bücher.de' } },
  { input: 'a@XN--BCHER-KVA.DE', expected: { ascii: 'a@xn--bcher-kva.de', unicode: 'a@bücher.de' } },
  {
    input: 'a@BÜCHER.DE',
    expected: { domain: 'xn--bcher-kva.de', unicode: 'a@bücher.de' },
    note: 'UTS #46 case',
  },
  { input: 'a@ＥＸＡＭＰＬＥ．ｃｏｍ', expected: { ascii: 'a@example.com', unicode: 'a@example.com' } },
  { input: 'a@例子。广告', expected: { unicode: 'a@例子.广告' }, note: 'ideographic full stop' },
  { input: 'a@faß.de', expected: { domain: 'xn--fa-hia.de', unicode: 'a@faß.de' }, note: 'non-transitional' },
  { input: 'josé@example.com', expected: { local: 'josé', ascii: 'josé@example.com', smtputf8: true } },
  { input: 'JOSÉ@example.com', expected: { local: 'JOSÉ' }, note: 'case preserved' },
  { input: 'jose\u0301@example.com', expected: { local: 'jos\u00E9', smtputf8: true }, note: 'NFC' },
  {
    input: '\u212A@example.com',
    expected: { local: 'K', smtputf8: false },
    note: 'NFC maps KELVIN SIGN to K',
  },
  { input: 'a\u037Eb@example.com', expected: 'invalid_local_part', note: 'NFC maps U+037E to ";"' },
  { input: 'ａ@example.com', expected: { local: 'ａ', smtputf8: true }, note: 'local parts are not mapped' },
  { input: 'a@xn--zz.com', expected: 'invalid_idn', note: 'invalid punycode' },
  { input: 'a@xn--abc.com', expected: 'invalid_idn', note: 'A-label that decodes to ASCII' },
  { input: 'a@xn--.com', expected: 'invalid_domain' },
  { input: 'a@ex\uFFFDmple.com', expected: 'invalid_idn', note: 'UTS #46 disallowed' },
  { input: 'a@ex\u2488.com', expected: 'invalid_idn', note: 'UTS #46 disallowed' },
  { input: 'a@\u0301abc.com', expected: 'invalid_idn', note: 'leading combining mark' },
  {
    input: 'a@i\u2665.com',
    expected: 'invalid_idn',
    note: 'symbol: valid in UTS #46, DISALLOWED in IDNA2008',
  },
  { input: 'a@xn--ls8h.la', expected: 'invalid_idn', note: 'emoji A-label' },
  { input: 'a@ab\u0661.com', expected: 'invalid_idn', note: 'bidi: LTR label with an Arabic-Indic digit' },
  { input: 'a@1\u05D0.com', expected: 'invalid_idn', note: 'bidi: RTL label starting with a digit' },
  { input: 'a@\u05D0a.com', expected: 'invalid_idn', note: 'bidi: L character in an RTL label' },
  {
    input: 'a@\u05D01.com',
    expected: { domain: 'xn--1-zhc.com' },
    note: 'RTL label satisfying the bidi rule',
  },
  { input: 'a@a\u00B7b.cat', expected: 'invalid_idn', note: 'CONTEXTO: middle dot not between l' },
  { input: 'a@l\u00B7l.cat', expected: { unicode: 'a@l\u00B7l.cat' }, note: 'CONTEXTO: ela geminada' },
  { input: 'a@\u0661\u06F1.com', expected: 'invalid_idn', note: 'CONTEXTO: mixed Arabic-Indic digits' },
  {
    input: 'a@\u0915\u094D\u200D\u0937.com',
    expected: { smtputf8: false },
    note: 'CONTEXTJ: ZWJ after virama',
  },
  // --- control and invisible format characters
  { input: 'a\u0000b@example.com', expected: 'forbidden_character' },
  { input: 'a\tb@example.com', expected: 'forbidden_character', note: 'inner tab' },
  { input: 'a@exam\u007Fple.com', expected: 'forbidden_character', note: 'DEL' },
  { input: 'a\u0085b@example.com', expected: 'forbidden_character', note: 'C1 control' },
  { input: 'a@exam\u0085ple.com', expected: 'forbidden_character', note: 'C1 control' },
  { input: 'a\u200Bb@example.com', expected: 'forbidden_character', note: 'ZWSP in local' },
  { input: 'a\u200Db@example.com', expected: 'forbidden_character', note: 'ZWJ in local' },
  { input: 'a\u200Fb@example.com', expected: 'forbidden_character', note: 'RLM in local' },
  { input: 'a\u202Eb@example.com', expected: 'forbidden_character', note: 'RLO in local' },
  { input: 'a\u00A0b@example.com', expected: 'forbidden_character', note: 'NBSP in local' },
  { input: 'a\uFE0F@example.com', expected: 'forbidden_character', note: 'variation selector' },
  { input: 'a\uD800@example.com', expected: 'forbidden_character', note: 'lone surrogate' },
  {
    input: 'a@exa\u200Bmple.com',
    expected: 'forbidden_character',
    note: 'ZWSP in domain (UTS #46 would drop it)',
  },
  { input: 'a@exa\u00ADmple.com', expected: 'forbidden_character', note: 'soft hyphen in domain' },
  { input: 'a@exa\u200Fmple.com', expected: 'forbidden_character', note: 'RLM in domain' },
  { input: 'a@exa\u200Dmple.com', expected: 'invalid_idn', note: 'ZWJ in domain outside CONTEXTJ' },
  // --- lengths (UTF-8 octets)
  { input: `${a(64)}@example.com`, expected: { local: a(64) } },
  { input: `${a(65)}@example.com`, expected: 'local_too_long' },
  { input: `${'é'.repeat(32)}@example.com`, expected: { smtputf8: true }, note: '64 octets' },
  { input: `${'é'.repeat(33)}@example.com`, expected: 'local_too_long', note: '66 octets, 33 characters' },
  { input: `${'用'.repeat(21)}a@example.com`, expected: { smtputf8: true }, note: '64 octets' },
  { input: `${'用'.repeat(22)}@example.com`, expected: 'local_too_long', note: '66 octets, 22 characters' },
  { input: `"${a(62)}"@example.com`, options: QUOTED, expected: { local: a(62) }, note: 'quotes removed' },
  { input: `"${a(62)} "@example.com`, options: QUOTED, expected: 'local_too_long', note: '65 with quotes' },
  { input: `a@${a(63)}.com`, expected: { domain: `${a(63)}.com` } },
  { input: `a@${a(64)}.com`, expected: 'label_too_long' },
  { input: `a@${'ü'.repeat(57)}.de`, expected: { smtputf8: false }, note: 'A-label of 63' },
  { input: `a@${'ü'.repeat(58)}.de`, expected: 'label_too_long', note: 'A-label of 64' },
  { input: `a@${domainOfLength(252)}`, expected: { smtputf8: false }, note: 'address of 254' },
  { input: `ab@${domainOfLength(252)}`, expected: 'address_too_long', note: 'address of 255' },
  { input: `a@${domainOfLength(253)}`, expected: 'address_too_long', note: 'domain of 253' },
  { input: `a@${domainOfLength(254)}`, expected: 'domain_too_long' },
  { input: `a@${'ü'.repeat(3000)}.de`, expected: 'domain_too_long', note: 'huge IDN refused before UTS #46' },
  { input: `${a(64)}@${domainOfLength(189)}`, expected: { smtputf8: false }, note: 'address of 254' },
  { input: `${a(64)}@${domainOfLength(190)}`, expected: 'address_too_long' },
  {
    input: `${a(64)}@${U55}.${U55}.de`,
    expected: 'address_too_long',
    note: 'A-label form fits in 254, U-label form does not',
  },
];

function label(c: Case): string {
  const shown = c.input.length > 60 ? `${c.input.slice(0, 57)}…` : c.input;
  const opts = c.options ? ` ${JSON.stringify(c.options)}` : '';
  return `${JSON.stringify(shown)}${opts}${c.note ? ` (${c.note})` : ''}`;
}

describe('parseAddress', () => {
  it('has a large table', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(cases.map((c) => [label(c), c] as const))('%s', (_, c) => {
    const result = parseAddress(c.input, c.options);
    if (typeof c.expected === 'string') {
      expect(result).toEqual({ valid: false, reason: c.expected });
    } else {
      expect(result).toMatchObject({ valid: true, ...c.expected });
    }
  });

  it('covers every reason code in the table', () => {
    const all: Record<SyntaxReason, true> = {
      empty: true,
      no_at_sign: true,
      local_empty: true,
      local_too_long: true,
      address_too_long: true,
      domain_empty: true,
      domain_too_long: true,
      label_too_long: true,
      invalid_local_part: true,
      quoted_local_not_allowed: true,
      domain_literal_not_allowed: true,
      invalid_domain_literal: true,
      display_name_not_allowed: true,
      comment_not_allowed: true,
      invalid_domain: true,
      invalid_idn: true,
      single_label_domain: true,
      numeric_tld: true,
      special_use_domain: true,
      trailing_dot: true,
      forbidden_character: true,
    };
    const seen = new Set(cases.map((c) => c.expected).filter((e) => typeof e === 'string'));
    expect(Object.keys(all).filter((r) => !seen.has(r as SyntaxReason))).toEqual([]);
    const doc = readFileSync(new URL('../../../docs/validation-syntax.md', import.meta.url), 'utf8');
    expect(Object.keys(all).filter((r) => !doc.includes(`\`${r}\``))).toEqual([]);
  });

  it('long U-label case: the A-label form really fits', () => {
    const r = parseAddress(`a@${U55}.${U55}.de`);
    if (!r.valid) throw new Error(r.reason);
    expect(64 + 1 + r.domain.length).toBeLessThanOrEqual(254);
    expect(Buffer.byteLength(`${a(64)}@${U55}.${U55}.de`)).toBeGreaterThan(254);
  });

  it('valid results are fixed points: parsing ascii or unicode gives the same result', () => {
    for (const c of cases) {
      const r = parseAddress(c.input, c.options);
      if (!r.valid) continue;
      expect(parseAddress(r.ascii, c.options), r.ascii).toEqual(r);
      expect(parseAddress(r.unicode, c.options), r.unicode).toEqual(r);
      expect(r.ascii).toBe(`${r.local}@${r.domain}`);
      if (!r.domain.startsWith('[')) expect(r.domain).toMatch(/^[a-z0-9.-]+$/);
      expect(r.smtputf8).toBe([...r.local].some((ch) => (ch.codePointAt(0) ?? 0) > 0x7f));
    }
  });

  it('returns the input string unchanged as ascii for canonical ASCII input', () => {
    const r = parseAddress('a.b+c@mail.example.org');
    expect(r).toEqual({
      valid: true,
      local: 'a.b+c',
      domain: 'mail.example.org',
      ascii: 'a.b+c@mail.example.org',
      unicode: 'a.b+c@mail.example.org',
      smtputf8: false,
    });
  });

  it('treats a non-string as empty', () => {
    expect(parseAddress(undefined as unknown as string)).toEqual({ valid: false, reason: 'empty' });
  });
});
