// IMAP: the connection test (connect, LOGIN or AUTHENTICATE XOAUTH2, SELECT INBOX, LOGOUT) and the
// alias proof's search. imapflow connects to the resolver's address with SNI and the certificate
// check on the host name; STARTTLS is required on a plain port; its logger stays off.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import {
  hasControlCharacters,
  resolveTarget,
  serverName,
  timeoutOf,
  tlsOptions,
  validateAuth,
  validateEndpoint,
  validateOptions,
  withDeadline,
} from './connect.ts';
import {
  errorCodes,
  isMailConnectionError,
  MailConnectionError,
  MailInputError,
  transportFailure,
} from './errors.ts';
import type { ConnectOptions, MailAuth, MailEndpoint } from './types.ts';

type ImapError = Error & {
  code?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
};

export function imapFailure(error: unknown): MailConnectionError {
  if (isMailConnectionError(error)) return error;
  const e = (error ?? {}) as ImapError;
  const codes = errorCodes(error);
  const detail = e.responseText ?? codes[0] ?? e.message;
  const transport = transportFailure(codes);
  const code =
    transport ??
    (e.tlsFailed
      ? 'no_tls'
      : e.authenticationFailed ||
          e.name === 'AuthenticationFailure' ||
          e.serverResponseCode === 'AUTHENTICATIONFAILED'
        ? 'auth_failed'
        : 'protocol_error');
  return new MailConnectionError(code, 'imap', { detail, cause: error });
}

function clientOptions(
  endpoint: MailEndpoint,
  auth: MailAuth,
  options: ConnectOptions,
  address: string,
): ImapFlowOptions {
  const timeout = timeoutOf(options);
  const name = serverName(endpoint.host);
  return {
    host: address,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    ...(endpoint.security === 'starttls' ? { doSTARTTLS: true } : {}),
    ...(name ? { servername: name } : {}),
    tls: tlsOptions(endpoint.host, options),
    auth:
      auth.kind === 'password'
        ? { user: auth.user, pass: auth.pass }
        : { user: auth.user, accessToken: auth.accessToken },
    logger: false,
    logRaw: false,
    emitLogs: false,
    disableAutoIdle: true,
    disableCompression: true,
    clientInfo: { name: options.clientName ?? 'postern' },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  };
}

/** Connects and logs in, runs `work`, logs out; any failure becomes a MailConnectionError. */
async function withClient<T>(
  endpoint: MailEndpoint,
  auth: MailAuth,
  options: ConnectOptions,
  work: (client: ImapFlow) => Promise<T>,
): Promise<T> {
  validateEndpoint(endpoint);
  validateAuth(auth);
  validateOptions(options);
  return withDeadline(timeoutOf(options), 'imap', async (onAbort) => {
    const address = await resolveTarget(endpoint.host, options, 'imap');
    const client = new ImapFlow(clientOptions(endpoint, auth, options, address));
    client.on('error', () => {}); // errors surface through the awaited calls below
    onAbort(() => client.close());
    try {
      await client.connect();
      const result = await work(client);
      await client.logout();
      return result;
    } catch (error) {
      client.close();
      throw imapFailure(error);
    }
  });
}

/** IMAP: connect, LOGIN (or AUTHENTICATE XOAUTH2), SELECT INBOX, LOGOUT. */
export async function testImap(
  endpoint: MailEndpoint,
  auth: MailAuth,
  options: ConnectOptions,
): Promise<{ ms: number; messages: number }> {
  const started = performance.now();
  const messages = await withClient(endpoint, auth, options, async (client) => {
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
    return mailbox.exists;
  });
  return { ms: Math.round(performance.now() - started), messages };
}

/** The Junk/Spam folder: the \Junk special-use flag, else a usual name. */
async function junkFolder(client: ImapFlow): Promise<string | null> {
  const list = await client.list();
  const flagged = list.find((box) => box.specialUse === '\\Junk');
  if (flagged) return flagged.path;
  const named = list.find((box) => /^(?:\[gmail\]\/)?(junk|spam|junk e-mail|bulk mail)$/i.test(box.path));
  return named?.path ?? null;
}

async function searchFolder(client: ImapFlow, path: string, needle: string, since: Date): Promise<boolean> {
  const lock = await client.getMailboxLock(path, { readOnly: true });
  try {
    // SEARCH SINCE has day resolution in the server's time zone: ask from the day before, then
    // filter on the exact arrival time (INTERNALDATE).
    const day = new Date(since.getTime() - 24 * 3600 * 1000);
    const uids = await client.search(
      { since: day, or: [{ subject: needle }, { body: needle }] },
      { uid: true },
    );
    if (!uids || uids.length === 0) return false;
    for await (const message of client.fetch(uids, { internalDate: true }, { uid: true })) {
      const received = message.internalDate ? new Date(message.internalDate) : null;
      if (received && received.getTime() >= since.getTime()) return true;
    }
    return false;
  } finally {
    lock.release();
  }
}

/** Searches INBOX (and, if present, the Junk/Spam folder) for a message received in the last
 *  `withinMinutes` whose subject or body contains `needle`; returns true when found. Alias proof. */
export async function findMessage(
  endpoint: MailEndpoint,
  auth: MailAuth,
  options: ConnectOptions,
  query: { needle: string; withinMinutes: number },
): Promise<boolean> {
  if (typeof query?.needle !== 'string' || query.needle.length < 4 || query.needle.length > 200) {
    throw new MailInputError('needle', 'needle must be between 4 and 200 characters.');
  }
  if (hasControlCharacters(query.needle))
    throw new MailInputError('needle', 'needle must not contain line breaks.');
  if (
    !Number.isFinite(query.withinMinutes) ||
    query.withinMinutes <= 0 ||
    query.withinMinutes > 7 * 24 * 60
  ) {
    throw new MailInputError(
      'withinMinutes',
      'withinMinutes must be a positive number of minutes, at most 7 days.',
    );
  }
  const since = new Date(Date.now() - query.withinMinutes * 60_000);
  return withClient(endpoint, auth, options, async (client) => {
    if (await searchFolder(client, 'INBOX', query.needle, since)) return true;
    const junk = await junkFolder(client);
    return (
      junk !== null &&
      junk.toUpperCase() !== 'INBOX' &&
      (await searchFolder(client, junk, query.needle, since))
    );
  });
}
