// The hosted sign-up form of a list (GET /p/lists/:listId/subscribe) and the form POST endpoint that
// both it and a form embedded on a customer's site post to (POST /p/lists/:listId/subscribe; an
// embedded form sends `via=embed`). The page shows the list's public description and its current
// consent text, whose version is posted back and recorded; an express-consent box when the list
// requires one. Every accepted post answers the same "check your inbox" page, whatever happened
// (sent, throttled, suppressed, already subscribed): the form reveals nothing about an address.
// A filled honeypot gets that page too, with nothing stored.
import { isDomainError, type PublicList, publicList, subscribeFromForm } from '@postern/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { coreContextFor } from '../shared/request.ts';
import { field, withinIpLimit } from './forms.ts';
import { html, sendPage } from './page.ts';

/** The honeypot's name: a field people never see (moved off screen) but form-filling bots do. */
export const HONEYPOT = 'website';

interface FormState {
  email?: string;
  name?: string;
  error?: string;
}

function formPage(reply: FastifyReply, list: PublicList, status: number, state: FormState = {}) {
  const consent = list.consentText;
  const body = [
    `<h1>Subscribe to ${html(list.name)}</h1>`,
    list.description ? `<p>${html(list.description)}</p>` : '',
    state.error ? `<p class="error" role="alert">${html(state.error)}</p>` : '',
    `<form method="post" action="/p/lists/${html(list.id)}/subscribe">`,
    '<label for="email">Email address</label>',
    `<input id="email" name="email" type="email" required maxlength="320" autocomplete="email" value="${html(state.email ?? '')}">`,
    '<label for="name">Name (optional)</label>',
    `<input id="name" name="name" type="text" maxlength="200" autocomplete="name" value="${html(state.name ?? '')}">`,
    `<div class="hp" aria-hidden="true"><label for="${HONEYPOT}">Leave this field empty</label><input id="${HONEYPOT}" name="${HONEYPOT}" type="text" tabindex="-1" autocomplete="off"></div>`,
    consent
      ? `<p class="consent">${html(consent.text)}</p><input type="hidden" name="consent_version" value="${html(consent.id)}">`
      : '',
    list.requiresExpressConsent
      ? `<p><label class="check"><input type="checkbox" name="consent" value="yes" required> I agree to receive ${html(list.name)} by email</label></p>`
      : '',
    '<button type="submit">Subscribe</button>',
    '</form>',
    list.doubleOptIn
      ? '<p class="muted">We will send you an email to confirm: nothing is sent to you before you do.</p>'
      : '',
  ];
  return sendPage(reply, status, `Subscribe to ${list.name}`, body.filter(Boolean).join('\n'));
}

/** The one answer of every accepted post. */
function checkInboxPage(reply: FastifyReply, list: PublicList) {
  return sendPage(
    reply,
    200,
    'Check your inbox',
    `<h1>Check your inbox</h1><p>Thank you. If a confirmation is needed to subscribe to ${html(list.name)}, we have sent it to the address you gave: open the link in it to confirm.</p><p class="muted">Nothing arrived? Look in your spam folder; a new email can be sent after 24 hours.</p>`,
  );
}

export function notFoundPage(reply: FastifyReply) {
  return sendPage(
    reply,
    404,
    'Not found',
    '<h1>Not found</h1><p>There is no sign-up form at this address.</p>',
  );
}

export function tooManyPage(reply: FastifyReply) {
  reply.header('retry-after', '60');
  return sendPage(
    reply,
    429,
    'Too many requests',
    '<h1>Too many requests</h1><p>Please wait a minute and try again.</p>',
  );
}

export function subscribePages(app: FastifyInstance, deps: ApiDeps) {
  app.get<{ Params: { listId: string } }>('/p/lists/:listId/subscribe', async (req, reply) => {
    const list = await publicList(deps.orm.em.fork(), req.params.listId);
    if (!list) return notFoundPage(reply);
    return formPage(reply, list, 200);
  });

  app.post<{ Params: { listId: string } }>('/p/lists/:listId/subscribe', async (req, reply) => {
    if (!(await withinIpLimit(deps, req))) return tooManyPage(reply);
    const ctx = coreContextFor(deps, req);
    const list = await publicList(ctx.em, req.params.listId);
    if (!list) return notFoundPage(reply);
    if (field(req, HONEYPOT) !== '') {
      req.log.info({ listId: list.id }, 'sign-up form: honeypot filled, nothing stored');
      return checkInboxPage(reply, list);
    }
    const email = field(req, 'email').trim();
    const name = field(req, 'name').trim().slice(0, 200);
    const express = field(req, 'consent') === 'yes';
    if (list.requiresExpressConsent && !express)
      return formPage(reply, list, 400, {
        email,
        name,
        error: 'Tick the box to agree to receive this list.',
      });
    // The version the page showed; an older page's version is still one of this list's (the core checks).
    const version = field(req, 'consent_version');
    try {
      const outcome = await subscribeFromForm(
        ctx,
        list,
        {
          email,
          name: name || undefined,
          express,
          consentTextVersionId: /^[0-9a-f-]{36}$/i.test(version) ? version : (list.consentText?.id ?? null),
          method: field(req, 'via') === 'embed' ? 'embedded_form' : 'hosted_form',
          ip: req.ip ?? null,
          userAgent: req.headers['user-agent'] ?? null,
        },
        (token) => `${deps.config.publicUrl}/p/confirm/${token}`,
        (error) =>
          // The code only: a server's refusal may echo the address.
          req.log.warn(
            { listId: list.id, code: (error as { code?: unknown }).code ?? null },
            "confirmation through the list's mailbox failed: sent by the instance instead",
          ),
      );
      req.log.info({ listId: list.id, outcome }, 'sign-up form post');
    } catch (error) {
      if (isDomainError(error) && error.code === 'VALIDATION_FAILED') {
        const message = /consent/i.test(error.message)
          ? 'The sign-up form changed meanwhile: please submit it again.'
          : 'Enter a valid email address.';
        return formPage(reply, list, 400, { email, name, error: message });
      }
      throw error;
    }
    return checkInboxPage(reply, list);
  });
}
