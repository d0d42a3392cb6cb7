// A benchmark's account (bulk, contacts): signed up and signed in over tRPC as the dashboard does, with
// an API key of its workspace (the default scopes, or the ones a bench names).
import type http from 'node:http';
import { AUTH_COOKIES, CSRF_HEADER } from '../packages/contracts/src/index.ts';
import { cookieValue, request } from './lib.ts';

const PASSWORD = 'Bench-Password-42!';
export const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) postern-bench/1';

async function trpc<T>(
  agent: http.Agent,
  base: string,
  method: 'GET' | 'POST',
  path: string,
  cookies: Record<string, string>,
  input?: unknown,
): Promise<{ data: T; setCookie: string[] }> {
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    cookie: Object.entries(cookies)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
  };
  let body: string | undefined;
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers[CSRF_HEADER] = cookies[AUTH_COOKIES.csrf] ?? '';
    body = JSON.stringify(input ?? {});
  }
  const res = await request(agent, base, method, `/trpc/${path}`, headers, body);
  if (res.status !== 200) throw new Error(`${method} /trpc/${path}: HTTP ${res.status} ${res.body}`);
  return { data: (JSON.parse(res.body) as { result: { data: T } }).result.data, setCookie: res.setCookie };
}

/** Signs an account up over tRPC, as the dashboard does, and creates an API key of its workspace. */
export async function apiKeyFor(
  agent: http.Agent,
  base: string,
  options: { bench: string; scopes?: string[] },
): Promise<string> {
  const first = await request(agent, base, 'GET', '/trpc/system.health', { 'user-agent': USER_AGENT });
  const csrf = cookieValue(first.setCookie, AUTH_COOKIES.csrf);
  if (!csrf) throw new Error('no CSRF cookie');
  const cookies: Record<string, string> = { [AUTH_COOKIES.csrf]: csrf };
  const email = `bench-${options.bench}-${Date.now()}@example.test`;
  await trpc(agent, base, 'POST', 'auth.signUp', cookies, { email, password: PASSWORD });
  // Sign-up answers "check your email"; the session (and a new CSRF token) come with sign-in.
  const signIn = await trpc(agent, base, 'POST', 'auth.signIn', cookies, { email, password: PASSWORD });
  const access = cookieValue(signIn.setCookie, AUTH_COOKIES.access);
  if (!access) throw new Error('sign-in: no session cookie');
  cookies[AUTH_COOKIES.access] = access;
  cookies[AUTH_COOKIES.csrf] = cookieValue(signIn.setCookie, AUTH_COOKIES.csrf) ?? csrf;
  const list = await trpc<{ workspaces: { id: string }[] }>(agent, base, 'GET', 'workspaces.list', cookies);
  const workspaceId = list.data.workspaces[0]?.id;
  if (!workspaceId) throw new Error('no workspace');
  const key = await trpc<{ secret: string }>(agent, base, 'POST', 'apiKeys.create', cookies, {
    workspaceId,
    name: 'bench',
    ...(options.scopes ? { scopes: options.scopes } : {}),
  });
  return key.data.secret;
}
