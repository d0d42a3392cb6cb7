// The double opt-in link (GET/POST /p/confirm/:token). Link scanners (mail security gateways,
// previewers) fetch every link in an email: the GET only shows a page with a button and changes
// nothing; confirming is the POST that button sends. Unknown or tampered links answer 400, expired or
// used ones 410, without saying whose link it was. A confirmation records the POST's IP, user agent
// and time in the consent ledger (core confirm()).
import { confirmOptIn, inspectOptInToken, preferenceToken } from '@postern/core';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { coreContextFor } from '../shared/request.ts';
import { withinIpLimit } from './forms.ts';
import { html, linkProblemPage, sendPage, TOKEN_ROUTE } from './page.ts';
import { tooManyPage } from './subscribe.ts';

async function listName(deps: ApiDeps, listId: string): Promise<string> {
  const rows = (await deps.orm.em
    .fork()
    .getConnection()
    .execute('select name from contact_list where id = ?', [listId])) as { name: string }[];
  return rows[0]?.name ?? 'this list';
}

export function confirmPages(app: FastifyInstance, deps: ApiDeps) {
  app.get<{ Params: { token: string } }>('/p/confirm/:token', TOKEN_ROUTE, async (req, reply) => {
    const state = await inspectOptInToken(deps.orm.em.fork(), coreContextFor(deps, req), req.params.token);
    if (state.state !== 'valid') return linkProblemPage(reply, state.state);
    const name = await listName(deps, state.listId);
    return sendPage(
      reply,
      200,
      `Confirm your subscription to ${name}`,
      [
        `<h1>Confirm your subscription</h1>`,
        `<p>Press the button to start receiving <strong>${html(name)}</strong> at this address.</p>`,
        `<form method="post" action="/p/confirm/${html(req.params.token)}"><button type="submit">Confirm my subscription</button></form>`,
        '<p class="muted">If you did not ask for this, close this page: nothing will be sent to you.</p>',
      ].join('\n'),
    );
  });

  app.post<{ Params: { token: string } }>('/p/confirm/:token', TOKEN_ROUTE, async (req, reply) => {
    if (!(await withinIpLimit(deps, req))) return tooManyPage(reply);
    const ctx = coreContextFor(deps, req);
    const state = await confirmOptIn(ctx, req.params.token, {
      ip: req.ip ?? null,
      userAgent: req.headers['user-agent'] ?? null,
    });
    if (state.state !== 'valid') return linkProblemPage(reply, state.state);
    const name = await listName(deps, state.listId);
    const prefs = preferenceToken(deps.config.secret, state.workspaceId, state.contactId);
    return sendPage(
      reply,
      200,
      'Subscription confirmed',
      [
        '<h1>Subscription confirmed</h1>',
        `<p>Thank you: you will receive <strong>${html(name)}</strong>.</p>`,
        `<p><a href="/p/preferences/${html(prefs)}">Manage your subscriptions</a></p>`,
      ].join('\n'),
    );
  });
}
