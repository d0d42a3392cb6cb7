// Addresses of contacts and suppressions, parsed and canonicalised by the validator (one parser for
// the whole product). The normalised form — the validator's ASCII form (IDNA A-label domain) lower-
// cased whole, as bulk de-duplication does — is what a workspace's contacts are unique on and what
// the suppression hash is computed over, so `John@Exämple.com` and `john@xn--exmple-cua.com` are one
// person and one suppression.
import { parseAddress } from '@postern/validator';
import { DomainError } from '../errors.ts';

export interface ParsedContactAddress {
  /** As given, trimmed. */
  email: string;
  normalized: string;
}

/** The address and its normalised form, or the validator's reason code. */
export function tryNormalizeAddress(input: string): ParsedContactAddress | { reason: string } {
  const parsed = parseAddress(input);
  if (!parsed.valid) return { reason: parsed.reason };
  return { email: input.trim(), normalized: parsed.ascii.toLowerCase() };
}

/** The address and its normalised form; VALIDATION_FAILED (with the validator's reason) otherwise. */
export function normalizeAddress(input: string, field = 'email'): ParsedContactAddress {
  const result = tryNormalizeAddress(input);
  if ('reason' in result)
    throw new DomainError('VALIDATION_FAILED', `Not a valid email address (${result.reason})`, {
      field,
      reason: result.reason,
    });
  return result;
}
