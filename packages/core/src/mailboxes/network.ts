// Everything a mailbox operation needs to open a connection safely: the SSRF policy
// (MAILBOX_ALLOWED_HOSTS over webhooks' address classification), a guarded resolver handed to the
// mailer so every connection re-checks every address at that moment (DNS rebinding included), the
// extra trusted CAs, the timeout, the network budget per workspace, and the mapping of the mailer's
// failures to what the dashboard shows. Nothing here ever sees or returns a password in a message.
import type { LookupFunction } from 'node:net';
import { MAILBOX_FAILURE_TEXT, type MailboxFailure, type MailboxFailureInfo } from '@postern/contracts';
import {
  type ConnectOptions,
  type MailAuth,
  MailConnectionError,
  type MailEndpoint,
  MailInputError,
  testImap,
  testSmtp,
} from '@postern/mailer';
import type { Config } from '@postern/runtime';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { createGuardedLookup, createTargetPolicy, type TargetPolicy } from '../webhooks/targets.ts';

const HOW_TO_ALLOW =
  'Mail servers on private, loopback, link-local or metadata addresses are refused unless the deployment allows them (MAILBOX_ALLOWED_HOSTS).';

/** Network operations (connect, test, alias proof, DNS check) per workspace per window. */
export const MAILBOX_NETWORK_BUDGET = { attempts: 30, windowSeconds: 10 * 60 } as const;

const policies = new WeakMap<object, TargetPolicy>();
/** The policy of a Config (memoised per config object); plain-text/https rules do not apply to mail. */
export function mailboxTargetPolicy(config: Pick<Config, 'mailboxes'>): TargetPolicy {
  let policy = policies.get(config);
  if (!policy) {
    policy = createTargetPolicy({ allowedTargets: config.mailboxes.allowedHosts, production: false });
    policies.set(config, policy);
  }
  return policy;
}

/** Why the last resolution was refused, kept so the error can name the host and address. */
interface Refusals {
  last: string | null;
}

function lookupOnce(lookup: LookupFunction, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: false, family: 0 }, (error, address) => {
      if (error) reject(error);
      else resolve(address as string);
    });
  });
}

/**
 * The mailer's `resolve`: the webhook guard's lookup (the DNS servers of the validator config, its
 * timeout) refusing loopback, private, link-local and metadata targets unless MAILBOX_ALLOWED_HOSTS
 * lists them. The mailer connects to the address returned, so what was checked is what is reached.
 */
export function guardedResolver(
  config: Pick<Config, 'mailboxes' | 'validator'>,
  refusals: Refusals = { last: null },
): (host: string) => Promise<string> {
  const lookup = createGuardedLookup(mailboxTargetPolicy(config), {
    ...(config.validator.dnsServers ? { servers: config.validator.dnsServers } : {}),
    timeoutMs: config.validator.dnsTimeoutMs,
  });
  return async (host) => {
    try {
      return await lookupOnce(lookup, host);
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_WEBHOOK_TARGET_REFUSED')
        refusals.last = (error as Error).message;
      throw error;
    }
  };
}

/** What every mailer call of a mailbox operation receives. */
export function connectOptions(
  config: Pick<Config, 'mailboxes' | 'validator'>,
  refusals: Refusals = { last: null },
): ConnectOptions {
  return {
    resolve: guardedResolver(config, refusals),
    ...(config.mailboxes.tlsCa ? { ca: config.mailboxes.tlsCa } : {}),
    timeoutMs: config.mailboxes.connectTimeoutMs,
  };
}

/**
 * The save-time check of both hosts: a refused literal address, a name of this machine, a metadata
 * name, or a name resolving to a refused address is a VALIDATION_FAILED naming the field. (Names that
 * do not resolve pass here: the connection test reports them as host_not_found.)
 */
export async function checkMailHosts(
  config: Pick<Config, 'mailboxes' | 'validator'>,
  endpoints: { imap: MailEndpoint; smtp: MailEndpoint },
): Promise<void> {
  for (const protocol of ['smtp', 'imap'] as const) {
    const refusals: Refusals = { last: null };
    const resolve = guardedResolver(config, refusals);
    try {
      await resolve(endpoints[protocol].host);
    } catch {
      if (refusals.last) {
        const message = `${refusals.last}. ${HOW_TO_ALLOW}`;
        throw new DomainError('VALIDATION_FAILED', message, {
          field: `${protocol}.host`,
          mailboxFailure: { protocol, code: 'target_refused', message } satisfies MailboxFailureInfo,
        });
      }
    }
  }
}

/** A failure as stored and shown: the mailer's human sentence, never anything secret. */
export function failureInfo(
  error: unknown,
  protocol: 'smtp' | 'imap',
  refusals: Refusals,
  secret: string,
): MailboxFailureInfo {
  if (error instanceof MailConnectionError) {
    const code = error.code as MailboxFailure;
    let message =
      code === 'target_refused' && refusals.last ? `${refusals.last}. ${HOW_TO_ALLOW}` : error.message;
    // Belt and braces: a message that somehow carries the password is replaced by the fixed text.
    if (secret && message.includes(secret)) message = MAILBOX_FAILURE_TEXT[code];
    return { protocol: error.protocol, code, message: message.slice(0, 500) };
  }
  if (error instanceof MailInputError)
    throw new DomainError('VALIDATION_FAILED', error.message, { field: error.field });
  // Anything else is a bug of ours or the library's: shown as a protocol error, the cause not leaked.
  return { protocol, code: 'protocol_error', message: MAILBOX_FAILURE_TEXT.protocol_error };
}

export interface SideResult {
  ok: boolean;
  ms: number | null;
  failure: MailboxFailureInfo | null;
}

/** SMTP AUTH then QUIT, and IMAP LOGIN then SELECT INBOX, each through the guarded resolver. */
export async function testBoth(
  config: Pick<Config, 'mailboxes' | 'validator'>,
  endpoints: { imap: MailEndpoint; smtp: MailEndpoint },
  auth: MailAuth,
): Promise<{ smtp: SideResult; imap: SideResult | null }> {
  const secret = auth.kind === 'password' ? auth.pass : auth.accessToken;
  const side = async (protocol: 'smtp' | 'imap'): Promise<SideResult> => {
    const refusals: Refusals = { last: null };
    try {
      const test = protocol === 'smtp' ? testSmtp : testImap;
      const { ms } = await test(endpoints[protocol], auth, connectOptions(config, refusals));
      return { ok: true, ms: Math.round(ms), failure: null };
    } catch (error) {
      return { ok: false, ms: null, failure: failureInfo(error, protocol, refusals, secret) };
    }
  };
  const smtp = await side('smtp');
  // When SMTP already failed, IMAP is tried anyway: both answers help the person fixing the form.
  const imap = await side('imap');
  return { smtp, imap };
}

/**
 * Reserves one network operation of the workspace (connect, test, alias proof, DNS check) in the KV
 * store, or throws RATE_LIMITED with the wait: each one opens connections to hosts a member chose.
 */
export async function reserveMailboxNetwork(
  ctx: Pick<CoreContext, 'kv'>,
  workspaceId: string,
): Promise<void> {
  const key = `mailbox:net:${workspaceId}`;
  const count = await ctx.kv.incr(key, MAILBOX_NETWORK_BUDGET.windowSeconds);
  if (count > MAILBOX_NETWORK_BUDGET.attempts) {
    const wait = Math.max(1, await ctx.kv.ttl(key));
    throw new DomainError(
      'RATE_LIMITED',
      `Too many mailbox connection attempts in this workspace. Try again in ${Math.ceil(wait / 60)} minute(s).`,
      { retryAfterSeconds: wait },
    );
  }
}
