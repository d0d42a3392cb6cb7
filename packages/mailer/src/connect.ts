// What every connection does before the first byte: validate the input, resolve the host through
// the caller's (SSRF-guarded) resolver to ONE address, and build TLS options that verify the
// certificate against the original host name while the socket goes to that address.
import { isIP } from 'node:net';
import {
  checkServerIdentity as checkIdentity,
  createSecureContext,
  rootCertificates,
  type SecureContext,
  type ConnectionOptions as TlsOptions,
} from 'node:tls';
import { errorCodes, MailConnectionError, MailInputError, type MailProtocol } from './errors.ts';
import { type ConnectOptions, DEFAULT_TIMEOUT_MS, type MailAuth, type MailEndpoint } from './types.ts';

export const LIMITS = { host: 253, user: 320, pass: 1024, accessToken: 8192, clientName: 253 } as const;

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;
/** Control characters and line breaks would let a value inject protocol commands or headers. */
export function hasControlCharacters(value: string, allowTab = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && !(allowTab && code === 0x09)) || code === 0x7f) return true;
  }
  return false;
}

function checkText(field: string, value: unknown, max: number, allowEmpty = false): void {
  if (typeof value !== 'string') throw new MailInputError(field, `${field} must be a string.`);
  if (!allowEmpty && value.length === 0) throw new MailInputError(field, `${field} must not be empty.`);
  if (value.length > max) throw new MailInputError(field, `${field} must be at most ${max} characters.`);
  if (hasControlCharacters(value))
    throw new MailInputError(field, `${field} must not contain control characters.`);
}

/** Refuses oversized or malformed fields before anything touches the network. */
export function validateEndpoint(endpoint: MailEndpoint): void {
  checkText('host', endpoint?.host, LIMITS.host);
  const bare = endpoint.host.replace(/^\[(.*)\]$/, '$1');
  if (!isIP(bare) && !HOST_NAME.test(endpoint.host)) {
    throw new MailInputError('host', 'host must be a host name (like smtp.example.com) or an IP address.');
  }
  if (!Number.isInteger(endpoint.port) || endpoint.port < 1 || endpoint.port > 65_535) {
    throw new MailInputError('port', 'port must be a whole number between 1 and 65535.');
  }
  if (endpoint.security !== 'tls' && endpoint.security !== 'starttls') {
    throw new MailInputError('security', "security must be 'tls' (implicit TLS) or 'starttls'.");
  }
}

export function validateAuth(auth: MailAuth): void {
  checkText('user', auth?.user, LIMITS.user);
  if (auth.kind === 'password') checkText('pass', auth.pass, LIMITS.pass);
  else if (auth.kind === 'xoauth2') checkText('accessToken', auth.accessToken, LIMITS.accessToken);
  else throw new MailInputError('auth', "auth.kind must be 'password' or 'xoauth2'.");
}

export function validateOptions(options: ConnectOptions): void {
  if (typeof options?.resolve !== 'function')
    throw new MailInputError('resolve', 'resolve must be a function.');
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new MailInputError('timeoutMs', 'timeoutMs must be a positive number.');
  }
  if (options.clientName !== undefined) checkText('clientName', options.clientName, LIMITS.clientName);
}

export const timeoutOf = (options: ConnectOptions) => options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

const NOT_FOUND = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_AGAIN', 'NXDOMAIN']);

/** The one address to connect to; refused or unknown hosts become typed errors before any connection. */
export async function resolveTarget(
  host: string,
  options: ConnectOptions,
  protocol: MailProtocol,
): Promise<string> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let address: unknown;
  try {
    address = await options.resolve(bare);
  } catch (error) {
    const code = errorCodes(error).some((c) => NOT_FOUND.has(c)) ? 'host_not_found' : 'target_refused';
    throw new MailConnectionError(code, protocol, { detail: errorCodes(error)[0], cause: error });
  }
  if (typeof address !== 'string' || !isIP(address)) {
    throw new MailConnectionError('target_refused', protocol, {
      detail: 'the resolver returned no IP address',
    });
  }
  return address;
}

/** The name the certificate must carry (and SNI sends); false for an IP literal host (no SNI). */
export function serverName(host: string): string | false {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) ? false : bare.replace(/\.$/, '');
}

/**
 * TLS contexts by trusted CA set. Building one parses every root certificate (~10 ms with the
 * system roots plus a caller's CA): a pooled sender opens a connection every 100 messages, so the
 * context is made once per CA set and shared (it holds only public certificates and the TLS floor).
 */
const contexts = new Map<string, SecureContext>();
const MAX_CONTEXTS = 64;

function secureContextFor(extra: readonly string[]): SecureContext {
  const key = extra.join('\n');
  let context = contexts.get(key);
  if (!context) {
    context = createSecureContext({
      minVersion: 'TLSv1.2',
      ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
    });
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value as string);
    contexts.set(key, context);
  }
  return context;
}

/**
 * TLS options: certificates always verified, TLS 1.2+, the system roots plus the caller's CAs (one
 * shared context per CA set). Node checks the certificate against `servername` when it is set, else
 * against the host we connect to; checkServerIdentity is pinned to the original host so the address
 * we dialled never counts.
 */
export function tlsOptions(host: string, options: ConnectOptions): TlsOptions {
  const name = serverName(host);
  const extra =
    options.ca === undefined ? [] : typeof options.ca === 'string' ? [options.ca] : [...options.ca];
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return {
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    secureContext: secureContextFor(extra),
    ...(name ? { servername: name } : {}),
    checkServerIdentity: (_hostname, cert) => checkIdentity(bare, cert),
  };
}

/**
 * Runs `run` within `ms`: when the time is up the promise rejects with a timeout, and every cleanup
 * registered through `onAbort` runs (closing sockets). A cleanup registered after the deadline runs at
 * once, so a step that finishes late (a slow resolver, then a connect) cannot go on in the background.
 */
export function withDeadline<T>(
  ms: number,
  protocol: MailProtocol,
  run: (onAbort: (cleanup: () => void) => void) => Promise<T>,
): Promise<T> {
  const cleanups: (() => void)[] = [];
  let aborted = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      aborted = true;
      for (const cleanup of cleanups) cleanup();
      reject(new MailConnectionError('timeout', protocol, { detail: `no result within ${ms} ms` }));
    }, ms);
  });
  const work = run((cleanup) => {
    if (aborted) {
      cleanup();
      throw new MailConnectionError('timeout', protocol, { detail: `no result within ${ms} ms` });
    }
    cleanups.push(cleanup);
  });
  work.catch(() => {}); // the deadline may win; the late rejection is then expected
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
