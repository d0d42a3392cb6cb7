// Format and column detection from the first rows of an upload.
import { parseAddress } from '@postern/validator';

/** Rows looked at to choose the delimiter and, by content, the email column. */
export const SAMPLE_ROWS = 50;

/**
 * Header names taken for the email column, compared after `normalizeHeader`, in order of
 * preference (when two columns match, the earlier name wins, then the leftmost column).
 * "E-mail", "e_mail", "Email Address" and "E-Mail-Adresse" all normalise to one of them.
 */
const EMAIL_HEADERS = [
  'email',
  'emailaddress',
  'mail',
  'mailaddress',
  'emailadresse',
  'mailadresse',
  'courriel',
  'adressecourriel',
  'adresseemail',
  'correo',
  'correoelectronico',
  'emails',
];

/** Lower case, accents dropped, spaces, underscores, hyphens, dots and colons removed. */
export function normalizeHeader(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s_\-.:]+/g, '');
}

/** Index of the column whose header names an email address, or -1. */
export function emailColumnByHeader(headers: readonly string[]): number {
  const normalized = headers.map(normalizeHeader);
  for (const name of EMAIL_HEADERS) {
    const index = normalized.indexOf(name);
    if (index >= 0) return index;
  }
  return -1;
}

const ADDRESS_SHAPE = /^[^\s@]+@[^\s@]+$/;

/** Whether a field holds an address (valid, or at least shaped like one: a header never is). */
export function looksLikeAddress(field: string | undefined): boolean {
  if (field === undefined) return false;
  const value = field.trim();
  if (value.length === 0 || value.length > 320 || !value.includes('@')) return false;
  return ADDRESS_SHAPE.test(value) || parseAddress(value).valid;
}

/**
 * The column whose values parse as addresses in at least half of the sampled rows (the most such
 * values wins, then the leftmost), or -1.
 */
export function emailColumnByContent(rows: readonly (readonly string[])[]): number {
  if (rows.length === 0) return -1;
  const hits: number[] = [];
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const field = row[i];
      if (field !== undefined && field.length <= 320 && field.includes('@') && parseAddress(field).valid) {
        hits[i] = (hits[i] ?? 0) + 1;
      }
    }
  }
  let best = -1;
  let bestHits = 0;
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i] ?? 0;
    if (h > bestHits) {
      best = i;
      bestHits = h;
    }
  }
  return best >= 0 && bestHits * 2 >= rows.length ? best : -1;
}

/**
 * The delimiter among `candidates` that splits the first rows of `text` most consistently
 * (the same non-zero count of it, outside quotes, in the most rows), or null (a plain list).
 * `complete` says whether `text` is the whole file; otherwise its last, maybe partial, row is
 * ignored unless it is the only one.
 */
export function sniffDelimiter(
  text: string,
  candidates: readonly string[],
  complete: boolean,
): string | null {
  const rows: number[][] = [];
  let current = candidates.map(() => 0);
  let content = false;
  let inQuote = false;
  for (let i = 0; i < text.length && rows.length < SAMPLE_ROWS; i++) {
    const c = text[i] as string;
    if (c === '"') {
      inQuote = !inQuote;
      content = true;
    } else if (inQuote) {
      // inside a quoted field: delimiters and line breaks are data
    } else if (c === '\n' || c === '\r') {
      if (content) rows.push(current);
      current = candidates.map(() => 0);
      content = false;
    } else {
      const k = candidates.indexOf(c);
      if (k >= 0) current[k] = (current[k] as number) + 1;
      content = true;
    }
  }
  if (content && (complete || rows.length === 0) && rows.length < SAMPLE_ROWS) rows.push(current);
  if (rows.length === 0) return null;

  let best: string | null = null;
  let bestScore = 0;
  let bestMode = 0;
  candidates.forEach((candidate, k) => {
    const frequency = new Map<number, number>();
    for (const row of rows) {
      const n = row[k] as number;
      frequency.set(n, (frequency.get(n) ?? 0) + 1);
    }
    let mode = 0;
    let modeRows = 0;
    for (const [n, count] of frequency) {
      if (count > modeRows || (count === modeRows && n > mode)) {
        mode = n;
        modeRows = count;
      }
    }
    if (mode === 0) return;
    const score = modeRows / rows.length;
    if (score > bestScore || (score === bestScore && mode > bestMode)) {
      best = candidate;
      bestScore = score;
      bestMode = mode;
    }
  });
  return best;
}
