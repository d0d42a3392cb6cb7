// Rendering a campaign message (LiquidJS merge fields, the compliance footer, the list headers) and the
// scheduling time arithmetic. No database: these are the functions the engine calls per recipient.
import { describe, expect, it } from 'vitest';
import {
  type BuildCampaignMessageInput,
  buildCampaignMessage,
  checkTemplate,
  resolveScheduleTime,
} from '../src/index.ts';
import { domainErrorOf } from './support/domain-error.ts';

const LIST_ID = '3f1c0b5e-8a7d-4d5e-9f00-112233445566';

function input(overrides: Partial<BuildCampaignMessageInput> = {}): BuildCampaignMessageInput {
  return {
    campaign: {
      subject: 'Hello {{ contact.name | default: "there" }}',
      preheader: 'News for {{ contact.attributes.plan | default: "you" }}',
      htmlBody:
        '<html><body><h1>Hi {{ contact.name | default: "there" }}</h1>\n<p>Plan: {{ contact.attributes.plan | default: "free" }}</p><p><a href="https://example.org/x">Read</a></p></body></html>',
      textBody: '',
      textBodyCustom: false,
    },
    sender: { fromAddress: 'news@acme.test', fromName: 'Acme News', replyTo: 'help@acme.test' },
    postalAddress: 'Acme Inc.\n1 Main St & Co <Suite 2>\nSpringfield',
    contact: { email: 'jane@example.com', name: 'Jane', attributes: { plan: 'pro' } },
    links: {
      unsubscribeUrl: 'https://postern.test/p/u/tok123',
      unsubscribeMailto: 'mailto:unsubscribe+tok123@postern.test',
      preferencesUrl: 'https://postern.test/p/preferences/pref456',
    },
    listId: LIST_ID,
    listName: 'Acme Weekly',
    messageId: 'r1@postern.test',
    instanceDomain: 'postern.test',
    ...overrides,
  };
}

describe('merge fields', () => {
  it('escape a contact name in the HTML: <script> arrives as text, never as markup', async () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const message = await buildCampaignMessage(
      input({ contact: { email: 'e@example.com', name: evil, attributes: { plan: '<b>bold</b>' } } }),
    );
    expect(message.html).not.toContain('<script>');
    expect(message.html).not.toContain('<img src=x');
    expect(message.html).not.toContain('<b>bold</b>');
    expect(message.html).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;');
    expect(message.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    // The subject is a header, not HTML: the name as written (nodemailer encodes it).
    expect(message.subject).toBe(`Hello ${evil}`);
  });

  it('use the default when a field is missing, and the value when it is there', async () => {
    const missing = await buildCampaignMessage(
      input({ contact: { email: 'a@example.com', name: null, attributes: {} } }),
    );
    expect(missing.subject).toBe('Hello there');
    expect(missing.html).toContain('<h1>Hi there</h1>');
    expect(missing.html).toContain('Plan: free');
    expect(missing.html).toContain('News for you');
    const present = await buildCampaignMessage(input());
    expect(present.subject).toBe('Hello Jane');
    expect(present.html).toContain('<h1>Hi Jane</h1>');
    expect(present.html).toContain('Plan: pro');
  });

  it('a line break in a value cannot reach the subject header', async () => {
    const message = await buildCampaignMessage(
      input({ contact: { email: 'a@example.com', name: 'Jane\r\nBcc: victim@example.com', attributes: {} } }),
    );
    expect(message.subject).toBe('Hello Jane Bcc: victim@example.com');
    expect(message.subject).not.toMatch(/[\r\n]/);
  });

  it('an unknown filter is refused naming the field and the line', async () => {
    const error = await domainErrorOf(
      buildCampaignMessage(
        input({
          campaign: {
            ...input().campaign,
            htmlBody: '<p>Hello</p>\n<p>{{ contact.name | shout }}</p>',
          },
        }),
      ),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toMatch(/^htmlBody: merge field error in the HTML body, line 2: unknown filter/);
    expect(error.message).toContain('shout');
    expect(error.details).toMatchObject({ field: 'htmlBody', line: 2 });
    expect(error.message).not.toMatch(/\bat .*\.js/);
  });

  it('has no file system: include, render and layout are refused at save time', () => {
    for (const tag of ['include', 'render', 'layout']) {
      let thrown: unknown;
      try {
        checkTemplate('htmlBody', `<p>x</p>{% ${tag} '/etc/passwd' %}`);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, tag).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((thrown as Error).message).toContain(`{% ${tag} %} tag is not available`);
    }
    // An unclosed tag is refused the same way.
    expect(() => checkTemplate('subject', 'Hi {{ contact.name')).toThrow(/subject: merge field error/);
  });

  it('a hand-written text part is rendered without escaping; otherwise the text comes from the HTML', async () => {
    const custom = await buildCampaignMessage(
      input({
        campaign: { ...input().campaign, textBody: 'Hi {{ contact.name }} & co', textBodyCustom: true },
        contact: { email: 'a@example.com', name: 'Tom <T>', attributes: {} },
      }),
    );
    expect(custom.text.startsWith('Hi Tom <T> & co\n')).toBe(true);
    const generated = await buildCampaignMessage(input());
    expect(generated.text).toContain('Hi Jane');
    expect(generated.text).toContain('Read [https://example.org/x]');
    expect(generated.text).not.toContain('<p>');
    // The preheader is hidden in the HTML and not repeated in the text part.
    expect(generated.text).not.toContain('News for');
  });
});

describe('the message', () => {
  it('carries List-Unsubscribe (https and mailto), one-click, List-Id and the Message-ID', async () => {
    const message = await buildCampaignMessage(input());
    expect(message.headers).toEqual({
      'List-Unsubscribe': '<https://postern.test/p/u/tok123>, <mailto:unsubscribe+tok123@postern.test>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `Acme Weekly <${LIST_ID}.postern.test>`,
      'Message-ID': '<r1@postern.test>',
    });
    expect(message).toMatchObject({
      from: { name: 'Acme News', address: 'news@acme.test' },
      to: 'jane@example.com',
      replyTo: 'help@acme.test',
      messageId: '<r1@postern.test>',
    });
  });

  it('a list name cannot add a header or break List-Id (ASCII atoms only: no quotes, no encoded-word)', async () => {
    const message = await buildCampaignMessage(input({ listName: 'Café "News"\r\nX-Injected: <1>' }));
    expect(message.headers['List-Id']).toBe(`Cafe News X-Injected 1 <${LIST_ID}.postern.test>`);
    expect(Object.values(message.headers).join('')).not.toMatch(/[\r\n]/);
    const bare = await buildCampaignMessage(input({ listName: '«»' }));
    expect(bare.headers['List-Id']).toBe(`<${LIST_ID}.postern.test>`);
  });

  it('ends both parts with the unsubscribe link, the preference link and the postal address', async () => {
    const message = await buildCampaignMessage(input());
    const footer = message.html.slice(message.html.indexOf('postern-footer'));
    expect(footer).toContain('href="https://postern.test/p/u/tok123"');
    expect(footer).toContain('href="https://postern.test/p/preferences/pref456"');
    expect(footer).toContain('Acme Inc.<br>1 Main St &#38; Co &#60;Suite 2&#62;<br>Springfield');
    // Inside <body>, before it closes.
    expect(message.html.indexOf('postern-footer')).toBeLessThan(message.html.indexOf('</body>'));
    expect(message.html.indexOf('postern-preheader')).toBeGreaterThan(message.html.indexOf('<body>'));
    expect(message.text).toContain('Unsubscribe: https://postern.test/p/u/tok123');
    expect(message.text).toContain('Manage your preferences: https://postern.test/p/preferences/pref456');
    expect(message.text).toContain('Acme Inc.\n1 Main St & Co <Suite 2>\nSpringfield');
    expect(message.text).toContain('subscribed to Acme Weekly');
  });
});

describe('scheduling times', () => {
  const now = new Date('2027-01-10T12:00:00Z');

  it('reads a time without an offset in the time zone given', () => {
    expect(resolveScheduleTime('2027-01-15T09:00', 'America/New_York', now).at.toISOString()).toBe(
      '2027-01-15T14:00:00.000Z',
    );
    expect(resolveScheduleTime('2027-07-15T09:00', 'Europe/Berlin', now).at.toISOString()).toBe(
      '2027-07-15T07:00:00.000Z',
    );
    expect(resolveScheduleTime('2027-01-15T09:00:30', 'Asia/Kolkata', now).at.toISOString()).toBe(
      '2027-01-15T03:30:30.000Z',
    );
    // An instant with an offset is that instant whatever the zone.
    expect(resolveScheduleTime('2027-01-15T09:00:00+01:00', 'America/New_York', now).at.toISOString()).toBe(
      '2027-01-15T08:00:00.000Z',
    );
    expect(resolveScheduleTime(undefined, 'UTC', now)).toEqual({ at: now, timeZone: 'UTC' });
  });

  it('refuses a time skipped by daylight saving, takes the first of a repeated one', async () => {
    const gap = await domainErrorOf(
      Promise.resolve().then(() => resolveScheduleTime('2027-03-28T02:30', 'Europe/Berlin', now)),
    );
    expect(gap.message).toMatch(/^at: 2027-03-28T02:30 does not exist in Europe\/Berlin/);
    // 02:30 on 31 October 2027 happens twice in Berlin: first at +02:00.
    expect(resolveScheduleTime('2027-10-31T02:30', 'Europe/Berlin', now).at.toISOString()).toBe(
      '2027-10-31T00:30:00.000Z',
    );
  });

  it('refuses unknown zones, past times and times more than a year ahead', async () => {
    for (const zone of ['Mars/Olympus_Mons', 'Europe/Berlin; drop table', '+01:00', ''])
      expect(
        (await domainErrorOf(Promise.resolve().then(() => resolveScheduleTime(undefined, zone, now))))
          .message,
      ).toMatch(/^timeZone: /);
    const past = await domainErrorOf(
      Promise.resolve().then(() => resolveScheduleTime('2027-01-09T09:00', 'UTC', now)),
    );
    expect(past.message).toMatch(/has passed/);
    const far = await domainErrorOf(
      Promise.resolve().then(() => resolveScheduleTime('2028-06-01T09:00', 'UTC', now)),
    );
    expect(far.message).toMatch(/at most a year ahead/);
    // Canonical names: the zone as the tz database spells it.
    expect(resolveScheduleTime(undefined, 'europe/berlin', now).timeZone).toBe('Europe/Berlin');
  });
});
