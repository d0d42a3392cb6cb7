// parseAddress: is this string a deliverable-looking mailbox address (RFC 5321/5322 addr-spec with
// RFC 6531/6532 UTF-8 and IDNA2008 domains), and what are its canonical forms?
//
// Hot path: an all-ASCII address with LDH labels is checked with char-code loops and lookup tables,
// no regex and no allocation beyond the two slices and the result object. Phases, in order: the
// whole string (scanAddress), the local part (checkLocal), the domain (checkDomain). Unicode
// normalisation and UTS #46 (tr46) run only when a non-ASCII character or an A-label is present.
// Reason codes and their precedence are documented in docs/validation-syntax.md.
import type { ParseOptions, ParseResult, SyntaxReason } from '../types.ts';
import {
  ATEXT,
  FORBIDDEN_DOMAIN,
  FORBIDDEN_LOCAL,
  hasNonAscii,
  isDotAtom,
  LDH,
  LEADING_MARK,
  utf8Length,
} from './chars.ts';
import { idnaConvert } from './idna.ts';
import { parseDomainLiteral } from './literal.ts';

export const MAX_LOCAL_OCTETS = 64;
export const MAX_ADDRESS_OCTETS = 254;
export const MAX_DOMAIN_OCTETS = 253;
export const MAX_LABEL_OCTETS = 63;

/** RFC 6761 / RFC 7686 / RFC 6762 special-use top-level names, rejected unless `allowSpecialUse`. */
export const SPECIAL_USE_TLDS: readonly string[] = ['invalid', 'test', 'localhost', 'local', 'onion', 'arpa'];

const NO_OPTIONS: ParseOptions = {};

function fail(reason: SyntaxReason): ParseResult {
  return { valid: false, reason };
}

// Domain scan result: a negative number is a reason (index into SCAN_REASONS), otherwise
// (start of the last label << 2) | HAS_UPPER | HAS_A_LABEL.
const HAS_UPPER = 1;
const HAS_A_LABEL = 2;
const SCAN_REASONS: readonly SyntaxReason[] = [
  'invalid_domain', // -1
  'trailing_dot', // -2
  'label_too_long', // -3
  'domain_too_long', // -4
  'single_label_domain', // -5
];
const E_INVALID = -1;
const E_TRAILING_DOT = -2;
const E_LABEL_LONG = -3;
const E_DOMAIN_LONG = -4;
const E_SINGLE_LABEL = -5;

/**
 * Checks an ASCII domain as a sequence of LDH labels: no empty label, no leading or trailing hyphen,
 * no "--" in positions 3-4 unless the label is an A-label ("xn--", validated later by tr46), labels of
 * at most 63 octets, at most 253 in all, at least two labels.
 */
function scanAsciiDomain(d: string): number {
  const n = d.length;
  if (d.charCodeAt(n - 1) === 0x2e) return E_TRAILING_DOT;
  let flags = 0;
  let start = 0;
  let labels = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? d.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const len = i - start;
      if (len === 0) return E_INVALID;
      if (d.charCodeAt(start) === 0x2d || d.charCodeAt(i - 1) === 0x2d) return E_INVALID;
      if (len > MAX_LABEL_OCTETS) return E_LABEL_LONG;
      if (len >= 4 && d.charCodeAt(start + 2) === 0x2d && d.charCodeAt(start + 3) === 0x2d) {
        // "--" in positions 3 and 4 is reserved for A-labels ("xn--", any case).
        if ((d.charCodeAt(start) | 0x20) !== 0x78 || (d.charCodeAt(start + 1) | 0x20) !== 0x6e)
          return E_INVALID;
        flags |= HAS_A_LABEL;
      }
      labels++;
      if (i < n) start = i + 1;
      continue;
    }
    const t = c < 0x80 ? LDH[c] : 0;
    if (t === 0) return E_INVALID;
    if (t === 2) flags |= HAS_UPPER;
  }
  if (n > MAX_DOMAIN_OCTETS) return E_DOMAIN_LONG;
  if (labels < 2) return E_SINGLE_LABEL;
  return (start << 2) | flags;
}

/** The top-level label (from `start`): not all digits, and not special-use unless allowed. */
function checkTld(d: string, start: number, allowSpecialUse: boolean): SyntaxReason | null {
  const n = d.length;
  let numeric = true;
  for (let i = start; i < n; i++) {
    const c = d.charCodeAt(i);
    if (c < 0x30 || c > 0x39) {
      numeric = false;
      break;
    }
  }
  if (numeric) return 'numeric_tld';
  if (!allowSpecialUse) {
    const len = n - start;
    for (const tld of SPECIAL_USE_TLDS) {
      if (tld.length !== len) continue;
      let same = true;
      for (let i = 0; i < len; i++) {
        if ((d.charCodeAt(start + i) | 0x20) !== tld.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return 'special_use_domain';
    }
  }
  return null;
}

/**
 * Unquotes an RFC 5322 quoted-string local part (qtext, quoted-pair, spaces; no controls, no
 * folding) and returns its canonical form: the bare content when it is a valid dot-atom, otherwise
 * the content re-quoted with only `"` and `\` escaped. Null when the quoted string is malformed
 * (including obsolete forms such as `"a".b`).
 */
function canonicalQuotedLocal(local: string): string | null {
  const end = local.length - 1;
  let content = '';
  let runStart = 1;
  for (let i = 1; i < end; i++) {
    const c = local.charCodeAt(i);
    if (c === 0x5c) {
      // quoted-pair: "\" (VCHAR / WSP), VCHAR extended to UTF-8 by RFC 6532; controls were refused.
      if (i + 1 >= end) return null;
      content += local.slice(runStart, i);
      runStart = i + 1;
      i++;
    } else if (c === 0x22) {
      return null;
    }
    // Everything else is qtext, a space or UTF-8 (controls were refused before).
  }
  content += local.slice(runStart, end);
  if (content.length === 0) return '';
  if (isDotAtom(content)) return content;
  return `"${content.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * What each phase found, for the phases after it: one object reused by every call (parsing is
 * synchronous and never re-entered), so the hot path allocates nothing for it.
 */
const parts = {
  /** Index of the last "@". */
  at: -1,
  /** Some character is non-ASCII (the slow paths are needed at all). */
  nonAscii: false,
  /** A `"` outside a quoted string's escape: a quoted local part (or a broken one). */
  quote: false,
  local: '',
  localChanged: false,
  localNonAscii: false,
  domain: '',
  unicodeDomain: '',
  domainChanged: false,
};

/** Pass 1: controls, non-ASCII, the last "@", and (outside quoted strings) comments and angle brackets. */
function scanAddress(s: string): SyntaxReason | null {
  const n = s.length;
  let nonAscii = false;
  let at = -1;
  let inQuote = false;
  let escaped = false;
  let parenOpen = false;
  let comment = false;
  let angle = false;
  let quote = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      nonAscii = true;
      escaped = false;
      continue;
    }
    if (c < 0x20 || c === 0x7f) return 'forbidden_character';
    if (c === 0x40) at = i;
    if (inQuote) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) {
      inQuote = true;
      quote = true;
    } else if (c === 0x28) parenOpen = true;
    else if (c === 0x29) comment ||= parenOpen;
    else if (c === 0x3c) angle = true;
  }
  if (angle && s.charCodeAt(n - 1) === 0x3e) return 'display_name_not_allowed';
  if (comment) return 'comment_not_allowed';
  if (at < 0) return 'no_at_sign';
  if (at === 0) return 'local_empty';
  if (at === n - 1) return 'domain_empty';
  parts.at = at;
  parts.nonAscii = nonAscii;
  parts.quote = quote;
  return null;
}

/** A dot-atom: atext (or UTF-8) runs separated by single dots, inlined for the ASCII case. */
function isDotAtomLocal(local: string): boolean {
  let prevDot = true;
  for (let i = 0; i < local.length; i++) {
    const c = local.charCodeAt(i);
    if (c === 0x2e) {
      if (prevDot) return false;
      prevDot = true;
    } else if (c >= 0x80 || ATEXT[c] === 1) {
      prevDot = false;
    } else {
      return false;
    }
  }
  return !prevDot;
}

/** The local part: NFC for UTF-8, a dot-atom or (if allowed) a quoted string in canonical form. */
function checkLocal(raw: string, options: ParseOptions): SyntaxReason | null {
  let local = raw;
  let localChanged = false;
  let localNonAscii = false;
  if (parts.nonAscii && hasNonAscii(local)) {
    if (FORBIDDEN_LOCAL.test(local)) return 'forbidden_character';
    const nfc = local.normalize('NFC');
    if (nfc !== local) {
      local = nfc;
      localChanged = true;
    }
    localNonAscii = hasNonAscii(local);
    if (LEADING_MARK.test(local)) return 'forbidden_character';
  }
  if (parts.quote && local.includes('"')) {
    if (local.charCodeAt(0) !== 0x22 || local.length < 2 || local.charCodeAt(local.length - 1) !== 0x22) {
      return 'invalid_local_part'; // a quote inside an atom: obsolete or broken syntax
    }
    if (!options.allowQuotedLocal) return 'quoted_local_not_allowed';
    const canonical = canonicalQuotedLocal(local);
    if (canonical === null) return 'invalid_local_part';
    if (canonical.length === 0) return 'local_empty';
    if (canonical !== local) {
      local = canonical;
      localChanged = true;
    }
  } else if (!isDotAtomLocal(local)) {
    return 'invalid_local_part';
  }
  if (utf8Length(local, localNonAscii) > MAX_LOCAL_OCTETS) return 'local_too_long';
  parts.local = local;
  parts.localChanged = localChanged;
  parts.localNonAscii = localNonAscii;
  return null;
}

/** A domain name (not a literal): LDH labels, IDNA for U-labels and A-labels, lower case, the TLD. */
function checkDomainName(raw: string, options: ParseOptions): SyntaxReason | null {
  const domainNonAscii = parts.nonAscii && hasNonAscii(raw);
  if (domainNonAscii && FORBIDDEN_DOMAIN.test(raw)) return 'forbidden_character';
  if (raw.charCodeAt(raw.length - 1) === 0x2e) return 'trailing_dot';
  let scan: number;
  let domain = raw;
  let unicodeDomain = raw;
  let domainChanged = false;
  if (domainNonAscii) {
    // Bound the work given to UTS #46 (its joiner check is quadratic): mapping and NFC never shrink
    // a domain by a factor of 8, so such a domain cannot fit in 253 octets.
    if (raw.length > 8 * MAX_DOMAIN_OCTETS) return 'domain_too_long';
    const idn = idnaConvert(raw, false);
    if (!idn.ok) return 'invalid_idn';
    scan = scanAsciiDomain(idn.ascii);
    domain = idn.ascii;
    unicodeDomain = idn.unicode;
    domainChanged = true;
  } else {
    scan = scanAsciiDomain(raw);
    if (scan >= 0 && (scan & HAS_A_LABEL) !== 0) {
      const idn = idnaConvert(raw, true);
      if (!idn.ok) return 'invalid_idn';
      domain = idn.ascii;
      unicodeDomain = idn.unicode;
      domainChanged = domain !== raw;
    } else if (scan >= 0 && (scan & HAS_UPPER) !== 0) {
      domain = raw.toLowerCase();
      unicodeDomain = domain;
      domainChanged = true;
    }
  }
  if (scan < 0) return SCAN_REASONS[-scan - 1] ?? 'invalid_domain';
  const tldReason = checkTld(domain, scan >>> 2, options.allowSpecialUse === true);
  if (tldReason !== null) return tldReason;
  parts.domain = domain;
  parts.unicodeDomain = unicodeDomain;
  parts.domainChanged = domainChanged;
  return null;
}

/** The domain: an address literal (if allowed) or a domain name. */
function checkDomain(raw: string, options: ParseOptions): SyntaxReason | null {
  if (raw.charCodeAt(0) !== 0x5b) return checkDomainName(raw, options);
  if (!options.allowDomainLiteral) return 'domain_literal_not_allowed';
  const literal = parseDomainLiteral(raw);
  if (literal === null) return 'invalid_domain_literal';
  parts.domain = literal;
  parts.unicodeDomain = literal;
  parts.domainChanged = literal !== raw;
  return null;
}

/**
 * Parses one email address. Surrounding whitespace is trimmed; the result is either the canonical
 * forms of the address or the first rule it breaks (see docs/validation-syntax.md for the reason
 * codes and their order).
 */
export function parseAddress(input: string, options: ParseOptions = NO_OPTIONS): ParseResult {
  if (typeof input !== 'string') return fail('empty');
  const s = input.trim();
  if (s.length === 0) return fail('empty');
  const reason =
    scanAddress(s) ??
    checkLocal(s.slice(0, parts.at), options) ??
    checkDomain(s.slice(parts.at + 1), options);
  if (reason !== null) return fail(reason);

  // Whole address, in both forms.
  const { local, localNonAscii, domain, unicodeDomain } = parts;
  const ascii = parts.localChanged || parts.domainChanged ? `${local}@${domain}` : s;
  const unicode = unicodeDomain === domain ? ascii : `${local}@${unicodeDomain}`;
  if (utf8Length(ascii, localNonAscii) > MAX_ADDRESS_OCTETS) return fail('address_too_long');
  if (unicode !== ascii && utf8Length(unicode, true) > MAX_ADDRESS_OCTETS) return fail('address_too_long');

  return { valid: true, local, domain, ascii, unicode, smtputf8: localNonAscii };
}
