// Every minute: renews the access tokens of OAuth mailboxes (Gmail, Outlook) that expire within
// OAUTH_REFRESH_WINDOW_SECONDS (core/mailboxes/oauth/refresh.ts). Rows are claimed with a lease over
// FOR UPDATE SKIP LOCKED, so any number of worker processes refresh each token once.
import { QUEUES } from '@postern/contracts';
import { refreshDueMailboxTokens } from '@postern/core';
import { defineJob } from '../job.ts';

export const mailboxOAuthRefreshJob = defineJob(QUEUES.mailboxOAuthRefresh, async (_payload, ctx) => {
  if (!ctx.core) return { skipped: 'no core services' };
  const summary = await refreshDueMailboxTokens(ctx.core);
  if (summary.operatorErrors.length)
    ctx.logger.error(
      { operatorErrors: summary.operatorErrors },
      "mailbox OAuth refresh: the provider refused Postern's OAuth client (check OAUTH_*_CLIENT_ID/_SECRET)",
    );
  if (summary.reconnectRequired || summary.deferred)
    ctx.logger.warn(summary, 'mailbox OAuth refresh: some mailboxes need a reconnect or were deferred');
  return summary;
});
