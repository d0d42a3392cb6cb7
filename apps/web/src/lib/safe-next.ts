/** Pages a user is sent back to after signing in must not be auth pages themselves. */
const AUTH_PAGES = ['/sign-in', '/sign-up', '/forgot-password', '/reset-password'];

/**
 * The in-app path to return to after sign-in, from the `next` query parameter: only same-origin
 * absolute paths (no `//host`, no `/\host`, no scheme), never an auth page; otherwise `/`.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if ([...next].some((char) => char.charCodeAt(0) < 0x20)) return '/';
  let url: URL;
  try {
    url = new URL(next, 'http://postern.invalid');
  } catch {
    return '/';
  }
  if (url.origin !== 'http://postern.invalid') return '/';
  if (AUTH_PAGES.some((page) => url.pathname === page || url.pathname.startsWith(`${page}/`))) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** `/sign-in?next=…` (or sign-up's) carrying where to go afterwards (nothing to add for `/`). */
export function authPath(page: '/sign-in' | '/sign-up', next: string): string {
  return next === '/' || next === '' ? page : `${page}?next=${encodeURIComponent(next)}`;
}

/** `/sign-in?next=…` for the current location. */
export function signInPath(pathname: string, search = '', hash = ''): string {
  return authPath('/sign-in', `${pathname}${search}${hash}`);
}
