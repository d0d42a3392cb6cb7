// Syntax benchmark: parseAddress throughput on one core (this thread), after a warm-up, for
// (a) an ASCII corpus of generated, varied addresses (about 5% invalid) and (b) a mixed corpus where
// about one address in five has a UTF-8 local part and/or an internationalised domain (the path that
// goes through NFC and UTS #46). Each figure is addresses per second over ~2 s of parsing.
import { parseAddress } from '../../packages/validator/src/syntax/index.ts';

const CORPUS_SIZE = 20_000;
const WARMUP_MS = 500;
const MEASURE_MS = 2_000;

/** Small deterministic PRNG (mulberry32) so every run parses the same corpus. */
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

const FIRST = [
  'john',
  'mary',
  'li',
  'ahmed',
  'olga',
  'pierre',
  'sofia',
  'kenji',
  'ana',
  'tom',
  'fatima',
  'noah',
];
const LAST = ['smith', 'garcia', 'wang', 'khan', 'ivanova', 'dupont', 'rossi', 'sato', 'silva', 'obrien'];
const WORDS = ['sales', 'info', 'team', 'billing', 'dev', 'ops', 'hello', 'support', 'news', 'jobs'];
const PROVIDERS = [
  'gmail.com',
  'yahoo.com',
  'outlook.com',
  'hotmail.co.uk',
  'gmx.de',
  'icloud.com',
  'proton.me',
];
const COMPANY = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'hooli',
  'stark-industries',
  'wayne',
  'tyrell',
  'cyberdyne',
];
const TLDS = ['com', 'org', 'net', 'io', 'de', 'fr', 'co.uk', 'com.au', 'nl', 'dev', 'app', 'ch'];
const SUBS = ['mail', 'eu', 'us', 'corp', 'mx1'];
const SPECIALS = "!#$%&'*+/=?^_`{|}~-";

const U_LOCALS = [
  '用户',
  'josé',
  'δοκιμή',
  'почта',
  'ユーザー',
  'müller',
  'françois',
  'अजय',
  'θσερ',
  'ñandú',
];
const U_LABELS = [
  'bücher',
  '例子',
  'münchen',
  'пример',
  '日本語',
  'españa',
  'ελληνικά',
  'παράδειγμα',
  'faß',
  'köln',
];
const U_TLDS = ['de', 'com', 'рф', '广告', 'jp', 'es', 'gr', 'org', 'ελ', 'net'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function asciiLocal(r: () => number): string {
  const f = pick(r, FIRST);
  const l = pick(r, LAST);
  switch (Math.floor(r() * 8)) {
    case 0:
      return `${f}.${l}`;
    case 1:
      return `${f[0]}${l}${Math.floor(r() * 100)}`;
    case 2:
      return `${f}_${l}`;
    case 3:
      return `${f}+${pick(r, WORDS)}`;
    case 4:
      return pick(r, WORDS);
    case 5:
      return `${f.toUpperCase()}.${l}`;
    case 6:
      return `${f}${pick(r, [...SPECIALS])}${l}`;
    default:
      return `${f}-${l}.${Math.floor(r() * 10_000)}`;
  }
}

function asciiDomain(r: () => number): string {
  const x = r();
  if (x < 0.4) return pick(r, PROVIDERS);
  const base = `${pick(r, COMPANY)}${x < 0.6 ? '' : Math.floor(r() * 1000)}.${pick(r, TLDS)}`;
  if (x < 0.75) return `${pick(r, SUBS)}.${base}`;
  if (x < 0.8) return base.toUpperCase();
  return base;
}

function broken(r: () => number, ok: string): string {
  switch (Math.floor(r() * 6)) {
    case 0:
      return ok.replace('@', '');
    case 1:
      return ok.replace('@', '..@');
    case 2:
      return `${ok}.`;
    case 3:
      return ok.replace('@', ' @');
    case 4:
      return `Name <${ok}>`;
    default:
      return ok.replace('@', '@@');
  }
}

function asciiAddress(r: () => number): string {
  const ok = `${asciiLocal(r)}@${asciiDomain(r)}`;
  return r() < 0.05 ? broken(r, ok) : ok;
}

function unicodeAddress(r: () => number): string {
  const local =
    r() < 0.5 ? pick(r, U_LOCALS) + (r() < 0.5 ? String(Math.floor(r() * 100)) : '') : asciiLocal(r);
  const x = r();
  let domain: string;
  if (local.charCodeAt(0) < 0x80 || x < 0.6) {
    domain = `${pick(r, U_LABELS)}${r() < 0.3 ? Math.floor(r() * 100) : ''}.${pick(r, U_TLDS)}`;
    if (x < 0.1) domain = domain.toUpperCase();
  } else {
    domain = asciiDomain(r);
  }
  return `${local}@${domain}`;
}

export function asciiCorpus(size = CORPUS_SIZE, seed = 1): string[] {
  const r = rng(seed);
  return Array.from({ length: size }, () => asciiAddress(r));
}

export function mixedCorpus(size = CORPUS_SIZE, seed = 2): string[] {
  const r = rng(seed);
  return Array.from({ length: size }, () => (r() < 0.2 ? unicodeAddress(r) : asciiAddress(r)));
}

/** Addresses per second while parsing `corpus` round-robin for `ms` milliseconds. */
function rate(corpus: readonly string[], ms: number): number {
  let n = 0;
  let valid = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    for (const address of corpus) {
      if (parseAddress(address).valid) valid++;
    }
    n += corpus.length;
    elapsed = performance.now() - started;
  } while (elapsed < ms);
  if (valid === 0) throw new Error('benchParse: no address in the corpus parsed as valid');
  return n / (elapsed / 1000);
}

export async function benchParse(): Promise<Record<string, number>> {
  const ascii = asciiCorpus();
  const mixed = mixedCorpus();
  rate(ascii, WARMUP_MS);
  const asciiRate = rate(ascii, MEASURE_MS);
  rate(mixed, WARMUP_MS);
  const mixedRate = rate(mixed, MEASURE_MS);
  return {
    parse_ascii_per_s: Math.round(asciiRate),
    parse_mixed_per_s: Math.round(mixedRate),
  };
}
