// The columns of the email accounts table: the address (a link to its page for those who may open
// it), provider, status, daily cap, last test and sender authentication. Viewers get the first three.
import { Link } from 'react-router';
import { Badge } from '../../components/badge.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { oauthProviderOf, PROVIDER_LABEL, senderAuthSummary } from './mailbox-model.ts';
import { mailboxPath } from './mailbox-paths.ts';
import { LastTest, MailboxStatusBadge } from './mailbox-status.tsx';
import { OAuthReconnectButton } from './oauth-connect.tsx';
import type { Mailbox } from './use-mailboxes.ts';

const NUMBER = new Intl.NumberFormat('en');

function Address({ mailbox, href }: { mailbox: Mailbox; href: string | undefined }) {
  const name = (
    <span className="font-medium text-slate-900 [overflow-wrap:anywhere]" data-testid="mailbox-address">
      {mailbox.email}
    </span>
  );
  return (
    <span className="block">
      {href ? (
        <Link
          to={href}
          className="rounded hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {name}
        </Link>
      ) : (
        name
      )}
      {mailbox.label ? <span className="block text-xs text-slate-500">{mailbox.label}</span> : null}
    </span>
  );
}

export function mailboxColumns({
  workspaceId,
  now,
  full,
  canManage = false,
}: {
  workspaceId: string;
  now: number;
  /** Owners and admins: "Reconnect" next to an OAuth mailbox the provider no longer accepts. */
  canManage?: boolean;
  /** Settings and health too (members and up); viewers see names and status only. */
  full: boolean;
}): Column<Mailbox>[] {
  const basic: Column<Mailbox>[] = [
    {
      id: 'email',
      header: 'Email account',
      primary: true,
      cell: (mailbox) => (
        <Address mailbox={mailbox} href={full ? mailboxPath(workspaceId, mailbox.id) : undefined} />
      ),
    },
    {
      id: 'provider',
      header: 'Provider',
      className: 'text-slate-600',
      testId: 'mailbox-provider',
      cell: (mailbox) => PROVIDER_LABEL[mailbox.provider],
    },
    {
      id: 'status',
      header: 'Status',
      cell: (mailbox) => {
        const provider = oauthProviderOf(mailbox.provider);
        return (
          <span className="flex flex-wrap items-center gap-2">
            <MailboxStatusBadge mailbox={mailbox} testId="mailbox-status" />
            {canManage && provider && mailbox.status === 'reconnect_required' ? (
              <OAuthReconnectButton workspaceId={workspaceId} provider={provider} />
            ) : null}
          </span>
        );
      },
    },
  ];
  if (!full) return basic;
  return [
    ...basic,
    {
      id: 'cap',
      header: 'Daily cap',
      align: 'right',
      from: 'md',
      testId: 'mailbox-cap',
      className: 'text-slate-700',
      cell: (mailbox) => NUMBER.format(mailbox.dailyCap),
    },
    {
      id: 'last-test',
      header: 'Last test',
      testId: 'mailbox-last-test',
      className: 'text-slate-600',
      title: (mailbox) => mailbox.lastTest?.failure?.message,
      cell: (mailbox) => <LastTest lastTest={mailbox.lastTest} now={now} />,
    },
    {
      id: 'sender-auth',
      header: 'Sender authentication',
      from: 'lg',
      testId: 'mailbox-sender-auth',
      cell: (mailbox) => {
        const summary = senderAuthSummary(mailbox.senderAuth);
        return (
          <span>
            <Badge tone={summary.tone}>{summary.text}</Badge>
          </span>
        );
      },
    },
  ];
}
