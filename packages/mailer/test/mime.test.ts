// composeMime writes nodemailer's MIME tree out synchronously (the pooled sender hands those bytes over
// raw). The promise: the bytes are exactly what the tree's own streaming build() makes — whatever
// transfer encoding nodemailer picks (7bit, quoted-printable, base64), header encoding, line endings,
// trailing whitespace and bodies longer than the encoders' slices.
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { composeMime, MailInputError, type OutboundMessage } from '../src/index.ts';
import { toMailOptions, writeMime } from '../src/mime.ts';

const base: OutboundMessage = {
  from: { name: 'Alice Example', address: 'alice@postern.test' },
  to: 'bob@example.org',
  replyTo: 'replies@postern.test',
  subject: 'Quarterly hello',
  text: 'Hello Bob,\n\nshort and plain.\n',
  html: '<p>Hello Bob,</p><p>short and plain.</p>',
  headers: {
    'List-Unsubscribe': '<https://postern.test/p/u/abc.def>, <mailto:unsubscribe+abc.def@postern.test>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': 'News <list-1.postern.test>',
  },
  messageId: '<r-1@postern.test>',
};

const long = 'word '.repeat(40);
const cases: [string, OutboundMessage][] = [
  ['plain ASCII (7bit)', base],
  ['long lines (quoted-printable)', { ...base, text: `${long}\n${long}`, html: `<p>${long}${long}</p>` }],
  [
    'a few accents (quoted-printable), encoded subject and From name',
    {
      ...base,
      from: { name: 'Zoë Exämple', address: 'zoe@postern.test' },
      subject: 'Ça va, Zoë ? Nouveautés de décembre',
      text: 'Bonjour Zoë,\n\nvoici les nouveautés de décembre.\n',
      html: '<p>Bonjour Zoë, voici les nouveautés de décembre.</p>',
    },
  ],
  [
    'mostly non-Latin (base64)',
    {
      ...base,
      subject: 'Новости декабря',
      text: 'Здравствуйте! Новости декабря: всё хорошо. '.repeat(5),
      html: `<p>${'こんにちは、十二月のお知らせです。'.repeat(8)}</p>`,
    },
  ],
  [
    'trailing whitespace, CRLF, lone CR and dots at line starts',
    {
      ...base,
      text: 'line with trailing spaces   \r\nnext\tline\t\r.dot start\n..two dots\n   ',
      html: '<p>a</p>  \r\n.<p>b</p>\t',
    },
  ],
  ['text only, no line break at the end', { ...base, html: undefined, text: 'just text' }],
  ['empty text part', { ...base, text: '' }],
  [
    'a body larger than the encoders slice (quoted-printable over 200 KB)',
    {
      ...base,
      text: `${'é and more words; '.repeat(12_000)}\n`,
      html: `<div>${'ü <b>x</b> '.repeat(20_000)}</div>`,
    },
  ],
  ['several recipients', { ...base, to: ['bob@example.org', 'carol@example.net'] }],
];

describe('composeMime', () => {
  it.each(cases)('%s: byte for byte what nodemailer streams', async (_name, message) => {
    const root = new MailComposer(toMailOptions(message)).compile();
    const written = writeMime(root);
    const streamed = await root.build();
    expect(written.toString('latin1')).toBe(streamed.toString('latin1'));
  });

  it('covers each transfer encoding nodemailer chooses', () => {
    const encodings = cases.flatMap(([, message]) =>
      [
        ...composeMime(message)
          .raw.toString()
          .matchAll(/^Content-Transfer-Encoding: (\S+)/gm),
      ].map((m) => m[1]),
    );
    expect(new Set(encodings)).toEqual(new Set(['7bit', 'quoted-printable', 'base64']));
  });

  it('gives the envelope and the Message-ID of the message', () => {
    const mime = composeMime({ ...base, to: ['bob@example.org', 'Carol@Example.net'] });
    // nodemailer's envelope, as it would send it: the domain in lower case.
    expect(mime.envelope).toEqual({
      from: 'alice@postern.test',
      to: ['bob@example.org', 'Carol@example.net'],
    });
    expect(mime.messageId).toBe('<r-1@postern.test>');
    const text = mime.raw.toString();
    expect(text).toMatch(/^Message-ID: <r-1@postern\.test>\r$/m);
    expect(text).toMatch(/^MIME-Version: 1\.0\r$/m);
    expect(text).toMatch(/^Date: .+ \+0000\r$/m);
    expect(text).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(text.endsWith('\r\n')).toBe(true);
    // Without one, nodemailer makes a Message-ID and it is the one reported.
    const { messageId: _none, ...anonymous } = base;
    const made = composeMime(anonymous);
    expect(made.messageId).toMatch(/^<[^<>@\s]+@postern\.test>$/);
    expect(made.raw.toString()).toContain(`Message-ID: ${made.messageId}\r\n`);
  });

  it('refuses a message the checks refuse, before composing', () => {
    expect(() => composeMime({ ...base, subject: 'two\r\nBcc: eve@example.org' })).toThrow(MailInputError);
    expect(() => composeMime({ ...base, headers: { 'Content-Type': 'text/html' } })).toThrow(MailInputError);
  });
});
