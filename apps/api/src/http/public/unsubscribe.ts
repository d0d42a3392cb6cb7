// One-click unsubscribe from a campaign email (GET/POST /p/u/:token; core campaigns/sending
// unsubscribe.ts). The token names one campaign recipient and is signed (tokens.ts): a malformed or
// tampered one, or one whose contact was erased, answers 404 with a page that says nothing more.
// - GET only shows a page with a button (link scanners and previews fetch every link: they must never
//   unsubscribe anyone); the button POSTs back here. No JavaScript, the pages' strict CSP.
// - POST is RFC 8058's one-click: mailbox providers send `List-Unsubscribe=One-Click` form-encoded
//   (urlencoded or multipart) with no cookie and no session; the body is not needed — the signed URL
//   is the proof — so any body up to 16 KB is accepted and ignored. It takes effect before the answer
//   (suppression, subscriptions, ledger, webhook) and is idempotent: every POST answers 200. No per-IP
//   limit: a provider posts many people's unsubscribes from the same addresses.
import { findUnsubscribeTarget, unsubscribeFromCampaign } from '@postern/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { coreContextFor } from '../shared/request.ts';
import { FORM_BODY_LIMIT } from './forms.ts';
import { html, sendPage, TOKEN_ROUTE } from './page.ts';

function notFoundPage(reply: FastifyReply) {
  return sendPage(
    reply,
    404,
    'This link is not valid',
    '<h1>This link is not valid</h1><p>The link is incomplete or was changed. Open it again from the email, copying the whole address.</p>',
  );
}

const listText = (name: string | null) => (name ? html(name) : 'this list');

export function unsubscribePages(app: FastifyInstance, deps: ApiDeps) {
  app.register(async (scope) => {
    // RFC 8058 allows multipart/form-data for the one-click body: read (bounded) and ignored.
    scope.addContentTypeParser(
      'multipart/form-data',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_req, _body, done) => done(null, {}),
    );

    scope.get<{ Params: { token: string } }>('/p/u/:token', TOKEN_ROUTE, async (req, reply) => {
      const target = await findUnsubscribeTarget(
        { em: deps.orm.em.fork(), config: deps.config },
        req.params.token,
      );
      if (!target) return notFoundPage(reply);
      const done = target.unsubscribedAt !== null;
      return sendPage(
        reply,
        200,
        'Unsubscribe',
        [
          '<h1>Unsubscribe</h1>',
          done
            ? '<p>You already unsubscribed: nothing more will be sent to you from here.</p>'
            : `<p>Press the button to stop receiving <strong>${listText(target.listName)}</strong> and every other email from this sender.</p>`,
          done
            ? ''
            : `<form method="post" action="/p/u/${html(req.params.token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

    scope.post<{ Params: { token: string } }>('/p/u/:token', TOKEN_ROUTE, async (req, reply) => {
      const ctx = coreContextFor(deps, req);
      const result = await unsubscribeFromCampaign(ctx, req.params.token, {
        ip: req.ip ?? null,
        userAgent: req.headers['user-agent'] ?? null,
      });
      if (!result) return notFoundPage(reply);
      return sendPage(
        reply,
        200,
        'You are unsubscribed',
        `<h1>You are unsubscribed</h1><p>You will not receive <strong>${listText(result.target.listName)}</strong> or any other email from this sender any more.</p>`,
      );
    });
  });
}
