import { describe, expect, it } from 'vitest';
import {
  confirmationProblems,
  confirmationUpdate,
  DEFAULT_CONFIRMATION,
  isDefault,
  renderPreview,
  unknownPlaceholders,
} from './confirmation-model.ts';
import { type EmbedList, embedSnippet, escapeHtml, HONEYPOT_FIELD } from './embed-snippet.ts';
import { listImportPath, listPath } from './list-paths.ts';
import { senderChoices, senderNote, settingsProblems } from './lists-model.ts';

const LIST_ID = '5d3f0b9e-8a1c-4f7e-9b2d-1c0e7a6b5f40';
const list: EmbedList = {
  id: LIST_ID,
  name: 'Weekly',
  requiresExpressConsent: false,
  consentText: null,
  subscribeUrl: `https://news.example.com/p/lists/${LIST_ID}/subscribe`,
};

/** The form the snippet builds, as the browser's parser would read it (enough for these checks). */
function fields(html: string) {
  return [...html.matchAll(/<input([^>]*)>/g)].map((match) =>
    Object.fromEntries(
      [...(match[1] ?? '').matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], a[2] ?? '']),
    ),
  );
}

describe('the embed snippet', () => {
  it('posts to the public endpoint with the hosted form’s field names, the honeypot and via=embed', () => {
    const html = embedSnippet(list);
    expect(html).toMatch(
      new RegExp(`^<form method="post" action="https://news\\.example\\.com/p/lists/${LIST_ID}/subscribe"`),
    );
    const byName = Object.fromEntries(fields(html).map((input) => [input.name, input]));
    expect(Object.keys(byName).sort()).toEqual(['email', 'name', 'via', HONEYPOT_FIELD].sort());
    expect(HONEYPOT_FIELD).toBe('website');
    expect(byName.via?.value).toBe('embed');
    expect(byName.email).toMatchObject({ type: 'email', required: '' });
    // The honeypot is out of reach for people (off screen, not tabbable, hidden from screen readers).
    expect(byName.website?.tabindex).toBe('-1');
    expect(html).toMatch(
      /<div style="position:absolute;left:-10000px" aria-hidden="true"><label for="postern-website">/,
    );
    expect(html).not.toContain('<script');
  });

  it('carries the consent text shown and its version, and the express-consent box when required', () => {
    const html = embedSnippet({
      ...list,
      requiresExpressConsent: true,
      consentText: { id: 'c0ffee00-0000-4000-8000-000000000001', text: 'I agree to the weekly letter.' },
    });
    expect(html).toContain('<p>I agree to the weekly letter.</p>');
    const byName = Object.fromEntries(fields(html).map((input) => [input.name, input]));
    expect(byName.consent_version?.value).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(byName.consent).toMatchObject({ type: 'checkbox', value: 'yes', required: '' });
    expect(embedSnippet(list)).not.toContain('consent');
  });

  it('escapes the list name, the consent text and the URL: none becomes markup on the customer’s site', () => {
    const hostile: EmbedList = {
      ...list,
      name: `"><script>alert('n')</script>`,
      requiresExpressConsent: true,
      consentText: { id: `x" onfocus="alert(1)`, text: '</p><img src=x onerror=alert(1)> & more' },
      subscribeUrl: `https://news.example.com/p/lists/"><script>alert(1)</script>/subscribe`,
    };
    const html = embedSnippet(hostile);
    expect(html).not.toMatch(/<script|<img|onfocus="/);
    expect(html).toContain(
      'I agree to receive &quot;&gt;&lt;script&gt;alert(&#39;n&#39;)&lt;/script&gt; by email',
    );
    expect(html).toContain('<p>&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt; &amp; more</p>');
    expect(html).toContain('value="x&quot; onfocus=&quot;alert(1)"');
    expect(html).toContain('action="https://news.example.com/p/lists/&quot;&gt;&lt;script&gt;');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('the confirmation email editor', () => {
  const custom = { subject: 'Confirm {{list}}', body: 'Hi!\n\nClick {{confirm_url}} to join {{list}}.' };

  it('previews as the server renders: placeholders filled, a missing link added at the end', () => {
    expect(renderPreview(custom, 'Weekly', 'https://x.test/p/confirm/t')).toEqual({
      subject: 'Confirm Weekly',
      text: 'Hi!\n\nClick https://x.test/p/confirm/t to join Weekly.',
    });
    expect(renderPreview({ subject: 'A\n{{list}}', body: 'No link' }, 'W', 'U')).toEqual({
      subject: 'A W',
      text: 'No link\n\nU\n',
    });
    expect(renderPreview({ subject: ' ', body: '' }, 'W', 'U').subject).toBe(
      DEFAULT_CONFIRMATION.subject.replace('{{list}}', 'W'),
    );
  });

  it('requires a subject, and the link under double opt-in', () => {
    expect(confirmationProblems(custom, true)).toEqual({});
    expect(confirmationProblems({ subject: ' ', body: 'no link' }, true)).toEqual({
      subject: 'The confirmation email needs a subject.',
      body: 'Keep {{confirm_url}} in the body: it becomes the confirmation link.',
    });
    expect(confirmationProblems({ subject: 'S', body: 'no link' }, false)).toEqual({});
    expect(confirmationProblems({ subject: 'S'.repeat(201), body: '{{confirm_url}}' }, true).subject).toMatch(
      /under 200/,
    );
  });

  it('names the {{tokens}} the server does not fill in', () => {
    expect(unknownPlaceholders(custom)).toEqual([]);
    expect(unknownPlaceholders({ subject: '{{ list }}', body: '{{name}} {{confirm_url}} {{name}}' })).toEqual(
      ['{{ list }}', '{{name}}'],
    );
  });

  it('saves only what changed, and the default as null (the list then follows the default)', () => {
    expect(confirmationUpdate(custom, { ...custom })).toEqual({});
    expect(confirmationUpdate(custom, { ...custom, subject: ' New ' })).toEqual({
      confirmationSubject: 'New',
    });
    expect(confirmationUpdate(custom, { ...DEFAULT_CONFIRMATION })).toEqual({
      confirmationSubject: null,
      confirmationBody: null,
    });
    expect(isDefault(DEFAULT_CONFIRMATION)).toBe(true);
    expect(isDefault(custom)).toBe(false);
  });
});

describe('the list settings', () => {
  const mailboxes = [
    {
      id: 'm1',
      email: 'news@acme.test',
      label: 'News',
      provider: 'imap',
      canSend: true,
      fromAddress: 'hi@acme.test',
    },
    { id: 'm2', email: 'old@acme.test', label: null, provider: 'imap', canSend: false },
    { id: 'm3', email: 'me@gmail.test', label: null, provider: 'gmail', canSend: true },
  ];

  it('offers the instance and the mailboxes that can send, keeping a current one that no longer can', () => {
    expect(senderChoices(mailboxes, '').map((choice) => choice.value)).toEqual(['', 'm1', 'm3']);
    expect(senderChoices(mailboxes, 'm2').map((choice) => choice.label)).toContain(
      'old@acme.test (cannot send now)',
    );
    expect(senderNote(mailboxes[0])).toContain('hi@acme.test');
    expect(senderNote(mailboxes[2])).toMatch(/not sent through Gmail/);
    expect(senderNote(undefined)).toMatch(/instance’s address/);
  });

  it('checks the name and the limits of its own fields only', () => {
    const form = {
      name: ' ',
      description: 'd'.repeat(2001),
      doubleOptIn: true,
      requiresExpressConsent: false,
      consentText: '',
      confirmationSubject: '',
      confirmationBody: '',
      senderMailboxId: '',
    };
    expect(settingsProblems(form)).toEqual({
      name: 'Give the list a name.',
      description: 'Keep it under 2,000 characters.',
    });
  });

  it('builds the list and import paths', () => {
    expect(listPath('w 1', LIST_ID)).toBe(`/w/w%201/lists/${LIST_ID}`);
    expect(listImportPath('w1', LIST_ID)).toBe(`/w/w1/lists/${LIST_ID}/import`);
  });
});
