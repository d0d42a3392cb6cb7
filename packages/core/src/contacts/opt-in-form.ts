// The public sign-up form's core (#30): what a list shows publicly, and one form post — subscribe
// through the gate (a suppressed address gets `unconfirmed`, a manually suppressed or refused one
// nothing), then, when the subscription waits for confirmation and the list-bombing limits allow, a
// single-use link and the confirmation email. The caller answers the same neutral page whatever the
// outcome, so the form tells nobody whether an address is known, suppressed or throttled.
import { SELF_SERVICE_METHODS } from '@postern/contracts';
import { type EntityManager, execute } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { claimConfirmationSend, issueOptInToken, renderConfirmationMail } from './opt-in.ts';
import { sendConfirmationMail } from './opt-in-send.ts';
import { uuidOrNull } from './shared.ts';
import { subscribe } from './subscribe.ts';

export interface PublicList {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  doubleOptIn: boolean;
  requiresExpressConsent: boolean;
  senderMailboxId: string | null;
  confirmationSubject: string | null;
  confirmationBody: string | null;
  consentText: { id: string; version: number; text: string } | null;
}

/** A list as the public pages see it, or null (unknown id). */
export async function publicList(em: EntityManager, listId: string): Promise<PublicList | null> {
  const [row] = await execute<
    {
      id: string;
      workspace_id: string;
      name: string;
      description: string | null;
      double_opt_in: boolean;
      requires_express_consent: boolean;
      sender_mailbox_id: string | null;
      confirmation_subject: string | null;
      confirmation_body: string | null;
      ctv_id: string | null;
      ctv_version: number | null;
      ctv_text: string | null;
    }[]
  >(
    em,
    `select l.id, l.workspace_id, l.name, l.description, l.double_opt_in, l.requires_express_consent,
            l.sender_mailbox_id, l.confirmation_subject, l.confirmation_body,
            v.id as ctv_id, v.version as ctv_version, v.text as ctv_text
       from contact_list l left join consent_text_version v on v.id = l.consent_text_version_id
      where l.id = ?`,
    [uuidOrNull(listId)],
  );
  if (!row) return null;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    doubleOptIn: row.double_opt_in,
    requiresExpressConsent: row.requires_express_consent,
    senderMailboxId: row.sender_mailbox_id,
    confirmationSubject: row.confirmation_subject,
    confirmationBody: row.confirmation_body,
    consentText:
      row.ctv_id && row.ctv_text !== null
        ? { id: row.ctv_id, version: row.ctv_version ?? 0, text: row.ctv_text }
        : null,
  };
}

export interface FormSubscription {
  email: string;
  name?: string | undefined;
  express: boolean;
  /** The consent text version the page showed (recorded in the ledger). */
  consentTextVersionId: string | null;
  method: 'hosted_form' | 'embedded_form';
  ip: string | null;
  userAgent: string | null;
}

/** What happened (for logs and tests; the page is the same for all). */
export type FormOutcome = 'sent' | 'throttled' | 'no_confirmation' | 'refused';

/**
 * One form post. Bad input (the address) throws VALIDATION_FAILED for the form to show; every other
 * outcome resolves. `confirmUrl(token)` builds the link of the email.
 */
export async function subscribeFromForm(
  ctx: CoreContext,
  list: PublicList,
  input: FormSubscription,
  confirmUrl: (token: string) => string,
  /** A mailbox send that failed (the transactional sender took over): for the log. */
  onSendFailure?: (error: unknown) => void,
): Promise<FormOutcome> {
  if (!SELF_SERVICE_METHODS.includes(input.method)) throw new DomainError('INTERNAL', 'not a form method');
  let result: Awaited<ReturnType<typeof subscribe>>;
  try {
    result = await subscribe(ctx, list.workspaceId, {
      listId: list.id,
      contact: { email: input.email, ...(input.name ? { name: input.name } : {}) },
      evidence: {
        method: input.method,
        ip: input.ip?.slice(0, 64) ?? null,
        userAgent: input.userAgent?.slice(0, 512) ?? null,
        consentTextVersionId: input.consentTextVersionId,
        express: input.express,
      },
    });
  } catch (error) {
    // A manual suppression (or another refusal of the gate): nothing stored, nothing sent, no hint.
    if (error instanceof DomainError && error.code === 'CONFLICT') return 'refused';
    throw error;
  }
  if (result.status !== 'unconfirmed') return 'no_confirmation';
  const allowed = await claimConfirmationSend(ctx.kv, ctx.config, result.contact.emailNormalized, list.id);
  if (!allowed) return 'throttled';
  const token = await issueOptInToken(ctx.em, ctx, {
    workspaceId: list.workspaceId,
    contactId: result.contact.id,
    listId: list.id,
  });
  await sendConfirmationMail(
    ctx,
    list,
    renderConfirmationMail({
      to: result.contact.email,
      listName: list.name,
      subject: list.confirmationSubject,
      body: list.confirmationBody,
      confirmUrl: confirmUrl(token),
    }),
    onSendFailure,
  );
  return 'sent';
}
