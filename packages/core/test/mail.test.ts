import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../src/crypto/keyring.ts';
import {
  createMailTransport,
  MAIL_NOT_CONFIGURED,
  MAIL_SEAL_CONTEXT,
  type MailMessage,
  newDeviceSignInNotice,
  openMessage,
  passwordChangedNotice,
  passwordResetMessage,
  recoveryCodeUsedNotice,
  sealMessage,
  signUpAttemptNotice,
  smtpOptionsFromUrl,
  twoFactorChangedNotice,
  verifyEmailMessage,
} from '../src/system-mail/index.ts';

const keyring = createKeyring([{ id: 'k1', key: randomBytes(32) }]);
const TOKEN = 'tok_Zx81qPq0s3cr3tT0k3nV4lu3';
const LINK = `https://postern.example.com/verify-email?token=${TOKEN}`;
const SCRIPT = '<script>alert(1)</script>';

/** Every builder, with hostile values wherever the caller supplies text. */
function hostileMessages(): MailMessage[] {
  const to = `"${SCRIPT}"@example.com`;
  const link = `https://postern.example.com/x?token=${TOKEN}&next=${SCRIPT}"><img src=x onerror=alert(2)>'x='`;
  return [
    verifyEmailMessage({ to, link }),
    passwordResetMessage({ to, link, expiresInMinutes: 30 }),
    passwordChangedNotice({ to, when: new Date('2026-11-21T17:26:00Z'), ip: `203.0.113.9${SCRIPT}` }),
    twoFactorChangedNotice({ to, enabled: true }),
    twoFactorChangedNotice({ to, enabled: false }),
    signUpAttemptNotice({ to, when: new Date('2026-11-21T17:26:00Z'), ip: `203.0.113.9${SCRIPT}` }),
    newDeviceSignInNotice({
      to,
      when: new Date('2026-11-21T17:26:00Z'),
      device: `Firefox ${SCRIPT} on Windows (desktop)`,
      location: `Paris${SCRIPT}`,
      ip: `203.0.113.9${SCRIPT}`,
    }),
    recoveryCodeUsedNotice({ to, when: new Date('2026-11-21T17:26:00Z'), remaining: 1, ip: SCRIPT }),
  ];
}

describe('message builders', () => {
  it('escape every interpolated value in the HTML part', () => {
    for (const message of hostileMessages()) {
      expect(message.html).not.toContain('<script');
      expect(message.html).not.toContain('<img');
      expect(message.html).not.toContain('onerror=alert(2)>');
      // Attribute values stay closed: no attribute beyond the layout's own (href, style, lang, charset).
      const attributes = new Set([...message.html.matchAll(/\s([a-z-]+)=["']/gi)].map((m) => m[1]));
      for (const name of attributes) expect(['href', 'style', 'lang', 'charset']).toContain(name);
      // The escaped form is there instead (the value was shown, not dropped).
      expect(message.html).toContain('&#60;script&#62;');
      // The only tags are the layout's own.
      const tags = new Set([...message.html.matchAll(/<\/?([a-z!]+)/gi)].map((m) => m[1]?.toLowerCase()));
      for (const tag of tags)
        expect([
          '!doctype',
          'html',
          'head',
          'meta',
          'title',
          'body',
          'div',
          'p',
          'a',
          'br',
          'span',
          'hr',
        ]).toContain(tag);
    }
  });

  it('put the link in both parts, escaped in HTML and verbatim in text', () => {
    const message = verifyEmailMessage({ to: 'ana@example.com', link: `${LINK}&a=1` });
    expect(message).toMatchObject({
      to: 'ana@example.com',
      subject: 'Confirm your email address for Postern',
    });
    expect(message.text).toContain(`${LINK}&a=1`);
    expect(message.html).toContain(`href="${LINK}&#38;a=1"`);
    expect(message.text).toMatch(/You received this email because/);
    expect(message.html).toMatch(/You received this email because/);
  });

  it('say when a reset link expires and send security notices without any link', () => {
    expect(passwordResetMessage({ to: 'a@example.com', link: LINK, expiresInMinutes: 60 }).text).toContain(
      'expires in 60 minutes',
    );
    const changed = passwordChangedNotice({
      to: 'a@example.com',
      when: new Date('2026-11-21T17:26:40Z'),
      ip: '203.0.113.9',
    });
    expect(changed.text).toContain('2026-11-21 17:26 UTC from the IP address 203.0.113.9');
    const withoutIp = passwordChangedNotice({ to: 'a@example.com', when: new Date('2026-11-21T17:26:40Z') });
    expect(withoutIp.text).not.toContain('IP address');
    for (const notice of [
      changed,
      withoutIp,
      twoFactorChangedNotice({ to: 'a@example.com', enabled: true }),
      newDeviceSignInNotice({
        to: 'a@example.com',
        when: new Date(),
        device: 'Firefox 128 on Linux (desktop)',
      }),
      recoveryCodeUsedNotice({ to: 'a@example.com', when: new Date(), remaining: 0 }),
    ]) {
      expect(notice.html).not.toMatch(/<a |href=|https?:/);
      expect(notice.text).not.toMatch(/https?:/);
      expect(notice.text).toContain('security notice');
    }
    expect(twoFactorChangedNotice({ to: 'a@example.com', enabled: false }).subject).toMatch(/turned off/);
  });

  it('refuse links that are not http(s) and recipients that could add headers or recipients', () => {
    expect(() => verifyEmailMessage({ to: 'a@example.com', link: 'javascript:alert(1)' })).toThrow(/http/);
    expect(() => verifyEmailMessage({ to: 'a@example.com', link: '/relative' })).toThrow(/absolute/);
    expect(() => verifyEmailMessage({ to: 'a@example.com\r\nBcc: x@evil.test', link: LINK })).toThrow(
      /recipient/,
    );
    expect(() => verifyEmailMessage({ to: 'a@example.com, b@example.com', link: LINK })).toThrow(/recipient/);
    expect(() => passwordResetMessage({ to: 'a@example.com', link: LINK, expiresInMinutes: 0 })).toThrow();
  });
});

describe('sealed outbox', () => {
  const message = verifyEmailMessage({ to: 'ana@example.com', link: LINK });

  it('keeps the token, link and address out of the sealed payload and round-trips', () => {
    const sealed = sealMessage(keyring, message);
    for (const secret of [TOKEN, LINK, 'ana@example.com', 'Confirm your email'])
      expect(sealed).not.toContain(secret);
    expect(Buffer.from(sealed).toString('latin1')).not.toContain(TOKEN);
    expect(openMessage(keyring, sealed)).toEqual(message);
    // A fresh IV each time: two seals of one message differ.
    expect(sealMessage(keyring, message)).not.toBe(sealed);
  });

  it('binds the ciphertext to the mail context and to the keyring', () => {
    const sealed = sealMessage(keyring, message);
    expect(keyring.decryptString(sealed, MAIL_SEAL_CONTEXT)).toContain(TOKEN);
    expect(() => keyring.decryptString(sealed, 'users:1:totp_secret')).toThrow();
    const otherKeyring = createKeyring([{ id: 'k1', key: randomBytes(32) }]);
    expect(() => openMessage(otherKeyring, sealed)).toThrow();
    // Something sealed for another purpose does not open as mail.
    expect(() => openMessage(keyring, keyring.encrypt(JSON.stringify(message), 'users:1:email'))).toThrow();
    // A well-sealed non-message is refused too.
    expect(() => openMessage(keyring, keyring.encrypt('{"to":"a@example.com"}', MAIL_SEAL_CONTEXT))).toThrow(
      /valid message/,
    );
  });
});

describe('mail transport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'postern-mail-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an RFC 822 .eml file into MAIL_DIR (creating it) when SMTP_URL is unset', async () => {
    const mailDir = join(dir, 'nested', 'mail');
    const transport = createMailTransport({ mailDir, mailFrom: 'Postern <no-reply@postern.test>' });
    expect(transport.kind).toBe('file');
    await transport.verify();
    const message = verifyEmailMessage({ to: 'ana@example.com', link: LINK });
    const { messageId } = await transport.send(message);
    transport.close();
    expect(messageId).toMatch(/^<.+@.+>$/);

    const files = await readdir(mailDir);
    expect(files).toHaveLength(1);
    const file = files[0] as string;
    expect(file).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{12}\.eml$/);
    expect((await stat(join(mailDir, file))).mode & 0o077).toBe(0);

    // Parse it: headers, a blank line, then a multipart/alternative body with both parts.
    const raw = await readFile(join(mailDir, file), 'utf8');
    const split = raw.indexOf('\r\n\r\n');
    expect(split).toBeGreaterThan(0);
    const headers = new Map<string, string>();
    for (const line of raw
      .slice(0, split)
      .replace(/\r\n[ \t]+/g, ' ')
      .split('\r\n')) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    expect(headers.get('from')).toBe('Postern <no-reply@postern.test>');
    expect(headers.get('to')).toBe('ana@example.com');
    expect(headers.get('subject')).toBe(message.subject);
    expect(headers.get('message-id')).toBe(messageId);
    expect(headers.get('mime-version')).toBe('1.0');
    expect(Number.isNaN(Date.parse(headers.get('date') ?? ''))).toBe(false);
    const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
    expect(headers.get('content-type')).toMatch(/^multipart\/alternative/);
    expect(boundary).toBeTruthy();
    const parts = raw.slice(split + 4).split(`--${boundary}`);
    const plain = parts.find((part) => /content-type: text\/plain/i.test(part)) ?? '';
    const html = parts.find((part) => /content-type: text\/html/i.test(part)) ?? '';
    const decode = (part: string) => {
      const body = part.slice(part.indexOf('\r\n\r\n') + 4);
      return /quoted-printable/i.test(part)
        ? body
            .replace(/=\r\n/g, '')
            .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)))
        : body;
    };
    expect(decode(plain)).toContain(LINK);
    expect(decode(html)).toContain(`href="${LINK}"`);
  });

  it("writes a message's own display name with MAIL_FROM's address, sealed and opened with it", async () => {
    const mailDir = join(dir, 'named');
    const transport = createMailTransport({ mailDir, mailFrom: 'Postern <no-reply@postern.test>' });
    const message = {
      ...twoFactorChangedNotice({ to: 'ana@example.com', enabled: true }),
      fromName: 'Garden Club',
    };
    expect(openMessage(keyring, sealMessage(keyring, message))).toEqual(message);
    await transport.send(message);
    const [file] = await readdir(mailDir);
    const raw = await readFile(join(mailDir, file ?? ''), 'utf8');
    expect(raw).toMatch(/^From: Garden Club <no-reply@postern\.test>\r$/m);
  });

  it('names each file uniquely', async () => {
    const mailDir = join(dir, 'many');
    const transport = createMailTransport({ mailDir, mailFrom: 'no-reply@postern.test' });
    const message = twoFactorChangedNotice({ to: 'ana@example.com', enabled: true });
    await Promise.all([transport.send(message), transport.send(message), transport.send(message)]);
    expect(await readdir(mailDir)).toHaveLength(3);
  });

  it('fails clearly when neither SMTP_URL nor MAIL_DIR is set', () => {
    expect(() => createMailTransport({ mailFrom: 'no-reply@postern.test' })).toThrow(MAIL_NOT_CONFIGURED);
    expect(MAIL_NOT_CONFIGURED).toBe('mail is not configured: set SMTP_URL (or MAIL_DIR in development)');
  });

  it('prefers SMTP_URL over MAIL_DIR', () => {
    const transport = createMailTransport({
      smtpUrl: 'smtps://smtp.example.com',
      mailDir: dir,
      mailFrom: 'a@b.c',
    });
    expect(transport.kind).toBe('smtp');
    transport.close();
  });

  it('reads SMTP_URL explicitly: implicit TLS, STARTTLS on demand, decoded credentials, timeouts', () => {
    expect(smtpOptionsFromUrl('smtps://u%40x:p%3Ass@smtp.example.com')).toMatchObject({
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      requireTLS: false,
      auth: { user: 'u@x', pass: 'p:ss' },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 15_000,
      tls: { rejectUnauthorized: true },
    });
    expect(smtpOptionsFromUrl('smtp://smtp.example.com:2525?requireTLS=true')).toMatchObject({
      port: 2525,
      secure: false,
      requireTLS: true,
    });
    expect(smtpOptionsFromUrl('smtp://127.0.0.1:1025', 500)).toMatchObject({
      requireTLS: false,
      socketTimeout: 500,
    });
    expect(smtpOptionsFromUrl('smtp://127.0.0.1:1025').auth).toBeUndefined();
    expect(() => smtpOptionsFromUrl('smtp://h?tls.rejectUnauthorized=false')).toThrow(/unknown option/);
    expect(() => smtpOptionsFromUrl('smtp://h?requireTLS=yes')).toThrow(/true or false/);
    expect(() => smtpOptionsFromUrl('http://h')).toThrow(/smtps:\/\//);
  });
});
