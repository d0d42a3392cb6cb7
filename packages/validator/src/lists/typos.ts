// Typo suggestions for the big mailbox providers. A typo of theirs (gmial.com) is often a registered
// domain that accepts every address, so the SMTP probe cannot catch it. The spell checker proposes;
// a suggestion is kept only when it names a big provider, the input is not itself a known domain,
// and the edit is small for the length of the name: an unknown but valid domain (acme.co, gm.com)
// is never "corrected".
import { POPULAR_DOMAINS, run } from '@zootools/email-spell-checker';
import { domainOf, normalizeDomain } from './normalize.ts';

/** Big providers (and real domains close to them, which must never be "corrected"). */
export const BIG_PROVIDER_DOMAINS: readonly string[] = [
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'outlook.fr',
  'outlook.de',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'hotmail.it',
  'hotmail.es',
  'live.com',
  'live.co.uk',
  'live.fr',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.fr',
  'yahoo.de',
  'yahoo.it',
  'yahoo.es',
  'yahoo.co.jp',
  'yahoo.com.br',
  'ymail.com',
  'rocketmail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'gmx.at',
  'gmx.ch',
  'web.de',
  'mail.com',
  'email.com',
  'yandex.com',
  'yandex.ru',
  'mail.ru',
  'zoho.com',
  'fastmail.com',
  'hey.com',
  'tutanota.com',
  'qq.com',
  '163.com',
  '126.com',
  'comcast.net',
  'att.net',
  'verizon.net',
  'sbcglobal.net',
  'bellsouth.net',
  'cox.net',
  'charter.net',
  'earthlink.net',
  'optonline.net',
  'btinternet.com',
  'sky.com',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'sfr.fr',
  't-online.de',
  'libero.it',
  'shaw.ca',
  'rogers.com',
  'sympatico.ca',
];

/** Providers whose name is used with many country TLDs: `hotmail.de` is no typo of hotmail.com. */
const MULTI_TLD_PROVIDERS = ['hotmail', 'outlook', 'live', 'yahoo', 'mail', 'gmx', 'yandex', 'aol'];

const KNOWN = new Set([...BIG_PROVIDER_DOMAINS, ...POPULAR_DOMAINS]);
const DOMAINS = [...KNOWN];

export interface DomainSuggestion {
  /** The corrected input: the full address when an address was given, else the domain. */
  suggestion: string;
  domain: string;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let j = 0; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Whether correcting `from` into `to` is a plausible typo fix rather than another real name. */
function plausibleFix(from: string, to: string): boolean {
  const [fromName = '', ...fromRest] = from.split('.');
  const [toName = '', ...toRest] = to.split('.');
  const distance = editDistance(from, to);
  // Only the TLD differs (gmail.con): safe whatever the length of the name.
  if (fromName === toName) return editDistance(fromRest.join('.'), toRest.join('.')) <= 2;
  // Short names sit close to other real domains (gm.com, aa.com): demand more letters per edit.
  const shortest = Math.min(fromName.length, toName.length);
  // A four-letter name may lose or gain a letter (yaho, gmai) but not swap one (love ≠ live).
  if (distance <= 1) return shortest >= 5 || (shortest === 4 && fromName.length !== toName.length);
  if (distance === 2) return shortest >= 6;
  return false;
}

/**
 * A correction when the domain of `input` (an address or a bare domain) looks like a typo of a big
 * provider's: `jo@gmial.com` → `{ suggestion: 'jo@gmail.com', domain: 'gmail.com' }`. Null for a
 * known domain and for anything that is not close to one.
 */
export function suggestDomain(input: string): DomainSuggestion | null {
  return suggestWith(input, suggestionFor);
}

/**
 * suggestDomain without the pre-filter and the cache: the spell checker runs for every domain.
 * Exported for tests only (they check that the filter never changes an answer).
 */
export function suggestDomainUnfiltered(input: string): DomainSuggestion | null {
  return suggestWith(input, computeSuggestion);
}

function suggestWith(input: string, lookup: (domain: string) => string | null): DomainSuggestion | null {
  const at = input.lastIndexOf('@');
  const local = at === -1 ? null : input.slice(0, at);
  const domain = normalizeDomain(domainOf(input));
  if (!domain.includes('.') || KNOWN.has(domain)) return null;
  const suggested = lookup(domain);
  if (suggested === null) return null;
  return { suggestion: local === null ? suggested : `${local}@${suggested}`, domain: suggested };
}

/** Domain → suggested domain (or null). The answer depends on the domain alone and costs ~150 µs. */
const SUGGESTION_CACHE_SIZE = 50_000;
const suggestionCache = new Map<string, string | null>();

function suggestionFor(domain: string): string | null {
  const cached = suggestionCache.get(domain);
  if (cached !== undefined) return cached;
  // Most domains of a list are nowhere near a known one: answer those without the spell checker
  // (and without filling the cache, which then keeps the answers that are costly to compute).
  if (!mayHaveSuggestion(domain)) return null;
  const answer = computeSuggestion(domain);
  // Oldest first out (Map keeps insertion order): bounded memory on lists of many domains.
  if (suggestionCache.size >= SUGGESTION_CACHE_SIZE) {
    const oldest = suggestionCache.keys().next().value;
    if (oldest !== undefined) suggestionCache.delete(oldest);
  }
  suggestionCache.set(domain, answer);
  return answer;
}

/** The spell checker's proposal, kept only when it is a known domain and a plausible fix. */
function computeSuggestion(domain: string): string | null {
  const found = run({
    email: `x@${domain}`,
    domains: DOMAINS,
    secondLevelDomains: MULTI_TLD_PROVIDERS,
  });
  const suggested = found?.domain.toLowerCase() ?? null;
  return suggested === null ||
    suggested === domain ||
    !KNOWN.has(suggested) ||
    !plausibleFix(domain, suggested)
    ? null
    : suggested;
}

// ---- Exact pre-filter ------------------------------------------------------------------------
// computeSuggestion answers non-null only with some `to` in KNOWN for which plausibleFix(domain, to)
// holds, and plausibleFix holds only if editDistance(domain, to) <= 2: either the first labels are
// equal and the rests (after the first dot) are within 2 edits — then so are the whole names, the
// common "name." costing nothing — or else it needs the whole names within 1 or 2 edits. A domain
// with no known domain within 2 edits therefore gets null whatever the spell checker says, and it
// need not run. The bounded distance below is editDistance's, the same optimal string alignment.
//
// Before the distance, a cheaper necessary test: an insertion or a substitution brings in at most
// one character and a deletion or a transposition none, so within 2 edits each name holds at most 2
// characters that the other lacks. Sets of characters are 32-bit masks (bit: char code mod 32);
// characters sharing a bit only make the differences smaller, so the test stays necessary.

/** Known domains by length: only those within 2 characters of a name can be within 2 edits. */
const KNOWN_BY_LENGTH: string[][] = [];
/** The character masks of KNOWN_BY_LENGTH, index for index. */
const MASKS_BY_LENGTH: number[][] = [];
for (const known of DOMAINS) {
  for (let len = KNOWN_BY_LENGTH.length; len <= known.length; len++) {
    KNOWN_BY_LENGTH.push([]);
    MASKS_BY_LENGTH.push([]);
  }
  (KNOWN_BY_LENGTH[known.length] as string[]).push(known);
  (MASKS_BY_LENGTH[known.length] as number[]).push(charMask(known));
}

function charMask(s: string): number {
  let mask = 0;
  for (let i = 0; i < s.length; i++) mask |= 1 << (s.charCodeAt(i) & 31);
  return mask;
}

/** Whether at most 2 bits are set. */
function atMostTwoBits(bits: number): boolean {
  const rest = bits & (bits - 1); // lowest bit cleared
  return (rest & (rest - 1)) === 0;
}

/**
 * Whether some known domain is within 2 edits of `domain`. When none is, none can be a plausible
 * fix (see above) and the answer is null. Exported for tests only.
 */
export function mayHaveSuggestion(domain: string): boolean {
  const mask = charMask(domain);
  const last = Math.min(domain.length + 2, KNOWN_BY_LENGTH.length - 1);
  for (let len = Math.max(0, domain.length - 2); len <= last; len++) {
    const names = KNOWN_BY_LENGTH[len] as string[];
    const masks = MASKS_BY_LENGTH[len] as number[];
    for (let n = 0; n < names.length; n++) {
      const knownMask = masks[n] as number;
      if (!atMostTwoBits(mask & ~knownMask) || !atMostTwoBits(knownMask & ~mask)) continue;
      if (withinTwoEdits(domain, names[n] as string)) return true;
    }
  }
  return false;
}

// Three rows of the distance table, each only the band of 5 cells around the diagonal: cell j of
// row i (i - 2 <= j <= i + 2) is at index j - i + 2. Values are capped at 3 ("more than 2").
// Every call writes a cell before it reads it, so the three buffers are shared by all calls.
const BAND_ROWS = [new Int32Array(5), new Int32Array(5), new Int32Array(5)] as const;

/**
 * editDistance(a, b) <= 2, computed in the band |i - j| <= 2 of the table (a cell outside it is
 * at least 3) with values capped at 3, stopping as soon as a whole row exceeds 2. No allocation.
 */
function withinTwoEdits(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (la - lb > 2 || lb - la > 2) return false;
  let prev2 = BAND_ROWS[0];
  let prev = BAND_ROWS[1];
  let row = BAND_ROWS[2];
  // Row 0: D[0][j] = j; cells left of column 0 do not exist.
  prev[0] = 3;
  prev[1] = 3;
  prev[2] = 0;
  prev[3] = 1;
  prev[4] = 2;
  for (let i = 1; i <= la; i++) {
    const ca = a.charCodeAt(i - 1);
    const caBefore = i > 1 ? a.charCodeAt(i - 2) : -1;
    let rowMin = 3;
    for (let k = 0; k < 5; k++) {
      const j = i - 2 + k;
      let v: number;
      if (j < 0 || j > lb) {
        v = 3;
      } else if (j === 0) {
        v = i; // D[i][0] = i, in the band only for i <= 2
      } else {
        const cb = b.charCodeAt(j - 1);
        const up = (k < 4 ? (prev[k + 1] as number) : 3) + 1; // D[i-1][j]
        const left = (k > 0 ? (row[k - 1] as number) : 3) + 1; // D[i][j-1]
        v = (prev[k] as number) + (ca === cb ? 0 : 1); // D[i-1][j-1]
        if (up < v) v = up;
        if (left < v) v = left;
        // Adjacent transposition: D[i-2][j-2] + 1 (same band index two rows up).
        if (j > 1 && i > 1 && ca === b.charCodeAt(j - 2) && caBefore === cb) {
          const swap = (prev2[k] as number) + 1;
          if (swap < v) v = swap;
        }
        if (v > 3) v = 3;
      }
      row[k] = v;
      if (v < rowMin) rowMin = v;
    }
    // Every later cell is at least the smallest of this row (or of the one before, plus one).
    if (rowMin > 2) return false;
    const spare = prev2;
    prev2 = prev;
    prev = row;
    row = spare;
  }
  return (prev[lb - la + 2] as number) <= 2;
}
