// The dashboard's cookies: HttpOnly access and refresh tokens (SameSite=Lax, Secure under TLS) and a
// readable CSRF token for the double-submit check on every state-changing call. Under an https
// PUBLIC_URL the names carry the `__Host-` prefix (Secure, Path=/, no Domain: no sibling subdomain
// can plant or overwrite them). The CSRF token is issued by the server — a random nonce and its HMAC
// under a key derived from POSTERN_SECRET — so a value chosen by a client (or planted by another
// site) is refused; it is replaced at every sign-in.
import { randomBytes, timingSafeEqual } from 'node:crypto';
// Brings @fastify/cookie's request/reply typings into every program that reaches this module.
import type {} from '@fastify/cookie';
import { authCookieNames } from '@postern/contracts';
import { type IssuedSession, keyedHash } from '@postern/core';
import type { Config } from '@postern/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';

const secure = (config: Config) => config.publicUrl.startsWith('https:');

/** The cookie names of this deployment (`__Host-` prefixed under https). */
export const cookieNames = (config: Config) => authCookieNames(secure(config));

/** Over http the refresh token goes to the API only; `__Host-` cookies must have Path=/. */
const refreshPath = (config: Config) => (secure(config) ? '/' : '/trpc');

/** The access token the request carries, if any. */
export function accessTokenOf(req: FastifyRequest, config: Config): string | undefined {
  return req.cookies[cookieNames(config).access] || undefined;
}

/** The refresh token the request carries, if any. */
export function refreshTokenOf(req: FastifyRequest, config: Config): string | undefined {
  return req.cookies[cookieNames(config).refresh] || undefined;
}

export function setSessionCookies(
  reply: FastifyReply,
  config: Config,
  issued: IssuedSession,
  options: { signedIn?: boolean } = {},
) {
  const names = cookieNames(config);
  const maxAge = Math.floor(config.sessionIdleMs / 1000);
  reply.setCookie(names.access, issued.accessToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
    path: '/',
    maxAge,
  });
  reply.setCookie(names.refresh, issued.refreshToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
    path: refreshPath(config),
    maxAge,
  });
  // A token known before sign-in (possibly planted) is not carried into the session.
  if (options.signedIn) setCsrfCookie(reply, config);
}

export function clearSessionCookies(reply: FastifyReply, config: Config) {
  const names = cookieNames(config);
  reply.clearCookie(names.access, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
  });
  reply.clearCookie(names.refresh, {
    path: refreshPath(config),
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
  });
}

const csrfMac = (config: Config, nonce: string) => keyedHash(config.secret, 'csrf-token', nonce).slice(0, 43);

/** A new server-issued CSRF token: `<nonce>.<HMAC(nonce)>`. */
export function issueCsrfToken(config: Config): string {
  const nonce = randomBytes(24).toString('base64url');
  return `${nonce}.${csrfMac(config, nonce)}`;
}

/** True when `token` was issued by this server (any process sharing POSTERN_SECRET). */
export function isIssuedCsrfToken(config: Config, token: string | undefined): boolean {
  if (!token || token.length > 200) return false;
  const dot = token.indexOf('.');
  if (dot <= 0) return false;
  const expected = Buffer.from(csrfMac(config, token.slice(0, dot)));
  const given = Buffer.from(token.slice(dot + 1));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function setCsrfCookie(reply: FastifyReply, config: Config) {
  reply.setCookie(cookieNames(config).csrf, issueCsrfToken(config), {
    httpOnly: false,
    sameSite: 'strict',
    secure: secure(config),
    path: '/',
  });
}

/**
 * Gives every browser a CSRF token cookie (readable by the dashboard's script, not by other sites);
 * a missing one, or one this server did not issue, is replaced.
 */
export function ensureCsrfCookie(req: FastifyRequest, reply: FastifyReply, config: Config) {
  if (isIssuedCsrfToken(config, req.cookies[cookieNames(config).csrf])) return;
  setCsrfCookie(reply, config);
}

/**
 * Double-submit check: the header must equal the cookie, the token must be one this server issued,
 * and a cross-site Origin is refused.
 */
export function csrfProblem(req: FastifyRequest, config: Config, headerName: string): string | null {
  const origin = req.headers.origin;
  if (origin && origin !== config.dashboardOrigin && origin !== new URL(config.publicUrl).origin) {
    return 'cross-site request';
  }
  const cookie = req.cookies[cookieNames(config).csrf];
  const header = req.headers[headerName];
  if (!cookie || typeof header !== 'string') return 'missing CSRF token';
  const a = Buffer.from(cookie);
  const b = Buffer.from(header);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'CSRF token mismatch';
  if (!isIssuedCsrfToken(config, cookie)) return 'CSRF token not issued by this server';
  return null;
}
