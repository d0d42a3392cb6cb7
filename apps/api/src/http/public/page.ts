// The recipient pages' shell (#30): one small HTML document per answer, no JavaScript, a strict CSP.
// The stylesheet is inline in a <style> allowed by its SHA-256 hash (no 'unsafe-inline'); nothing
// else may load, forms may only post back here, and no site may frame the pages. Every value put into
// a page is escaped (escapeHtml), so a list's name or description can never add markup.
import { createHash } from 'node:crypto';
import { escapeHtml } from '@postern/core';
import type { FastifyReply } from 'fastify';

const CSS = `
:root{color-scheme:light dark;--fg:#111827;--muted:#4b5563;--bg:#f9fafb;--card:#fff;--line:#e5e7eb;--accent:#1f2937}
@media (prefers-color-scheme:dark){:root{--fg:#f3f4f6;--muted:#9ca3af;--bg:#111827;--card:#1f2937;--line:#374151;--accent:#e5e7eb}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:34rem;margin:3rem auto;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{font-size:1.5rem;margin:0 0 1rem}
p,ul{margin:0 0 1rem}
.muted{color:var(--muted);font-size:.9rem}
.consent{white-space:pre-wrap;border-left:3px solid var(--line);padding-left:.75rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=email],input[type=text]{width:100%;padding:.6rem;border:1px solid var(--line);border-radius:6px;font:inherit;margin:0 0 1rem;background:var(--card);color:var(--fg)}
.check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400}
button{padding:.6rem 1.1rem;border:0;border-radius:6px;background:var(--accent);color:var(--card);font:inherit;font-weight:600;cursor:pointer}
button.link{background:none;color:var(--fg);text-decoration:underline;padding:0;font-weight:400}
.error{color:#b91c1c;font-weight:600}
.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
li{margin:0 0 .75rem}
li form{display:inline}
`;

const STYLE_HASH = `sha256-${createHash('sha256').update(CSS).digest('base64')}`;

/** The pages' CSP: only the hashed stylesheet; forms post back to this origin; never framed. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src '${STYLE_HASH}'`,
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const html = escapeHtml;

/** Sends a whole page: `body` is HTML already built with `html()` around every value. */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string) {
  reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('content-security-policy', PAGE_CSP)
    .header('cache-control', 'no-store')
    // Links carry tokens: never in a Referer, never indexed.
    .header('referrer-policy', 'no-referrer')
    .header('x-robots-tag', 'noindex, nofollow');
  return reply.send(
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(title)}</title><style>${CSS}</style></head><body><main>\n${body}\n</main></body></html>\n`,
  );
}

/** The page of a link that is not (or no longer) valid: nothing about whose link it was. */
export function linkProblemPage(reply: FastifyReply, state: 'unknown' | 'expired' | 'used' | 'gone') {
  const [status, title, text] =
    state === 'unknown'
      ? [
          400,
          'This link is not valid',
          'The link is incomplete or was changed. Open it again from the email, copying the whole address.',
        ]
      : state === 'expired'
        ? [
            410,
            'This link has expired',
            'Confirmation links work for a limited time. Sign up again to get a new one.',
          ]
        : state === 'used'
          ? [410, 'This link was already used', 'Nothing more to do: it can only be used once.']
          : [410, 'This link no longer works', 'There is nothing to show for it any more.'];
  return sendPage(reply, status, title, `<h1>${html(title)}</h1><p>${html(text)}</p>`);
}

/**
 * Options of the routes with a token in their path: Fastify's request log (info: method and URL)
 * is off for them, so the token never reaches a log line (the logger redacts query secrets, not
 * path segments). Warnings and errors (without the URL) are still logged.
 */
export const TOKEN_ROUTE = { logLevel: 'warn' } as const;
