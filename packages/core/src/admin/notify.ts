// `postern admin notify`: an operator notice (an incident, maintenance) mailed to the owners of every
// workspace or of one, through the system mail outbox (sealed, sent by the worker). Disabled accounts
// are left out; each address gets one message however many workspaces it owns. Audited once, with
// the subject, a digest of the body and the number of recipients (not the addresses).
import { createHash } from 'node:crypto';
import { execute } from '@postern/db';
import type { CoreContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { type Operator, recordInstanceAudit } from './audit.ts';
import { findWorkspace } from './lookup.ts';
import { operatorNotice } from './messages.ts';

export const NOTICE_SUBJECT_MAX = 150;
export const NOTICE_BODY_MAX = 20_000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
const CONTROL_IN_LINE = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters other than tab and newlines
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function checkNotice(subject: string, body: string) {
  const s = subject.trim();
  if (!s || s.length > NOTICE_SUBJECT_MAX || CONTROL_IN_LINE.test(s))
    throw new DomainError(
      'VALIDATION_FAILED',
      `--subject must be one line of 1 to ${NOTICE_SUBJECT_MAX} characters`,
    );
  const b = body.trim();
  if (!b) throw new DomainError('VALIDATION_FAILED', 'the body file is empty');
  if (b.length > NOTICE_BODY_MAX || CONTROL_IN_TEXT.test(b))
    throw new DomainError(
      'VALIDATION_FAILED',
      `the body must be plain text of at most ${NOTICE_BODY_MAX} characters, without control characters`,
    );
  return { subject: s, body: b };
}

/** The addresses the notice goes to: owners of every workspace, or of one; no disabled account. */
async function ownerAddresses(ctx: Pick<CoreContext, 'em'>, workspaceId: string | null): Promise<string[]> {
  const rows = await execute<{ email: string }[]>(
    ctx.em,
    `select distinct u.email from workspace_member m join app_user u on u.id = m.user_id
      where m.role = 'owner' and u.disabled_at is null ${workspaceId ? 'and m.workspace_id = ?' : ''}
      order by u.email`,
    workspaceId ? [workspaceId] : [],
  );
  return rows.map((row) => row.email);
}

export async function notifyOwners(
  ctx: Pick<CoreContext, 'em' | 'clock' | 'config' | 'sendMail'>,
  input: { workspaceId: string | null; subject: string; body: string },
  operator: Operator,
  options: { dryRun?: boolean } = {},
) {
  const notice = checkNotice(input.subject, input.body);
  const workspace = input.workspaceId ? await findWorkspace(ctx, input.workspaceId) : null;
  const recipients = await ownerAddresses(ctx, workspace?.id ?? null);
  if (options.dryRun) return { recipients: recipients.length, sent: 0 };
  // Every message is built first: one address the mail layer refuses stops the run before any is sent.
  const messages = recipients.map((to) => operatorNotice({ to, ...notice, publicUrl: ctx.config.publicUrl }));
  recordInstanceAudit(ctx.em, ctx.clock, {
    type: 'instance.owners_notified',
    operator,
    ...(workspace ? { target: { type: 'workspace', id: workspace.id } } : {}),
    metadata: {
      audience: workspace ? 'workspace' : 'all',
      subject: notice.subject,
      bodySha256: createHash('sha256').update(notice.body).digest('hex'),
      recipients: recipients.length,
    },
  });
  await ctx.em.flush();
  let sent = 0;
  try {
    for (const message of messages) {
      await ctx.sendMail(message);
      sent += 1;
    }
  } catch (error) {
    throw new DomainError(
      'UNAVAILABLE',
      `the mail outbox failed after ${sent} of ${messages.length} notice(s) were queued: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  return { recipients: recipients.length, sent };
}
