// The contacts of the workspace as a table: the address (opening the contact), the name, the lists
// with each subscription's status, when the contact was added; "Load more" below (keyset pages).
import { Link } from 'react-router';
import { Badge } from '../../components/badge.tsx';
import { NONE } from '../../components/detail-row.tsx';
import { ContactIcon } from '../../components/icons.tsx';
import { column, timeColumn, titleColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { KeysetTable } from '../../components/list-kit/keyset-table.tsx';
import { contactPath } from './contact-paths.ts';
import { STATUS_STYLES } from './contacts-model.ts';
import type { Contact, useContactsLog } from './use-contacts.ts';

function contactColumns(
  workspaceId: string,
  listNames: ReadonlyMap<string, string>,
  now: number,
): Column<Contact>[] {
  return [
    titleColumn(
      'Address',
      (contact) => (
        <Link
          to={contactPath(workspaceId, contact.id)}
          className="font-medium break-all text-indigo-700 hover:text-indigo-900 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {contact.email}
        </Link>
      ),
      { id: 'email', testId: 'contact-email' },
    ),
    column('Name', (contact) => contact.name ?? NONE, { className: 'text-slate-700' }),
    column(
      'Lists',
      (contact) =>
        contact.subscriptions.length ? (
          <ul className="flex flex-wrap gap-1.5">
            {contact.subscriptions.map((subscription) => {
              const style = STATUS_STYLES[subscription.status];
              return (
                <li key={subscription.listId}>
                  <Badge tone={style.tone} dot title={style.hint}>
                    {listNames.get(subscription.listId) ?? 'Deleted list'}: {style.label.toLowerCase()}
                  </Badge>
                </li>
              );
            })}
          </ul>
        ) : (
          <span className="text-slate-500">No lists</span>
        ),
      { from: 'md', testId: 'contact-lists' },
    ),
    timeColumn('Added', (contact) => contact.createdAt, now, { from: 'lg' }),
  ];
}

export function ContactsTable({
  workspaceId,
  log,
  listNames,
  onClearFilters,
  now,
  canAdd,
}: {
  workspaceId: string;
  log: ReturnType<typeof useContactsLog>;
  listNames: ReadonlyMap<string, string>;
  /** Set while filters hide rows: the empty list's way back to everything. */
  onClearFilters: (() => void) | undefined;
  now: number;
  canAdd: boolean;
}) {
  return (
    <KeysetTable
      log={log}
      rows={log.data?.pages.flatMap((page) => page.contacts) ?? []}
      state={{
        name: 'contacts',
        what: 'the contacts',
        skeleton: { rows: 5, cells: ['h-4 w-56', 'h-4 w-28', 'h-5 w-36 rounded-full', 'ml-auto h-4 w-20'] },
        empty: {
          accent: true,
          icon: ContactIcon,
          title: 'No contacts yet',
          filtered: onClearFilters
            ? {
                title: 'No contacts match these filters',
                hint: 'Try another search, list or status.',
                onClear: onClearFilters,
              }
            : undefined,
          children: (
            <>
              Contacts arrive when people sign up through a list’s form, when your servers add them with the
              API (<code className="font-mono text-xs">POST /v1/lists/:id/subscriptions</code>), when you
              import them with a declared basis, or
              {canAdd ? ' when you add them here.' : ' when a member adds them here.'} Each arrival is written
              to the contact’s consent record.
            </>
          ),
        },
      }}
      columns={contactColumns(workspaceId, listNames, now)}
      caption="Contacts of the workspace, newest first"
      rowData={(contact) => ({ 'data-contact-id': contact.id, 'data-email': contact.email })}
      words={{ noun: ['contact', 'contacts'], endText: 'all of them', buttonLabel: 'Load more contacts' }}
    />
  );
}
