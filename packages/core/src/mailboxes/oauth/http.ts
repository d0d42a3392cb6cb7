// The provider's token and revocation endpoints over HTTPS (operator-configured URLs, not a member's
// input, so no SSRF guard): the code exchange with the PKCE verifier, the refresh, and RFC 7009
// revocation. Errors are classified — `invalid_grant` (the grant is gone: reconnect), another refusal,
// or the provider unreachable (try later) — and never carry a token or the client secret.
import { decodeJwt } from 'jose';
import type { OAuthProviderConfig } from './providers.ts';

type Client = OAuthProviderConfig & { clientId: string; clientSecret: string };

export class OAuthProviderError extends Error {
  /** invalid_grant: refused for good; rejected: another 4xx; unavailable: network, timeout or 5xx. */
  readonly kind: 'invalid_grant' | 'rejected' | 'unavailable';
  /** The provider's `error` code (RFC 6749 §5.2), when it sent one. */
  readonly oauthError: string | null;
  constructor(kind: OAuthProviderError['kind'], oauthError: string | null, message: string) {
    super(message);
    this.name = 'OAuthProviderError';
    this.kind = kind;
    this.oauthError = oauthError;
  }
}

export interface TokenResponse {
  accessToken: string;
  /** Absent on a refresh that does not rotate (Google); required on the code exchange. */
  refreshToken: string | null;
  expiresIn: number;
  idToken: string | null;
  scope: string | null;
}

const ZERO = 0;

async function post(url: string, form: Record<string, string>, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason =
      (error as Error).name === 'TimeoutError' ? 'did not answer in time' : 'could not be reached';
    throw new OAuthProviderError('unavailable', null, `The provider's endpoint ${reason}`);
  }
}

async function tokenCall(
  client: Client,
  form: Record<string, string>,
  timeoutMs: number,
): Promise<TokenResponse> {
  // client_secret_post: accepted by Google and Microsoft alike.
  const res = await post(
    client.tokenUrl,
    { ...form, client_id: client.clientId, client_secret: client.clientSecret },
    timeoutMs,
  );
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok) {
    const oauthError = typeof body?.error === 'string' ? body.error.slice(0, 64) : null;
    if (res.status >= 500 || res.status === 429)
      throw new OAuthProviderError('unavailable', oauthError, `The provider answered HTTP ${res.status}`);
    if (oauthError === 'invalid_grant')
      throw new OAuthProviderError(
        'invalid_grant',
        oauthError,
        'The provider refused the grant (invalid_grant)',
      );
    throw new OAuthProviderError(
      'rejected',
      oauthError,
      `The provider refused the request (HTTP ${res.status}${oauthError ? `, ${oauthError}` : ''})`,
    );
  }
  if (!body || typeof body.access_token !== 'string' || !body.access_token)
    throw new OAuthProviderError('rejected', null, 'The provider answered without an access token');
  const expiresIn = Number(body.expires_in);
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : null,
    // A missing or absurd lifetime is taken as one hour (both providers issue one-hour tokens).
    expiresIn: Number.isFinite(expiresIn) && expiresIn > ZERO ? Math.min(expiresIn, 86_400) : 3600,
    idToken: typeof body.id_token === 'string' ? body.id_token : null,
    scope: typeof body.scope === 'string' ? body.scope : null,
  };
}

export const exchangeCode = (
  client: Client,
  input: { code: string; verifier: string; redirectUri: string },
  timeoutMs: number,
) =>
  tokenCall(
    client,
    {
      grant_type: 'authorization_code',
      code: input.code,
      code_verifier: input.verifier,
      redirect_uri: input.redirectUri,
    },
    timeoutMs,
  );

export const refreshAccessToken = (client: Client, refreshToken: string, timeoutMs: number) =>
  tokenCall(client, { grant_type: 'refresh_token', refresh_token: refreshToken }, timeoutMs);

/** RFC 7009: revokes the refresh token (and with it the grant). True on 200. */
export async function revokeToken(client: Client, token: string, timeoutMs: number): Promise<void> {
  if (!client.revocationUrl) throw new OAuthProviderError('rejected', null, 'No revocation endpoint');
  const res = await post(
    client.revocationUrl,
    {
      token,
      token_type_hint: 'refresh_token',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    },
    timeoutMs,
  );
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok)
    throw new OAuthProviderError(
      res.status >= 500 ? 'unavailable' : 'rejected',
      null,
      `The revocation endpoint answered HTTP ${res.status}`,
    );
}

export interface IdentityClaims {
  sub: string;
  email: string;
}

/**
 * The account of an id token received straight from the token endpoint over TLS (OpenID Connect
 * Core §3.1.3.7: the signature check may then be skipped), checked for issuer and audience. Microsoft
 * gives `email` only when the account has one set; `preferred_username` is its sign-in address.
 */
export function identityOf(client: Client, idToken: string | null): IdentityClaims | null {
  if (!idToken) return null;
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(idToken);
  } catch {
    return null;
  }
  const aud = claims.aud;
  if (!(aud === client.clientId || (Array.isArray(aud) && aud.includes(client.clientId)))) return null;
  if (client.issuer && !issuerMatches(client.issuer, String(claims.iss ?? ''))) return null;
  const email = [claims.email, claims.preferred_username].find(
    (v): v is string => typeof v === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
  );
  if (claims.email_verified === false) return null;
  if (!email || typeof claims.sub !== 'string' || !claims.sub) return null;
  return { sub: claims.sub.slice(0, 255), email: email.toLowerCase() };
}

function issuerMatches(expected: string, actual: string): boolean {
  const trim = (s: string) => s.replace(/\/$/, '');
  if (!expected.includes('{tenantid}')) return trim(expected) === trim(actual);
  const [before, after] = trim(expected).split('{tenantid}') as [string, string];
  return (
    actual.startsWith(before) &&
    trim(actual).endsWith(after) &&
    /^[0-9a-f-]{36}$/i.test(trim(actual).slice(before.length, trim(actual).length - after.length))
  );
}
