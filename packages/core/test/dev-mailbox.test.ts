// Parsing the development mailbox: real nodemailer output (quoted-printable, RFC 2047 subject) back
// to text, links whole, and HTML without anything active.
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { decodeWords, inertHtml, parseCapturedMail } from '../src/system-mail/dev-mailbox.ts';

async function eml(message: { subject: string; text: string; html: string }) {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail({
    from: 'Postern <no-reply@postern.localhost>',
    to: 'ada@example.test',
    ...message,
  });
  return (info.message as Buffer).toString('utf8');
}

describe('the development mailbox', () => {
  it('undoes quoted-printable and encoded words, keeping long links whole', async () => {
    const link = `https://postern.localhost/reset-password?token=${'x9_='.repeat(25)}`;
    const raw = await eml({
      subject: 'Réinitialiser — Postern',
      text: `Open ${link} within an hour. é`,
      html: `<p>Open <a href="${link}">the link</a> é</p>`,
    });
    expect(raw).toContain('=3D');
    const mail = parseCapturedMail('a.eml', raw);
    expect(mail.subject).toBe('Réinitialiser — Postern');
    expect(mail.to).toBe('ada@example.test');
    expect(mail.links).toEqual([link]);
    expect(mail.text).toBe(`Open ${link} within an hour. é`);
    expect(mail.html).toContain(`href="${link}"`);
  });

  it('removes scripts, frames, event handlers and javascript: links from the HTML', () => {
    const html = inertHtml(
      '<p onclick="steal()">Hi<script>alert(1)</script><iframe src="//x"></iframe>' +
        '<a href="javascript:alert(2)">x</a><img src=x onerror=alert(3)></p>',
    );
    expect(html).not.toMatch(/script|iframe|onclick|onerror|javascript:/i);
    expect(html).toContain('<p>Hi');
  });

  it('decodes B and Q encoded words', () => {
    expect(decodeWords('=?UTF-8?B?w6k=?= and =?UTF-8?Q?a_b?=')).toBe('é and a b');
  });
});
