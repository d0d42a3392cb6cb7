// The mailer's public shapes: where to connect, how to log in, and what core passes in for every
// connection (the SSRF-guarded resolver, extra trusted CAs, the timeout). No plaintext mode exists.

export type MailSecurity = 'tls' | 'starttls'; // implicit TLS or STARTTLS
export interface MailEndpoint {
  host: string;
  port: number;
  security: MailSecurity;
}

export type MailAuth =
  | { kind: 'password'; user: string; pass: string }
  | { kind: 'xoauth2'; user: string; accessToken: string };

export interface ConnectOptions {
  /** Resolves `host` to the ONE address to connect to. Core passes an SSRF-guarded resolver (it throws
   *  to refuse a private/loopback target). The mailer connects to that address and verifies the TLS
   *  certificate against the original host name (SNI + hostname check): this defeats DNS rebinding.
   *  A thrown error whose `code` is ENOTFOUND, ENODATA, EAI_NONAME or EAI_AGAIN means host_not_found;
   *  any other thrown error means target_refused. */
  resolve: (host: string) => Promise<string>;
  /** Extra trusted CA certificates (PEM) besides the system ones (self-hosted servers, tests). */
  ca?: string | readonly string[] | undefined;
  /** Whole-operation timeout, default 15_000. */
  timeoutMs?: number;
  /** EHLO name, default 'postern'. */
  clientName?: string;
}

export interface OutboundMessage {
  from: { name?: string; address: string };
  to: string | string[];
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  messageId?: string;
}

export interface SmtpSendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response: string;
}

export interface SmtpSender {
  send(message: OutboundMessage): Promise<SmtpSendResult>;
  close(): void;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
