// Scopes of API keys (`resource:action`, API_KEY_SCOPES in contracts): stored sorted and deduplicated,
// checked on every /v1 request against the scope its route declares.
import { API_KEY_SCOPES, type ApiKeyScope } from '@postern/contracts';
import { DomainError } from '../errors.ts';

const KNOWN = new Set<string>(API_KEY_SCOPES);

export const isApiKeyScope = (value: unknown): value is ApiKeyScope =>
  typeof value === 'string' && KNOWN.has(value);

/** Known scopes only, each once, in the order of API_KEY_SCOPES (what is stored and shown). */
export function normalizeScopes(scopes: readonly string[]): ApiKeyScope[] {
  const wanted = new Set(scopes);
  return API_KEY_SCOPES.filter((scope) => wanted.has(scope));
}

/** Throws INSUFFICIENT_SCOPE (403) naming the missing scope unless the key has it. */
export function requireScope(
  granted: readonly string[],
  scope: ApiKeyScope,
  details: Record<string, unknown> = {},
): void {
  if (granted.includes(scope)) return;
  throw new DomainError(
    'INSUFFICIENT_SCOPE',
    `This API key lacks the scope "${scope}" that this route needs; create a key with it (Settings → API keys)`,
    { ...details, missingScope: scope },
  );
}
