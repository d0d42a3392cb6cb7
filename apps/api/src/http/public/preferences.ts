// The preference center (GET/POST /p/preferences/:token): the lists this one contact is on, with an
// unsubscribe button per list and one for everything (which also suppresses the address, core
// unsubscribe()). The token is signed (core preferences.ts); a tampered one answers 400 and an erased
// contact's 410. The GET changes nothing (link scanners); only the POSTs do. Nothing of any other
// contact or workspace is read: the queries are bound to the token's contact and workspace.
import {
  isDomainError,
  type PreferenceView,
  preferenceView,
  readPreferenceToken,
  unsubscribe,
} from '@postern/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { coreContextFor } from '../shared/request.ts';
import { field, withinIpLimit } from './forms.ts';
import { html, linkProblemPage, sendPage, TOKEN_ROUTE } from './page.ts';
import { tooManyPage } from './subscribe.ts';

const STATUS_TEXT = {
  active: 'subscribed',
  unconfirmed: 'waiting for your confirmation',
  unsubscribed: 'unsubscribed',
};

function centerPage(reply: FastifyReply, token: string, view: PreferenceView, notice?: string, status = 200) {
  const action = `/p/preferences/${html(token)}`;
  const receiving = view.lists.filter((l) => l.status !== 'unsubscribed');
  const items = view.lists.map(
    (l) =>
      `<li><strong>${html(l.name)}</strong> — ${html(STATUS_TEXT[l.status])}${
        l.status !== 'unsubscribed'
          ? ` <form method="post" action="${action}"><input type="hidden" name="list" value="${html(l.id)}"><button type="submit" class="link">Unsubscribe from ${html(l.name)}</button></form>`
          : ''
      }${l.description ? `<br><span class="muted">${html(l.description)}</span>` : ''}</li>`,
  );
  return sendPage(
    reply,
    status,
    'Your email preferences',
    [
      '<h1>Your email preferences</h1>',
      notice ? `<p role="status">${html(notice)}</p>` : '',
      view.lists.length ? `<ul>${items.join('\n')}</ul>` : '<p>You are not on any list.</p>',
      receiving.length
        ? `<form method="post" action="${action}"><input type="hidden" name="all" value="yes"><button type="submit">Unsubscribe from everything</button></form>`
        : '',
    ]
      .filter(Boolean)
      .join('\n'),
  );
}

export function preferencePages(app: FastifyInstance, deps: ApiDeps) {
  app.get<{ Params: { token: string } }>('/p/preferences/:token', TOKEN_ROUTE, async (req, reply) => {
    const ref = readPreferenceToken(deps.config.secret, req.params.token);
    if (!ref) return linkProblemPage(reply, 'unknown');
    const view = await preferenceView(deps.orm.em.fork(), ref);
    if (!view) return linkProblemPage(reply, 'gone');
    return centerPage(reply, req.params.token, view);
  });

  app.post<{ Params: { token: string } }>('/p/preferences/:token', TOKEN_ROUTE, async (req, reply) => {
    if (!(await withinIpLimit(deps, req))) return tooManyPage(reply);
    const ref = readPreferenceToken(deps.config.secret, req.params.token);
    if (!ref) return linkProblemPage(reply, 'unknown');
    const ctx = coreContextFor(deps, req);
    const view = await preferenceView(ctx.em, ref);
    if (!view) return linkProblemPage(reply, 'gone');
    const all = field(req, 'all') === 'yes';
    const listId = field(req, 'list');
    // Only a list this contact is on: any other id is the same as a stale page.
    const list = view.lists.find((l) => l.id === listId);
    if (!all && !list)
      return centerPage(reply, req.params.token, view, 'Choose a list to unsubscribe from.', 400);
    try {
      await unsubscribe(ctx, ref.workspaceId, {
        contactId: ref.contactId,
        ...(all ? {} : { listId: list?.id }),
        method: 'hosted_form',
        ip: req.ip?.slice(0, 64) ?? null,
        userAgent: req.headers['user-agent']?.slice(0, 512) ?? null,
        source: 'preference_center',
      });
    } catch (error) {
      if (isDomainError(error) && error.code === 'NOT_FOUND') return linkProblemPage(reply, 'gone');
      throw error;
    }
    const after = (await preferenceView(ctx.em.fork(), ref)) ?? { lists: [] };
    return centerPage(
      reply,
      req.params.token,
      after,
      all
        ? 'You are unsubscribed from everything: nothing more will be sent to you.'
        : `You are unsubscribed from ${list?.name ?? 'the list'}.`,
    );
  });
}
