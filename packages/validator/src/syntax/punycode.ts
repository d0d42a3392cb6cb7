// RFC 3492 Punycode encoder for one label (the decoder is tr46's). Having it here lets the IDN path run
// UTS #46 processing once (tr46.toUnicode) and derive the A-labels from its U-labels, instead of
// processing the domain twice (toASCII, then toUnicode).

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

/** 0..25 → "a".."z", 26..35 → "0".."9". */
function digit(d: number): string {
  return String.fromCharCode(d < 26 ? 0x61 + d : 0x16 + d);
}

/** Punycode of a label (without the "xn--" prefix). The label must be well-formed (no lone surrogates). */
export function punycodeEncode(label: string): string {
  const codePoints: number[] = [];
  let output = '';
  for (const ch of label) {
    const cp = ch.codePointAt(0) ?? 0;
    codePoints.push(cp);
    if (cp < 0x80) output += ch;
  }
  const basic = output.length;
  let handled = basic;
  if (basic > 0) output += '-';
  let n = INITIAL_N;
  let delta = 0;
  let bias = INITIAL_BIAS;
  while (handled < codePoints.length) {
    let m = Number.MAX_SAFE_INTEGER;
    for (const cp of codePoints) {
      if (cp >= n && cp < m) m = cp;
    }
    delta += (m - n) * (handled + 1);
    n = m;
    for (const cp of codePoints) {
      if (cp < n) delta++;
      if (cp === n) {
        let q = delta;
        for (let k = BASE; ; k += BASE) {
          const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
          if (q < t) break;
          output += digit(t + ((q - t) % (BASE - t)));
          q = Math.floor((q - t) / (BASE - t));
        }
        output += digit(q);
        bias = adapt(delta, handled + 1, handled === basic);
        delta = 0;
        handled++;
      }
    }
    delta++;
    n++;
  }
  return output;
}
