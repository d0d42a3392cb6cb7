// The dashboard's cookies: HttpOnly access and refresh tokens (SameSite=Lax, Secure under TLS) and a
// readable CSRF token for the double-submit check on every state-changing call.
import { randomBytes, timingSafeEqual } from 'node:crypto';
// Brings @fastify/cookie's request/reply typings into every program that reaches this module.
import type {} from '@fastify/cookie';
import { AUTH_COOKIES } from '@postern/contracts';
import type { IssuedSession } from '@postern/core';
import type { Config } from '@postern/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';

const secure = (config: Config) => config.publicUrl.startsWith('https:');

export function setSessionCookies(reply: FastifyReply, config: Config, issued: IssuedSession) {
  const maxAge = Math.floor(config.sessionIdleMs / 1000);
  reply.setCookie(AUTH_COOKIES.access, issued.accessToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
    path: '/',
    maxAge,
  });
  // Sent only to the API, never to static pages.
  reply.setCookie(AUTH_COOKIES.refresh, issued.refreshToken, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
    path: '/trpc',
    maxAge,
  });
}

export function clearSessionCookies(reply: FastifyReply, config: Config) {
  reply.clearCookie(AUTH_COOKIES.access, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
  });
  reply.clearCookie(AUTH_COOKIES.refresh, {
    path: '/trpc',
    httpOnly: true,
    sameSite: 'lax',
    secure: secure(config),
  });
}

/** Gives every browser a CSRF token cookie (readable by the dashboard's script, not by other sites). */
export function ensureCsrfCookie(req: FastifyRequest, reply: FastifyReply, config: Config) {
  if (req.cookies[AUTH_COOKIES.csrf]) return;
  reply.setCookie(AUTH_COOKIES.csrf, randomBytes(24).toString('base64url'), {
    httpOnly: false,
    sameSite: 'strict',
    secure: secure(config),
    path: '/',
  });
}

/** Double-submit check: the header must equal the cookie, and a cross-site Origin is refused. */
export function csrfProblem(req: FastifyRequest, config: Config, headerName: string): string | null {
  const origin = req.headers.origin;
  if (origin && origin !== config.dashboardOrigin && origin !== new URL(config.publicUrl).origin) {
    return 'cross-site request';
  }
  const cookie = req.cookies[AUTH_COOKIES.csrf];
  const header = req.headers[headerName];
  if (!cookie || typeof header !== 'string') return 'missing CSRF token';
  const a = Buffer.from(cookie);
  const b = Buffer.from(header);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return 'CSRF token mismatch';
  return null;
}
