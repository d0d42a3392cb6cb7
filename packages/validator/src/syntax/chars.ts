// Character classes for the address parser: lookup tables for the ASCII fast path and Unicode
// property regexes for the (rarer) non-ASCII path.
import { Buffer } from 'node:buffer';

/** RFC 5322 atext (ASCII part): ALPHA / DIGIT / "!#$%&'*+-/=?^_`{|}~". 1 = allowed. */
export const ATEXT = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) ATEXT[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) ATEXT[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) ATEXT[c] = 1;
for (const ch of "!#$%&'*+-/=?^_`{|}~") ATEXT[ch.charCodeAt(0)] = 1;

/** Letter-digit-hyphen for DNS labels: 1 = a-z, 0-9, "-"; 2 = A-Z (needs lower-casing). */
export const LDH = new Uint8Array(128);
for (let c = 0x30; c <= 0x39; c++) LDH[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) LDH[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) LDH[c] = 2;
LDH[0x2d] = 1;

/**
 * Characters never accepted in a local part: controls (Cc, C0 and C1), format characters (Cf: ZWSP,
 * ZWJ, ZWNJ, LRM/RLM, bidi embeddings and isolates, BOM, soft hyphen, tags…), lone surrogates (Cs),
 * unassigned code points (Cn: no one can know how a future Unicode version treats them), private-use
 * code points (Co: meaningless outside an agreement), line and paragraph separators, non-ASCII
 * spaces (NBSP, ideographic space…), default-ignorable code points (variation selectors, Hangul
 * fillers…) and noncharacters. The ASCII space is handled by the grammar (allowed in quoted strings
 * only). A combining mark (M) may not start the local part or a dot-separated part of it: see
 * LEADING_MARK.
 */
export const FORBIDDEN_LOCAL =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Cn}\p{Co}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}[\p{Zs}--[\x20]]]/v;

/** A combining mark with no base character: at the start of the local part or right after a dot. */
export const LEADING_MARK = /(?:^|\.)\p{M}/u;

/**
 * The same set for domains, minus ZWJ and ZWNJ: IDNA2008 allows those in CONTEXTJ positions (after a
 * virama, or ZWNJ in Arabic-script joining contexts), which tr46 checks (`checkJoiners`). Without this
 * pre-check UTS #46 would silently drop "ignored" code points (soft hyphen, ZWSP, word joiner…).
 */
export const FORBIDDEN_DOMAIN =
  /[[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Default_Ignorable_Code_Point}\p{Noncharacter_Code_Point}]--[\u200C\u200D]]/v;

/** True when the string has a code unit above U+007F. */
export function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return true;
  }
  return false;
}

/** Length in UTF-8 octets (the unit of every SMTP and DNS length limit). */
export function utf8Length(s: string, nonAscii: boolean): number {
  return nonAscii ? Buffer.byteLength(s, 'utf8') : s.length;
}

/**
 * RFC 5322 dot-atom, extended by RFC 6532 (any non-ASCII code point is atext): one or more atext runs
 * separated by single dots, no leading or trailing dot. Non-ASCII code points must have been screened
 * with FORBIDDEN_LOCAL already.
 */
export function isDotAtom(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  let prevDot = true; // a dot is not allowed first
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
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
