import { describe, expect, it } from 'vitest';
import { idnaConvert, tr46ToAscii } from '../src/syntax/idna.ts';
import { punycodeEncode } from '../src/syntax/punycode.ts';

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Code point ranges to draw labels from: ASCII LDH, Latin-1 and Latin Extended, Greek, Cyrillic,
// Hebrew, Arabic, Devanagari, Thai, Hiragana/Katakana, CJK, Hangul, astral CJK, and some upper case.
const RANGES: readonly (readonly [number, number])[] = [
  [0x61, 0x7a],
  [0x30, 0x39],
  [0x41, 0x5a],
  [0xc0, 0x24f],
  [0x3b1, 0x3c9],
  [0x410, 0x44f],
  [0x5d0, 0x5ea],
  [0x620, 0x64a],
  [0x905, 0x939],
  [0xe01, 0xe30],
  [0x3041, 0x30fa],
  [0x4e00, 0x9fff],
  [0xac00, 0xd7a3],
  [0x20000, 0x2a6df],
];

function randomLabel(r: () => number): string {
  const range = RANGES[Math.floor(r() * RANGES.length)] ?? [0x61, 0x7a];
  const length = 1 + Math.floor(r() * 12);
  let s = '';
  for (let i = 0; i < length; i++) {
    const pick = r() < 0.8 ? range : (RANGES[Math.floor(r() * RANGES.length)] ?? range);
    s += String.fromCodePoint(pick[0] + Math.floor(r() * (pick[1] - pick[0] + 1)));
  }
  return s;
}

describe('IDNA conversion', () => {
  it('encodes the RFC 3492 samples', () => {
    // 7.1 (A) Arabic (Egyptian), (B) Chinese (simplified), (L) 3<nen>B<gumi><kinpachi><sensei>
    expect(
      punycodeEncode(
        '\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645\u0648\u0634\u0639\u0631\u0628\u064A\u061F',
      ),
    ).toBe('egbpdaj6bu4bxfgehfvwxn');
    expect(punycodeEncode('\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587')).toBe(
      'ihqwcrb4cv8a8dqg056pqjye',
    );
    expect(punycodeEncode('3\u5E74B\u7D44\u91D1\u516B\u5148\u751F')).toBe('3B-ww4c5e180e575a65lsy2b');
  });

  it('agrees with tr46 toASCII on 5000 random domains', () => {
    const r = rng(46);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const labels = 1 + Math.floor(r() * 2);
      const domain = `${Array.from({ length: labels }, () => randomLabel(r)).join('.')}.com`;
      const reference = tr46ToAscii(domain);
      const ours = idnaConvert(domain, false);
      if (reference === null) {
        expect(ours.ok, domain).toBe(false);
      } else if (ours.ok) {
        accepted++;
        expect(ours.ascii, domain).toBe(reference);
        // and back: the A-label form is canonical
        expect(idnaConvert(ours.ascii, true), ours.ascii).toEqual(ours);
      }
    }
    expect(accepted).toBeGreaterThan(2000);
  });
});
