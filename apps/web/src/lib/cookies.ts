import { authCookieNames } from '@postern/contracts/constants';

/** The value of one cookie in a `document.cookie`-style string, or undefined when it is absent or empty. */
export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    if (raw === '') return undefined;
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return undefined;
}

/** The dashboard's CSRF token: `__Host-pst_csrf` on https deployments, `pst_csrf` over http. */
export function readCsrfToken(cookies: string): string | undefined {
  return readCookie(cookies, authCookieNames(true).csrf) ?? readCookie(cookies, authCookieNames(false).csrf);
}
