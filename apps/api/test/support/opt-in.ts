// Helpers of the double opt-in and public pages tests (#30): form posts as a browser sends them (a
// client IP of the test's own, so the per-IP limit of one test never touches another's), the links in
// the mails queued so far, and what the database holds for an address.
import type { Harness } from './harness.ts';

let ips = 1;
/** An IP address no other test uses. */
export const clientIp = () => `198.51.${(ips >> 8) & 255}.${ips++ & 255}`;

export function formPost(
  h: Harness,
  url: string,
  fields: Record<string, string>,
  ip = clientIp(),
  ua = 'Mozilla/5.0 (test)',
) {
  return h.app.inject({
    method: 'POST',
    url,
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': ua },
    payload: new URLSearchParams(fields).toString(),
  });
}

export function pageGet(h: Harness, url: string, ip = clientIp(), ua = 'LinkScanner/1.0') {
  return h.app.inject({ method: 'GET', url, remoteAddress: ip, headers: { 'user-agent': ua } });
}

/** Mails queued to `to`, oldest first. */
export async function mailsTo(h: Harness, to: string) {
  return (await h.mails()).filter((m) => m.to === to);
}

/** The path of the confirmation link in the newest mail to `to`. */
export async function confirmPath(h: Harness, to: string): Promise<string> {
  const mails = await mailsTo(h, to);
  const text = mails[mails.length - 1]?.text ?? '';
  const link = /https?:\/\/\S+(\/p\/confirm\/[A-Za-z0-9_-]+)/.exec(text)?.[1];
  if (!link) throw new Error(`no confirmation mailed to ${to}`);
  return link;
}

export async function sql<T>(h: Harness, query: string, params: unknown[] = []): Promise<T[]> {
  return (await h.orm.em.fork().getConnection().execute(query, params)) as T[];
}

/** The subscription status of the address on the list (undefined: none). */
export async function statusOf(h: Harness, listId: string, email: string) {
  const rows = await sql<{ status: string }>(
    h,
    `select s.status from subscription s join contact c on c.id = s.contact_id
      where s.list_id = ? and c.email_normalized = lower(?)`,
    [listId, email],
  );
  return rows[0]?.status;
}

export async function contactIdOf(h: Harness, workspaceId: string, email: string) {
  const rows = await sql<{ id: string }>(
    h,
    'select id from contact where workspace_id = ? and email_normalized = lower(?)',
    [workspaceId, email],
  );
  return rows[0]?.id ?? '';
}
