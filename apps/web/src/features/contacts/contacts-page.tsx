// The workspace's contacts: search by address or name, filter by list and subscription status (kept
// in the URL), newest first with "Load more" (keyset pages); add one by hand (members and up). A
// contact's page holds its subscriptions and consent timeline.
import { useMemo, useState } from 'react';
import { useLocation } from 'react-router';
import { Notice } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { PlusIcon } from '../../components/icons.tsx';
import { Refreshing } from '../../components/list-kit/query-state.tsx';
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useNow } from '../../lib/use-now.ts';
import { useUrlFilters } from '../../lib/use-url-filters.ts';
import { listNames, useListsQuery } from '../lists/use-lists.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { AddContactDialog, addedNotice } from './add-contact-dialog.tsx';
import { ContactFilterBar } from './contact-filter-bar.tsx';
import { CONTACT_FILTERS_CODEC, contactsInput, isFiltered, NO_FILTERS } from './contact-filters.ts';
import { ContactsTable } from './contacts-table.tsx';
import { useContactsLog, useRefreshContacts } from './use-contacts.ts';

/** A contact erased on its page comes back here with what happened. */
function returnNotice(state: unknown): string | undefined {
  const value = (state as Record<string, unknown> | null)?.notice;
  return typeof value === 'string' ? value : undefined;
}

export function ContactsPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Contacts · ${workspace.name}`);
  const location = useLocation();
  const now = useNow(30_000);
  const [filters, setFilters] = useUrlFilters(CONTACT_FILTERS_CODEC);
  const input = useMemo(() => contactsInput(workspace.id, filters), [workspace.id, filters]);
  const log = useContactsLog(input);
  const lists = useListsQuery(workspace.id);
  const refresh = useRefreshContacts();
  const names = useMemo(() => listNames(lists.data?.lists), [lists.data]);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(() => returnNotice(location.state));
  const canAdd = can('contacts.write');
  const filtered = isFiltered(filters);

  return (
    <Page
      testId="contacts-page"
      title="Contacts"
      description={
        <>
          The people <span className="font-medium text-slate-700">{workspace.name}</span> may write to, with
          the evidence of how each one consented.
        </>
      }
      actions={
        canAdd ? (
          <Button
            data-testid="add-contact"
            onClick={() => {
              setNotice(undefined);
              setAdding(true);
            }}
          >
            <PlusIcon className="size-4" />
            Add contact
          </Button>
        ) : undefined
      }
    >
      <Notice testId="contacts-notice">{notice}</Notice>
      <Card
        id="contacts"
        testId="contacts-card"
        bodyClassName="p-0"
        title="All contacts"
        description={filtered ? 'Filtered view.' : 'Newest first.'}
        actions={<Refreshing query={log} />}
      >
        <ContactFilterBar filters={filters} onChange={setFilters} lists={lists.data?.lists ?? []} />
        <ContactsTable
          workspaceId={workspace.id}
          log={log}
          listNames={names}
          onClearFilters={filtered ? () => setFilters(NO_FILTERS) : undefined}
          now={now}
          canAdd={canAdd}
        />
      </Card>
      {canAdd ? (
        <AddContactDialog
          open={adding}
          lists={lists.data?.lists ?? []}
          onClose={() => setAdding(false)}
          onAdded={(added) => {
            setNotice(addedNotice(added));
            void refresh();
          }}
        />
      ) : null}
    </Page>
  );
}
