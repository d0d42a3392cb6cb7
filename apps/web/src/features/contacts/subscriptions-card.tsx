// A contact's subscriptions, one per list: status, express or implied consent, when it was confirmed
// or ended; members unsubscribe it from one list here (recorded in the consent ledger, effective at
// once).
import { useMutation } from '@tanstack/react-query';
import { Badge } from '../../components/badge.tsx';
import { Card } from '../../components/card.tsx';
import { RowConfirmAction } from '../../components/confirm-action.tsx';
import { NONE } from '../../components/detail-row.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { NewspaperIcon } from '../../components/icons.tsx';
import { afterRowAction } from '../../components/list-kit/after-row-action.ts';
import { type Column, DataTable } from '../../components/list-kit/data-table.tsx';
import { ListNotice, RowButton } from '../../components/list-kit/row-button.tsx';
import { useRowConfirm } from '../../components/list-kit/use-row-confirm.ts';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { contactActionError, STATUS_STYLES } from './contacts-model.ts';
import { type Contact, useRefreshContacts } from './use-contacts.ts';

type Subscription = Contact['subscriptions'][number];

function columns(listNames: ReadonlyMap<string, string>): Column<Subscription>[] {
  return [
    {
      id: 'list',
      header: 'List',
      primary: true,
      className: 'font-medium text-slate-900',
      cell: (sub) => listNames.get(sub.listId) ?? 'A deleted list',
    },
    {
      id: 'status',
      header: 'Status',
      testId: 'subscription-status',
      cell: (sub) => {
        const style = STATUS_STYLES[sub.status];
        return (
          <span>
            <Badge tone={style.tone} dot title={style.hint}>
              {style.label}
            </Badge>
          </span>
        );
      },
    },
    {
      id: 'consent',
      header: 'Consent',
      className: 'text-slate-600',
      cell: (sub) => (sub.express ? 'Express' : 'Implied'),
    },
    {
      id: 'since',
      header: 'Since',
      from: 'md',
      className: 'whitespace-nowrap text-slate-600',
      cell: (sub) =>
        formatDateTime(
          sub.status === 'unsubscribed'
            ? (sub.unsubscribedAt ?? sub.updatedAt)
            : sub.status === 'active'
              ? (sub.confirmedAt ?? sub.createdAt)
              : sub.createdAt,
        ),
    },
    {
      id: 'confirmed',
      header: 'Confirmed',
      from: 'lg',
      className: 'whitespace-nowrap text-slate-600',
      cell: (sub) => (sub.confirmedAt ? formatDateTime(sub.confirmedAt) : NONE),
    },
  ];
}

export function SubscriptionsCard({
  workspaceId,
  contact,
  listNames,
  canWrite,
}: {
  workspaceId: string;
  contact: Contact;
  listNames: ReadonlyMap<string, string>;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const refresh = useRefreshContacts();
  const confirm = useRowConfirm<Subscription>();
  const refusal = useRefusal((error) => contactActionError(error, 'unsubscribe'));
  const unsubscribe = useMutation(
    trpc.contacts.lists.unsubscribe.mutationOptions({
      onSuccess: afterRowAction(
        confirm,
        refresh,
        (sub) =>
          `Unsubscribed from ${(sub && listNames.get(sub.listId)) ?? 'the list'}: it receives nothing from it from now on.`,
      ),
      onError: refusal.onError,
    }),
  );
  return (
    <Card
      id="subscriptions"
      testId="subscriptions-card"
      bodyClassName="p-0"
      title="Subscriptions"
      description="Only active subscriptions receive a list’s campaigns."
    >
      <ListNotice testId="subscriptions-notice">{confirm.notice}</ListNotice>
      {contact.subscriptions.length ? (
        <DataTable
          rows={contact.subscriptions}
          rowKey={(sub) => sub.listId}
          columns={columns(listNames)}
          caption={`Subscriptions of ${contact.email}`}
          testId="subscriptions-table"
          rowData={(sub) => ({ 'data-list-id': sub.listId, 'data-status': sub.status })}
          actions={(sub) =>
            canWrite && sub.status !== 'unsubscribed' ? (
              <RowButton
                testId="unsubscribe"
                label={`Unsubscribe from ${listNames.get(sub.listId) ?? 'this list'}`}
                onClick={() => {
                  unsubscribe.reset();
                  confirm.ask(sub);
                }}
              >
                Unsubscribe
              </RowButton>
            ) : null
          }
        />
      ) : (
        <EmptyState icon={NewspaperIcon} title="Not on any list" testId="subscriptions-empty">
          Subscribe a person through a list’s sign-up form, the API or “Add contact”.
        </EmptyState>
      )}
      <RowConfirmAction
        confirm={confirm}
        testId="unsubscribe-dialog"
        title="Unsubscribe from this list?"
        confirmLabel="Unsubscribe"
        busy={unsubscribe.isPending}
        problem={refusal.problem(unsubscribe)}
        onConfirm={(sub) => unsubscribe.mutate({ workspaceId, contactId: contact.id, listId: sub.listId })}
      >
        {(sub) => (
          <p>
            {contact.email} stops receiving{' '}
            <span className="font-medium text-slate-900">{listNames.get(sub.listId) ?? 'this list'}</span> at
            once. The unsubscription is recorded in the consent timeline; only the person can subscribe again.
          </p>
        )}
      </RowConfirmAction>
    </Card>
  );
}
