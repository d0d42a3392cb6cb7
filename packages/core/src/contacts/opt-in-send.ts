// Who sends a confirmation email (#30): the list's sender mailbox when it has one that can send
// (mailboxCanSend; password mailboxes — OAuth ones wait for the campaign sender's token handling),
// through the mailer, so the person sees who they subscribe to; otherwise the instance's transactional
// sender (the sealed email queue). The mailbox send runs after the form has answered: a slow or
// failing mail server neither holds the page nor shows in its timing (which would tell a sent
// confirmation from a throttled one); when it fails, the transactional sender takes over.
import { Mailbox } from '@postern/db';
import { createSmtpSender } from '@postern/mailer';
import type { CoreContext } from '../context.ts';
import { storedEndpoints, usablePassword } from '../mailboxes/connect.ts';
import { connectOptions } from '../mailboxes/network.ts';
import { mailboxCanSend } from '../mailboxes/view.ts';
import type { MailMessage } from '../system-mail/messages.ts';

/** Mailbox sends still running (tests and shutdown wait for them: `await settleConfirmationSends()`). */
const running = new Set<Promise<void>>();

export async function settleConfirmationSends(): Promise<void> {
  while (running.size) await Promise.allSettled([...running]);
}

export type ConfirmationSender = 'mailbox' | 'system';

export async function sendConfirmationMail(
  ctx: Pick<CoreContext, 'em' | 'keyring' | 'config' | 'sendMail'>,
  list: { workspaceId: string; name: string; senderMailboxId: string | null },
  message: MailMessage,
  onFailure: (error: unknown) => void = () => {},
): Promise<ConfirmationSender> {
  const mailbox = list.senderMailboxId
    ? await ctx.em.fork().findOne(Mailbox, { id: list.senderMailboxId, workspace: list.workspaceId })
    : null;
  if (mailbox?.provider !== 'imap' || !mailboxCanSend(mailbox)) {
    await ctx.sendMail(message);
    return 'system';
  }
  const pass = usablePassword(ctx, mailbox);
  const task = (async () => {
    const sender = createSmtpSender(
      storedEndpoints(mailbox).smtp,
      { kind: 'password', user: mailbox.username, pass },
      { ...connectOptions(ctx.config), pool: false },
    );
    try {
      await sender.send({
        from: { address: mailbox.fromAddress, name: (mailbox.fromName ?? list.name).slice(0, 100) },
        to: message.to,
        ...(mailbox.replyTo ? { replyTo: mailbox.replyTo } : {}),
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
    } catch (error) {
      onFailure(error);
      await ctx.sendMail(message);
    } finally {
      sender.close();
    }
  })().catch(onFailure);
  running.add(task);
  void task.finally(() => running.delete(task));
  return 'mailbox';
}
