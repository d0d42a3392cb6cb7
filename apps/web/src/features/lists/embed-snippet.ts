// The sign-up form a customer pastes into their own site (pure: testable). It posts to the same public
// endpoint as the hosted form (apps/api/src/http/public/subscribe.ts) with the same field names: `email`,
// `name`, the honeypot `website` (kept off screen; bots fill it, and a filled one stores nothing),
// `consent_version` (the consent text shown, recorded with the subscription), `consent=yes` when the
// list requires express consent, and `via=embed` so the consent record says "embedded form". Every
// value is HTML-escaped: a list name is user input and must not become markup on the customer's site.

/** The honeypot's field name: HONEYPOT in the public subscribe endpoint. */
export const HONEYPOT_FIELD = 'website';

export interface EmbedList {
  id: string;
  name: string;
  requiresExpressConsent: boolean;
  consentText: { id: string; text: string } | null;
  /** The form's action: `<PUBLIC_URL>/p/lists/<id>/subscribe` (the server builds it). */
  subscribeUrl: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value → HTML that shows exactly that text. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** The HTML to paste: a plain form, no script, working on any page. */
export function embedSnippet(list: EmbedList): string {
  const e = escapeHtml;
  const consent = list.consentText;
  const lines = [
    `<form method="post" action="${e(list.subscribeUrl)}" accept-charset="utf-8">`,
    '  <input type="hidden" name="via" value="embed">',
    '  <label for="postern-email">Email address</label>',
    '  <input id="postern-email" name="email" type="email" required maxlength="320" autocomplete="email">',
    '  <label for="postern-name">Name (optional)</label>',
    '  <input id="postern-name" name="name" type="text" maxlength="200" autocomplete="name">',
    '  <!-- Keep this field hidden and empty: only bots fill it in, and their sign-ups are dropped. -->',
    `  <div style="position:absolute;left:-10000px" aria-hidden="true"><label for="postern-${HONEYPOT_FIELD}">Leave this field empty</label><input id="postern-${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" type="text" tabindex="-1" autocomplete="off"></div>`,
    ...(consent
      ? [
          `  <p>${e(consent.text)}</p>`,
          `  <input type="hidden" name="consent_version" value="${e(consent.id)}">`,
        ]
      : []),
    ...(list.requiresExpressConsent
      ? [
          `  <label><input type="checkbox" name="consent" value="yes" required> I agree to receive ${e(list.name)} by email</label>`,
        ]
      : []),
    '  <button type="submit">Subscribe</button>',
    '</form>',
  ];
  return `${lines.join('\n')}\n`;
}
