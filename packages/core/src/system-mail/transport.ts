// Where mail goes: an SMTP relay (SMTP_URL), or — in development, without SMTP_URL — RFC 822 `.eml`
// files in MAIL_DIR that any mail client opens. With neither, creating the transport fails at start-up
// rather than losing mail later.
//
// SMTP_URL forms:
//   smtps://user:pass@smtp.example.com:465          implicit TLS from the first byte (recommended)
//   smtp://user:pass@smtp.example.com:587?requireTLS=true
//                                                    STARTTLS demanded: the send fails when the server
//                                                    does not offer it, credentials never go in clear
//   smtp://127.0.0.1:1025                            opportunistic STARTTLS only: a local relay or a
//                                                    development catcher, never production
// Production should use smtps:// or smtp://…?requireTLS=true. Certificates are always verified.
// User and password are percent-decoded (encode `@`, `:` and `/` in them).
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SMTPTransportOptions } from 'nodemailer';
import type { MailMessage } from './messages.ts';

export interface MailTransportConfig {
  smtpUrl?: string | undefined;
  mailDir?: string | undefined;
  mailFrom: string;
  /** Connection, greeting, socket-inactivity and DNS timeouts of SMTP (default 15 s each). */
  timeoutMs?: number | undefined;
}

export interface MailTransport {
  /** `smtp` when sending through SMTP_URL, `file` when writing .eml files into MAIL_DIR. */
  readonly kind: 'smtp' | 'file';
  /** Sends one message; rejects on any failure (connection, TLS, authentication, refusal). */
  send(message: MailMessage, options?: { signal?: AbortSignal | undefined }): Promise<{ messageId: string }>;
  /** Checks that mail can be delivered: SMTP connection and login, or a writable MAIL_DIR. */
  verify(): Promise<void>;
  close(): void;
}

export const MAIL_NOT_CONFIGURED = 'mail is not configured: set SMTP_URL (or MAIL_DIR in development)';

const DEFAULT_TIMEOUT_MS = 15_000;

/** Query flags accepted on SMTP_URL; anything else is refused so a typo cannot silently weaken TLS. */
const SMTP_URL_FLAGS = new Set(['requireTLS']);

/** Translates SMTP_URL into nodemailer options, explicitly (nodemailer's own parser accepts any option). */
export function smtpOptionsFromUrl(smtpUrl: string, timeoutMs = DEFAULT_TIMEOUT_MS): SMTPTransportOptions {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error('SMTP_URL must be a URL like smtps://user:pass@smtp.example.com:465');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error('SMTP_URL must start with smtps:// (implicit TLS) or smtp:// (STARTTLS)');
  }
  if (!url.hostname) throw new Error('SMTP_URL must name a host');
  const secure = url.protocol === 'smtps:';

  let requireTLS = false;
  for (const [key, value] of url.searchParams) {
    if (!SMTP_URL_FLAGS.has(key)) {
      throw new Error(`SMTP_URL: unknown option "${key}" (supported: ${[...SMTP_URL_FLAGS].join(', ')})`);
    }
    if (value !== 'true' && value !== 'false') {
      throw new Error(`SMTP_URL: ${key} must be true or false`);
    }
    requireTLS = value === 'true';
  }

  const options: SMTPTransportOptions = {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    // smtps:// is TLS from the start; for smtp://, STARTTLS is used when offered, and required on demand.
    requireTLS: !secure && requireTLS,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' },
  };
  if (url.username || url.password) {
    options.auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
  }
  return options;
}

/** `2026-11-21T17-26-28-123Z-5f0c9a1b2d3e.eml`: sorts by time, unique, safe on every file system. */
function emlFileName(now: Date): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}.eml`;
}

/** The address of MAIL_FROM (`Name <address>` or a bare address). */
function fromAddress(mailFrom: string): string {
  return /<([^<>]+)>\s*$/.exec(mailFrom)?.[1] ?? mailFrom.trim();
}

/** Builds the transport from config (SMTP_URL first, then MAIL_DIR); throws when neither is set. */
export function createMailTransport(config: MailTransportConfig): MailTransport {
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const envelope = (message: MailMessage) => ({
    from: message.fromName
      ? { name: message.fromName, address: fromAddress(config.mailFrom) }
      : config.mailFrom,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
  });

  if (config.smtpUrl) {
    const transporter = nodemailer.createTransport(smtpOptionsFromUrl(config.smtpUrl, timeoutMs));
    return {
      kind: 'smtp',
      async send(message, options) {
        const info = await transporter.sendMail({ ...envelope(message), signal: options?.signal });
        if (info.rejected.length > 0) throw new Error(`SMTP server rejected the recipient: ${info.response}`);
        return { messageId: info.messageId };
      },
      async verify() {
        await transporter.verify();
      },
      close() {
        transporter.close();
      },
    };
  }

  if (config.mailDir) {
    const dir = config.mailDir;
    // CRLF line endings as RFC 5322 has them; the whole message is built in memory.
    const transporter = nodemailer.createTransport({
      streamTransport: true,
      buffer: true,
      newline: 'windows',
    });
    return {
      kind: 'file',
      async send(message, options) {
        const info = await transporter.sendMail({ ...envelope(message), signal: options?.signal });
        if (!Buffer.isBuffer(info.message)) throw new Error('mail file transport produced no message');
        // Messages carry single-use tokens: owner-only permissions.
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await writeFile(join(dir, emlFileName(new Date())), info.message, { mode: 0o600, flag: 'wx' });
        return { messageId: info.messageId };
      },
      async verify() {
        await mkdir(dir, { recursive: true, mode: 0o700 });
        await access(dir, constants.W_OK);
      },
      close() {
        transporter.close();
      },
    };
  }

  throw new Error(MAIL_NOT_CONFIGURED);
}
