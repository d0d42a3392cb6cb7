// The connect form's state, checks and the API input it becomes (pure: testable). Only implicit TLS
// and STARTTLS exist: a plaintext mode is never offered, so a password can never cross the network in
// clear. Ports follow the chosen security until the person types one of their own.
import { MAILBOX_LIMITS, type MailboxSecurity } from '@postern/contracts';

export type MailSecurity = MailboxSecurity;
export type MailProtocol = 'imap' | 'smtp';

export const SECURITY_OPTIONS: ReadonlyArray<{ value: MailSecurity; label: string }> = [
  { value: 'tls', label: 'SSL/TLS (implicit)' },
  { value: 'starttls', label: 'STARTTLS' },
];

/** The usual ports: IMAP 993 (implicit TLS) or 143 (STARTTLS); SMTP submission 465 or 587. */
export const DEFAULT_PORTS: Record<MailProtocol, Record<MailSecurity, number>> = {
  imap: { tls: 993, starttls: 143 },
  smtp: { tls: 465, starttls: 587 },
};

/** Lengths the server accepts (host names by DNS, addresses by RFC 5321, passwords by the mailer). */
export const LIMITS = {
  host: MAILBOX_LIMITS.host,
  email: 254,
  username: MAILBOX_LIMITS.username,
  password: MAILBOX_LIMITS.password,
} as const;

export interface EndpointDraft {
  host: string;
  port: string;
  security: MailSecurity;
}

export interface ConnectDraft {
  email: string;
  imap: EndpointDraft;
  smtp: EndpointDraft;
  /** Empty: the email address is the user name (what most providers expect). */
  username: string;
  password: string;
}

export type ConnectField =
  | 'email'
  | 'imapHost'
  | 'imapPort'
  | 'imapSecurity'
  | 'smtpHost'
  | 'smtpPort'
  | 'smtpSecurity'
  | 'username'
  | 'password';

export type FieldErrors = Partial<Record<ConnectField, string>>;

export function emptyDraft(): ConnectDraft {
  return {
    email: '',
    imap: { host: '', port: String(DEFAULT_PORTS.imap.tls), security: 'tls' },
    smtp: { host: '', port: String(DEFAULT_PORTS.smtp.tls), security: 'tls' },
    username: '',
    password: '',
  };
}

/**
 * The endpoint with another security mode: the port follows it when it was empty or still the usual
 * port of the previous mode (a port the person typed is theirs and stays).
 */
export function withSecurity(
  protocol: MailProtocol,
  endpoint: EndpointDraft,
  security: MailSecurity,
): EndpointDraft {
  const usual = Object.values(DEFAULT_PORTS[protocol]).map(String);
  const port =
    endpoint.port.trim() === '' || usual.includes(endpoint.port.trim())
      ? String(DEFAULT_PORTS[protocol][security])
      : endpoint.port;
  return { ...endpoint, security, port };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// A DNS name or an IPv4/IPv6 literal; the server does the real checks (and refuses private targets).
const HOST =
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;
const IPV6 = /^\[?[0-9a-f:.]+\]?$/i;

export function emailProblem(value: string): string | undefined {
  const email = value.trim();
  if (!email) return 'Enter the email address of the mailbox.';
  if (email.length > LIMITS.email) return `An email address has at most ${LIMITS.email} characters.`;
  if (!EMAIL.test(email)) return 'Enter a full email address, such as anna@example.com.';
  return undefined;
}

export function hostProblem(value: string, protocol: MailProtocol): string | undefined {
  const host = value.trim();
  const name = protocol === 'imap' ? 'IMAP' : 'SMTP';
  if (!host) return `Enter the ${name} server, such as ${protocol}.example.com.`;
  if (host.length > LIMITS.host) return `A server name has at most ${LIMITS.host} characters.`;
  if (/^[a-z]+:\/\//i.test(host)) return 'Enter only the server name, without “imap://” or “https://”.';
  if (!HOST.test(host) && !(host.includes(':') && IPV6.test(host)))
    return 'Enter a server name (letters, digits, dots and hyphens) or an IP address.';
  return undefined;
}

export function portProblem(value: string): string | undefined {
  const port = value.trim();
  if (!port) return 'Enter the port.';
  if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
    return 'A port is a number from 1 to 65535.';
  return undefined;
}

/** The user name the server will receive: the one typed, else the email address. */
export function effectiveUsername(draft: Pick<ConnectDraft, 'email' | 'username'>): string {
  return draft.username.trim() || draft.email.trim();
}

/** What keeps the credentials part (user name, password) from being sent. */
export function credentialProblems(
  draft: Pick<ConnectDraft, 'email' | 'username' | 'password'>,
): FieldErrors {
  const errors: FieldErrors = {};
  if (effectiveUsername(draft).length > LIMITS.username)
    errors.username = `A user name has at most ${LIMITS.username} characters.`;
  if (!draft.password) errors.password = 'Enter the password (an app password is best: see above).';
  else if (draft.password.length > LIMITS.password)
    errors.password = `A password has at most ${LIMITS.password} characters.`;
  return errors;
}

/** What keeps the server part (hosts, ports) from being sent. */
export function endpointProblems(draft: Pick<ConnectDraft, 'imap' | 'smtp'>): FieldErrors {
  const errors: FieldErrors = {};
  for (const protocol of ['imap', 'smtp'] as const) {
    const host = hostProblem(draft[protocol].host, protocol);
    const port = portProblem(draft[protocol].port);
    if (host) errors[`${protocol}Host`] = host;
    if (port) errors[`${protocol}Port`] = port;
  }
  return errors;
}

/** Every problem of the form, by field (empty when it can be submitted). */
export function connectProblems(draft: ConnectDraft): FieldErrors {
  const email = emailProblem(draft.email);
  return {
    ...(email ? { email } : {}),
    ...endpointProblems(draft),
    ...credentialProblems(draft),
  };
}

/** The fields in the order they appear (the first with a problem gets the focus). */
export const FIELD_ORDER: readonly ConnectField[] = [
  'email',
  'imapHost',
  'imapPort',
  'imapSecurity',
  'smtpHost',
  'smtpPort',
  'smtpSecurity',
  'username',
  'password',
];

const FIELD_BY_PATH: Record<string, ConnectField> = {
  email: 'email',
  username: 'username',
  password: 'password',
  'imap.host': 'imapHost',
  'imap.port': 'imapPort',
  'imap.security': 'imapSecurity',
  'smtp.host': 'smtpHost',
  'smtp.port': 'smtpPort',
  'smtp.security': 'smtpSecurity',
};

/** The form field of a request path the server named (`smtp.host` → smtpHost). */
export function connectFieldOf(path: string | undefined): ConnectField | undefined {
  return path === undefined ? undefined : FIELD_BY_PATH[path];
}

export function firstProblem(errors: FieldErrors): ConnectField | undefined {
  return FIELD_ORDER.find((field) => errors[field]);
}

export interface EndpointInput {
  host: string;
  port: number;
  security: MailSecurity;
}

export function endpointInput(endpoint: EndpointDraft): EndpointInput {
  return { host: endpoint.host.trim(), port: Number(endpoint.port.trim()), security: endpoint.security };
}

/** The request of the connect form (the password exactly as typed: spaces can be part of it). */
export function connectInput(draft: ConnectDraft) {
  return {
    email: draft.email.trim(),
    imap: endpointInput(draft.imap),
    smtp: endpointInput(draft.smtp),
    username: effectiveUsername(draft),
    password: draft.password,
  };
}

/** A hint for the host fields: most providers name their servers imap.<domain> / smtp.<domain>. */
export function hostPlaceholder(protocol: MailProtocol, email: string): string {
  const domain = /@([^\s@]+\.[^\s@]+)$/.exec(email.trim())?.[1];
  return `${protocol}.${domain ?? 'example.com'}`;
}
