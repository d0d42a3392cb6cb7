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
  const at = input.lastIndexOf('@');
  const local = at === -1 ? null : input.slice(0, at);
  const domain = normalizeDomain(domainOf(input));
  if (!domain.includes('.') || KNOWN.has(domain)) return null;
  const suggested = suggestionFor(domain);
  if (suggested === null) return null;
  return { suggestion: local === null ? suggested : `${local}@${suggested}`, domain: suggested };
}

/** Domain → suggested domain (or null). The answer depends on the domain alone and costs ~150 µs. */
const SUGGESTION_CACHE_SIZE = 50_000;
const suggestionCache = new Map<string, string | null>();

function suggestionFor(domain: string): string | null {
  const cached = suggestionCache.get(domain);
  if (cached !== undefined) return cached;
  const found = run({
    email: `x@${domain}`,
    domains: DOMAINS,
    secondLevelDomains: MULTI_TLD_PROVIDERS,
  });
  const suggested = found?.domain.toLowerCase() ?? null;
  const answer =
    suggested === null || suggested === domain || !KNOWN.has(suggested) || !plausibleFix(domain, suggested)
      ? null
      : suggested;
  // Oldest first out (Map keeps insertion order): bounded memory on lists of many domains.
  if (suggestionCache.size >= SUGGESTION_CACHE_SIZE) {
    const oldest = suggestionCache.keys().next().value;
    if (oldest !== undefined) suggestionCache.delete(oldest);
  }
  suggestionCache.set(domain, answer);
  return answer;
}
