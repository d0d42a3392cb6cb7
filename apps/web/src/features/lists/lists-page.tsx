// The workspace's lists (newsletters): what each is, whether it asks for double opt-in and express
// consent, how many subscribe, its current consent text version; owners and admins create and edit
// lists; everyone may read a list's consent text history. A list's name opens its page (settings, sign-up
// form, confirmation email, import).
import { useState } from 'react';
import { Link } from 'react-router';
import { Notice } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { NewspaperIcon, PlusIcon } from '../../components/icons.tsx';
import { column, titleColumn } from '../../components/list-kit/columns.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { ListTable } from '../../components/list-kit/list-table.tsx';
import { RowButton } from '../../components/list-kit/row-button.tsx';
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { contactsPath } from '../contacts/contact-paths.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { ConsentVersionsDrawer } from './consent-versions.tsx';
import { ListDialog } from './list-dialog.tsx';
import { listPath } from './list-paths.ts';
import { countsText, shortHash } from './lists-model.ts';
import { type ContactList, useListsQuery, useRefreshLists } from './use-lists.ts';

function listColumns(workspaceId: string): Column<ContactList>[] {
  return [
    titleColumn('List', (list) => (
      <>
        <Link
          to={listPath(workspaceId, list.id)}
          className="block font-medium text-slate-900 hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
          data-testid="list-row-name"
        >
          {list.name}
        </Link>
        {list.description ? <span className="mt-0.5 block text-slate-500">{list.description}</span> : null}
      </>
    )),
    column(
      'Consent',
      (list) => (
        <span className="flex flex-wrap gap-1.5">
          <Badge tone={list.doubleOptIn ? 'emerald' : 'slate'} testId="list-double-opt-in-badge">
            {list.doubleOptIn ? 'Double opt-in' : 'Single opt-in'}
          </Badge>
          {list.requiresExpressConsent ? <Badge tone="violet">Express consent (CASL)</Badge> : null}
        </span>
      ),
      { id: 'rules' },
    ),
    column(
      'Subscribers',
      (list) => (
        <Link
          to={`${contactsPath(workspaceId)}?list=${encodeURIComponent(list.id)}`}
          className="text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
          aria-label={`Contacts of ${list.name}: ${countsText(list.counts)}`}
        >
          {countsText(list.counts)}
        </Link>
      ),
      { testId: 'list-counts', className: 'text-slate-700' },
    ),
    column(
      'Consent text',
      (list) =>
        list.consentText ? (
          <span title={list.consentText.sha256}>
            Version {list.consentText.version}{' '}
            <code className="font-mono text-xs text-slate-500">{shortHash(list.consentText.sha256)}</code>
          </span>
        ) : (
          <span className="text-slate-500">None yet</span>
        ),
      { from: 'lg', testId: 'list-consent-version', className: 'text-slate-600' },
    ),
  ];
}

export function ListsPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`Lists · ${workspace.name}`);
  const lists = useListsQuery(workspace.id);
  const refresh = useRefreshLists();
  const canManage = can('lists.manage');
  const [editing, setEditing] = useState<{ list: ContactList | undefined }>();
  const [history, setHistory] = useState<ContactList>();
  const [notice, setNotice] = useState<string>();
  const rows = lists.data?.lists ?? [];

  const createButton = (
    <Button
      data-testid="create-list"
      onClick={() => {
        setNotice(undefined);
        setEditing({ list: undefined });
      }}
    >
      <PlusIcon className="size-4" />
      Create list
    </Button>
  );

  return (
    <Page
      testId="lists-page"
      title="Lists"
      description="The newsletters people subscribe to, with the consent they are asked for."
      actions={canManage && rows.length ? createButton : undefined}
    >
      <Notice testId="lists-notice">{notice}</Notice>
      <Card id="lists" testId="lists-card" bodyClassName="p-0" title="All lists">
        <ListTable
          state={{
            query: lists,
            name: 'lists',
            what: 'the lists',
            skeleton: {
              rows: 2,
              cells: ['h-4 w-48', 'h-5 w-28 rounded-full', 'h-4 w-32', 'ml-auto h-4 w-24'],
            },
            empty: {
              accent: true,
              icon: NewspaperIcon,
              title: 'No lists yet',
              action: canManage ? createButton : undefined,
              children: `A list is a newsletter people subscribe to: through its sign-up form (with double opt-in), the API, an import or the dashboard. ${canManage ? '' : 'Owners and admins create lists.'}`,
            },
          }}
          rows={rows}
          columns={listColumns(workspace.id)}
          caption="Lists of the workspace"
          rowData={(list) => ({ 'data-list-id': list.id, 'data-name': list.name })}
          actionsHeader="Actions"
          actions={(list) => (
            <span className="inline-flex gap-2">
              <RowButton
                variant="ghost"
                testId="list-history"
                label={`Consent text history of ${list.name}`}
                onClick={() => setHistory(list)}
              >
                History
              </RowButton>
              {canManage ? (
                <RowButton
                  testId="edit-list"
                  label={`Edit ${list.name}`}
                  onClick={() => {
                    setNotice(undefined);
                    setEditing({ list });
                  }}
                >
                  Edit
                </RowButton>
              ) : null}
            </span>
          )}
        />
      </Card>
      {canManage ? (
        <ListDialog
          open={editing !== undefined}
          workspaceId={workspace.id}
          list={editing?.list}
          onClose={() => setEditing(undefined)}
          onSaved={(saved, created) => {
            setNotice(created ? `The list “${saved.name}” was created.` : `“${saved.name}” was saved.`);
            void refresh();
          }}
        />
      ) : null}
      <ConsentVersionsDrawer
        workspaceId={workspace.id}
        list={history}
        onClose={() => setHistory(undefined)}
      />
    </Page>
  );
}
