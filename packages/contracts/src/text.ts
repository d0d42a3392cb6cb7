// Free text from clients ends up in PostgreSQL `text`/`jsonb` columns, which cannot hold U+0000,
// and UTF-8 cannot encode a lone UTF-16 surrogate. Every string an input schema accepts is built
// from `zText()`, so such characters are a validation error (422), never a database error (500).
import { z } from 'zod';

/** A NUL or an unpaired surrogate (with the `u` flag a well-formed pair is one code point, not matched). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching U+0000 is the point.
export const UNSTORABLE_TEXT = /[\u0000\uD800-\uDFFF]/u;

export const UNSTORABLE_TEXT_MESSAGE = 'Text may not contain NUL characters or invalid Unicode';

/** True when PostgreSQL text can hold the string as it is. */
export const isStorableText = (value: string): boolean => !UNSTORABLE_TEXT.test(value);

/** `z.string()` that refuses what PostgreSQL text cannot hold; chain `.trim().min().max()` as usual. */
export function zText() {
  return z.string().refine(isStorableText, { message: UNSTORABLE_TEXT_MESSAGE, abort: true });
}
