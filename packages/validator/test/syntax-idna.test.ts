import { describe, expect, it } from 'vitest';
import { idnaConvert, tr46ToAscii } from '../src/syntax/idna.ts';

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
  it('encodes U-labels as the RFC 3492 samples give them', () => {
    // 7.1 (B) Chinese (simplified), (C) Chinese (traditional), (E) Hebrew, (G) Japanese, and
    // (L) 3<nen>B<gumi><kinpachi><sensei> lower-cased as UTS #46 maps it.
    const samples: [string, string][] = [
      ['\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587', 'ihqwcrb4cv8a8dqg056pqjye'],
      ['\u4ED6\u5011\u7232\u4EC0\u9EBD\u4E0D\u8AAA\u4E2D\u6587', 'ihqwctvzc91f659drss3x8bo0yb'],
      [
        '\u05DC\u05DE\u05D4\u05D4\u05DD\u05E4\u05E9\u05D5\u05D8\u05DC\u05D0\u05DE\u05D3\u05D1\u05E8\u05D9\u05DD\u05E2\u05D1\u05E8\u05D9\u05EA',
        '4dbcagdahymbxekheh6e0a7fei0b',
      ],
      [
        '\u306A\u305C\u307F\u3093\u306A\u65E5\u672C\u8A9E\u3092\u8A71\u3057\u3066\u304F\u308C\u306A\u3044\u306E\u304B',
        'n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa',
      ],
      ['3\u5E74b\u7D44\u91D1\u516B\u5148\u751F', '3b-ww4c5e180e575a65lsy2b'],
    ];
    for (const [label, encoded] of samples) {
      expect(idnaConvert(`${label}.com`, false)).toEqual({
        ok: true,
        ascii: `xn--${encoded}.com`,
        unicode: `${label}.com`,
      });
    }
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
