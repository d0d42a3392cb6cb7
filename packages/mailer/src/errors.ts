// Typed failures of the mailer. MailConnectionError is what a dashboard shows (a human sentence that
// never contains the password); MailInputError is bad input caught before any connection is made.
export type MailFailure =
  | 'auth_failed'
  | 'certificate_invalid'
  | 'host_not_found'
  | 'port_closed'
  | 'timeout'
  | 'no_tls'
  | 'target_refused'
  | 'protocol_error';

export type MailProtocol = 'smtp' | 'imap';

const PROTOCOL_NAME: Record<MailProtocol, string> = { smtp: 'SMTP', imap: 'IMAP' };

/** The dashboard sentence for each failure; `detail` (a server reply, never a credential) may follow. */
export function failureMessage(code: MailFailure, protocol: MailProtocol): string {
  const server = `The ${PROTOCOL_NAME[protocol]} server`;
  switch (code) {
    case 'auth_failed':
      return `${server} refused the user name or password. If the account uses 2-step verification, create an app password.`;
    case 'certificate_invalid':
      return `${server}'s TLS certificate is not valid for this host name or is not signed by a trusted authority.`;
    case 'host_not_found':
      return `${server}'s host name could not be found. Check the spelling of the host.`;
    case 'port_closed':
      return `${server} refused the connection on this port. Check the port number.`;
    case 'timeout':
      return `${server} did not answer in time. Check the host and port, or try again later.`;
    case 'no_tls':
      return `${server} does not offer TLS on this port; Postern never sends credentials without encryption. Use the implicit TLS port (465 for SMTP, 993 for IMAP) or a port that offers STARTTLS.`;
    case 'target_refused':
      return `${server}'s address is not allowed (private, loopback or otherwise blocked network).`;
    case 'protocol_error':
      return `${server} answered in an unexpected way. Check that the host and port are for ${PROTOCOL_NAME[protocol]}.`;
  }
}

export class MailConnectionError extends Error {
  readonly code: MailFailure;
  readonly protocol: MailProtocol;
  /** The server's reply or the system error code behind the failure, for logs (never a credential). */
  readonly detail: string | undefined;

  constructor(code: MailFailure, protocol: MailProtocol, options: { detail?: string; cause?: unknown } = {}) {
    super(failureMessage(code, protocol), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MailConnectionError';
    this.code = code;
    this.protocol = protocol;
    this.detail = options.detail;
  }
}

export const isMailConnectionError = (error: unknown): error is MailConnectionError =>
  error instanceof MailConnectionError;

/** Input refused before connecting (oversized or malformed field); maps to DomainError VALIDATION_FAILED. */
export class MailInputError extends Error {
  readonly code = 'VALIDATION_FAILED' as const;
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'MailInputError';
    this.field = field;
  }
}

const TLS_CERT_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'HOSTNAME_MISMATCH',
]);

/** The system / TLS error codes found on an error and its causes (libraries wrap and rename them). */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
    const e = current as { code?: unknown; originalCode?: unknown; _err?: unknown; cause?: unknown };
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.originalCode === 'string') codes.push(e.originalCode);
    current = e._err ?? e.cause;
  }
  return codes;
}

/** A failure any protocol shares: certificate, refused port, timeout, unreachable network. */
export function transportFailure(codes: string[]): MailFailure | null {
  if (codes.some((c) => TLS_CERT_CODES.has(c) || c.startsWith('ERR_TLS_CERT'))) return 'certificate_invalid';
  // Implicit TLS to a port that speaks plaintext first (587, 143): the server's greeting is no TLS record.
  if (codes.some((c) => c === 'ERR_SSL_WRONG_VERSION_NUMBER' || c === 'ERR_SSL_PACKET_LENGTH_TOO_LONG'))
    return 'no_tls';
  if (codes.some((c) => c === 'ECONNREFUSED')) return 'port_closed';
  // An unreachable network looks like a silent server to the user: same advice as a timeout.
  if (codes.some((c) => /TIMEOUT|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/.test(c))) return 'timeout';
  return null;
}
