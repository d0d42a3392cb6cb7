// Unicode local-part safety, by general category: what an internationalised local part (RFC 6531/6532)
// may and may not contain. Each row names the code point and its category; the parser must refuse
// the unsafe ones with `forbidden_character` and keep the safe ones (NFC-normalised).
import { describe, expect, it } from 'vitest';
import { parseAddress } from '../src/syntax/index.ts';

type Row = [what: string, category: string, local: string];

const refused: Row[] = [
  ['U+0378 (unassigned, Greek block)', 'Cn', 'a\u0378b'],
  ['U+0530 (unassigned, Armenian block)', 'Cn', '\u0530x'],
  ['U+1FFFE (noncharacter)', 'Cn', 'a\u{1FFFE}'],
  ['U+E0080 (unassigned, tags block)', 'Cn', 'a\u{E0080}'],
  ['U+E000 (private use)', 'Co', 'a\uE000b'],
  ['U+F8FF (private use, Apple logo)', 'Co', 'apple\uF8FF'],
  ['U+F0000 (supplementary private use A)', 'Co', 'a\u{F0000}'],
  ['U+10FFFD (supplementary private use B)', 'Co', 'a\u{10FFFD}'],
  ['U+D800 (lone high surrogate)', 'Cs', 'a\uD800b'],
  ['U+DC00 (lone low surrogate)', 'Cs', 'a\uDC00b'],
  ['U+DFFF then U+D800 (reversed pair)', 'Cs', 'a\uDFFF\uD800'],
  ['U+0000 (NUL)', 'Cc', 'a\u0000b'],
  ['U+001B (ESC)', 'Cc', 'a\u001Bb'],
  ['U+007F (DEL)', 'Cc', 'a\u007Fb'],
  ['U+0085 (NEL)', 'Cc', 'é\u0085'],
  ['U+009F (APC)', 'Cc', 'é\u009F'],
  ['U+00AD (soft hyphen)', 'Cf', 'a\u00ADb'],
  ['U+200B (zero width space)', 'Cf', 'a\u200Bb'],
  ['U+200C (ZWNJ)', 'Cf', 'a\u200Cb'],
  ['U+200E (LRM)', 'Cf', 'a\u200Eb'],
  ['U+202E (RLO: bidi override, spoofs the display)', 'Cf', 'moc.\u202Elapyap'],
  ['U+2066 (LRI)', 'Cf', 'a\u2066b'],
  ['U+2060 (word joiner)', 'Cf', 'a\u2060b'],
  ['U+FEFF (BOM inside; around the address it is trimmed like whitespace)', 'Cf', 'an\uFEFFn'],
  ['U+E0001 (language tag)', 'Cf', 'a\u{E0001}'],
  ['U+0301 at the start (combining acute, no base)', 'M', '\u0301ann'],
  ['U+0301 after a dot', 'M', 'ann.\u0301b'],
  ['U+20DD at the start (enclosing circle)', 'Me', '\u20DDann'],
  ['U+0903 at the start (Devanagari visarga, spacing mark)', 'Mc', '\u0903ab'],
];

const accepted: [what: string, local: string, normalised: string][] = [
  ['precomposed é', 'jos\u00E9', 'jos\u00E9'],
  ['e + U+0301 inside (NFC composes it)', 'jose\u0301', 'jos\u00E9'],
  ['Greek', 'δοκιμή', 'δοκιμή'],
  ['CJK', '用户', '用户'],
  ['Devanagari with marks inside', 'नमस्ते', 'नमस्ते'],
  ['Thai with marks inside', 'ทดสอบ', 'ทดสอบ'],
  ['Cyrillic', 'пользователь', 'пользователь'],
  ['emoji (So)', 'ann😀', 'ann😀'],
  ['supplementary CJK (U+20000)', '\u{20000}a', '\u{20000}a'],
];

describe('Unicode local parts: unsafe code points are refused', () => {
  it.each(refused)('%s [%s]', (_what, _category, local) => {
    expect(parseAddress(`${local}@example.com`)).toEqual({ valid: false, reason: 'forbidden_character' });
  });

  it('covers every unsafe category named in docs/validation-syntax.md', () => {
    expect(new Set(refused.map((r) => r[1].slice(0, 2)))).toEqual(
      new Set(['Cn', 'Co', 'Cs', 'Cc', 'Cf', 'M', 'Me', 'Mc']),
    );
  });
});

describe('Unicode local parts: safe scripts are kept (NFC), and need SMTPUTF8', () => {
  it.each(accepted)('%s', (_what, local, normalised) => {
    expect(parseAddress(`${local}@example.com`)).toMatchObject({
      valid: true,
      local: normalised,
      smtputf8: true,
    });
  });
});
