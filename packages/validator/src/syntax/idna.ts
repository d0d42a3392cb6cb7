// Internationalised domain names: UTS #46 mapping (tr46) plus the IDNA2008 rules UTS #46 does not
// enforce by itself (RFC 5892 code point categories and CONTEXTO rules).
import { createRequire } from 'node:module';
import { hasNonAscii } from './chars.ts';

interface Tr46Options {
  checkBidi?: boolean;
  checkHyphens?: boolean;
  checkJoiners?: boolean;
  useSTD3ASCIIRules?: boolean;
  transitionalProcessing?: boolean;
  verifyDNSLength?: boolean;
  ignoreInvalidPunycode?: boolean;
}
interface Tr46 {
  toASCII(domain: string, options?: Tr46Options): string | null;
  toUnicode(domain: string, options?: Tr46Options): { domain: string; error: boolean };
}

interface Punycode {
  /** RFC 3492 encoding of one label, without the "xn--" prefix. */
  encode(label: string): string;
}

// tr46 and punycode are CommonJS without type declarations: load them through require and type them
// here. punycode by its file path: the bare name 'punycode' is Node's deprecated built-in module.
const require = createRequire(import.meta.url);
const tr46 = require('tr46') as Tr46;
const punycode = require('punycode/punycode.js') as Punycode;

/**
 * IDNA2008 processing with UTS #46 mapping:
 * - checkBidi: the RFC 5893 Bidi rule (e.g. an LTR label may not contain Arabic digits);
 * - checkHyphens: no leading/trailing hyphen, no "--" in positions 3-4 (other than A-labels);
 * - checkJoiners: RFC 5892 CONTEXTJ rules for ZWJ/ZWNJ;
 * - useSTD3ASCIIRules: ASCII code points limited to LDH (host names, not arbitrary DNS names);
 * - transitionalProcessing false: IDNA2008 keeps ß, ς, ZWJ and ZWNJ (faß.de is not fass.de);
 * - verifyDNSLength false (toASCII only; unused here): the parser checks lengths itself to return
 *   specific reason codes (empty label, trailing dot, label and domain length).
 */
const TR46_OPTIONS: Tr46Options = {
  checkBidi: true,
  checkHyphens: true,
  checkJoiners: true,
  useSTD3ASCIIRules: true,
  transitionalProcessing: false,
  verifyDNSLength: false,
  ignoreInvalidPunycode: false,
};

/**
 * A code point UTS #46 accepts but IDNA2008 (RFC 5892) does not. After UTS #46 mapping, PVALID is
 * LDH plus the LetterDigits categories (Ll Lu Lo Lm Nd Mn Mc) and the PVALID/CONTEXTO exceptions,
 * minus the DISALLOWED exceptions, old Hangul jamo, the ignorable blocks (combining marks for
 * symbols, musical notation) and default-ignorable code points. Symbols and punctuation (emoji,
 * ☺, ♥…) are therefore rejected, as are unassigned code points (category Cn).
 */
const NOT_IDNA2008 =
  /[^a-z0-9\-.\p{Ll}\p{Lu}\p{Lo}\p{Lm}\p{Nd}\p{Mn}\p{Mc}\u00B7\u00DF\u03C2\u0375\u05F3\u05F4\u06FD\u06FE\u0F0B\u200C\u200D\u3007\u30FB]|[\u0640\u07FA\u302E\u302F\u3031-\u3035\u303B\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF\u20D0-\u20FF\u{1D100}-\u{1D24F}]|[\p{Default_Ignorable_Code_Point}--[\u200C\u200D]]|\p{Noncharacter_Code_Point}/v;

/** Code points with RFC 5892 CONTEXTO rules. */
const CONTEXTO = /[\u00B7\u0375\u05F3\u05F4\u30FB\u0660-\u0669\u06F0-\u06F9]/;
const GREEK = /\p{Script=Greek}/u;
const HEBREW = /\p{Script=Hebrew}/u;
const KANA_HAN = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
const ARABIC_INDIC = /[\u0660-\u0669]/;
const EXTENDED_ARABIC_INDIC = /[\u06F0-\u06F9]/;

/** RFC 5892 Appendix A.3–A.9 for one U-label. */
function contextoOk(label: string): boolean {
  if (!CONTEXTO.test(label)) return true;
  const cps = Array.from(label);
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i];
    const prev = cps[i - 1] ?? '';
    const next = cps[i + 1] ?? '';
    if (cp === '\u00B7') {
      // MIDDLE DOT: only between two "l" (Catalan ela geminada).
      if (prev !== 'l' || next !== 'l') return false;
    } else if (cp === '\u0375') {
      // GREEK LOWER NUMERAL SIGN: followed by a Greek character.
      if (!GREEK.test(next)) return false;
    } else if (cp === '\u05F3' || cp === '\u05F4') {
      // HEBREW GERESH / GERSHAYIM: preceded by a Hebrew character.
      if (!HEBREW.test(prev)) return false;
    } else if (cp === '\u30FB') {
      // KATAKANA MIDDLE DOT: the label has a Hiragana, Katakana or Han character.
      if (!KANA_HAN.test(label)) return false;
    }
  }
  // ARABIC-INDIC and EXTENDED ARABIC-INDIC digits may not be mixed.
  return !(ARABIC_INDIC.test(label) && EXTENDED_ARABIC_INDIC.test(label));
}

export type IdnaResult = { ok: true; ascii: string; unicode: string } | { ok: false };

const IDNA_FAILED: IdnaResult = Object.freeze({ ok: false });

/** Lower-case A-label form of a domain given as (valid) U-labels and ASCII labels. */
function toALabels(unicode: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i <= unicode.length; i++) {
    if (i < unicode.length && unicode.charCodeAt(i) !== 0x2e) continue;
    const label = unicode.slice(start, i);
    out += hasNonAscii(label) ? `xn--${punycode.encode(label)}` : label;
    if (i < unicode.length) out += '.';
    start = i + 1;
  }
  return out;
}

/**
 * Converts a domain (U-labels, A-labels, mixed case, full-width forms…) to its lower-case A-label
 * form and its U-label form, or fails when UTS #46 / IDNA2008 reject it. Empty labels and lengths are
 * not checked here. When `canonicalAscii` is true the input is ASCII and must already be the canonical
 * A-label form once lower-cased (rejects non-canonical Punycode encodings).
 *
 * UTS #46 processing runs once (toUnicode validates exactly like toASCII, which only adds the
 * Punycode encoding); the A-labels are then encoded here (RFC 3492, the punycode package).
 */
export function idnaConvert(domain: string, canonicalAscii: boolean): IdnaResult {
  const { domain: unicode, error } = tr46.toUnicode(domain, TR46_OPTIONS);
  if (error) return IDNA_FAILED;
  if (NOT_IDNA2008.test(unicode)) return IDNA_FAILED;
  if (CONTEXTO.test(unicode)) {
    for (const label of unicode.split('.')) {
      if (!contextoOk(label)) return IDNA_FAILED;
    }
  }
  const ascii = toALabels(unicode);
  if (canonicalAscii && ascii !== domain.toLowerCase()) return IDNA_FAILED;
  return { ok: true, ascii, unicode };
}

/** tr46's own toASCII with the same options (reference for tests). */
export function tr46ToAscii(domain: string): string | null {
  return tr46.toASCII(domain, TR46_OPTIONS);
}
