// One list: its subscribers at a glance, its settings (incl. the sender of confirmations), the
// confirmation email editor, the sign-up form (hosted link and embed snippet), its imports and the
// history of its consent text; the way to import contacts into it.
import { type ComponentProps, type ComponentType, useState } from 'react';
import { Link } from 'react-router';
import { Notice } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { buttonClass } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { NewspaperIcon, UploadIcon } from '../../components/icons.tsx';
import { BackLink, ItemHeader, ItemNotFound, ItemRoute, ItemState } from '../../components/item-page.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { ListImportsCard } from '../contact-import/list-imports-card.tsx';
import { contactsPath } from '../contacts/contact-paths.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { ConfirmationEmailCard } from './confirmation-card.tsx';
import { ConsentVersionsList } from './consent-versions.tsx';
import { EmbedCard } from './embed-card.tsx';
import { isListId, listImportPath, listsPath } from './list-paths.ts';
import { ListSettingsCard } from './list-settings-card.tsx';
import { countsText } from './lists-model.ts';
import { type ListDetail, useListQuery } from './use-lists.ts';

/** "List not found": deleted, or another workspace's (also the import pages' answer). */
export function ListNotFound({ workspaceId }: { workspaceId: string }) {
  return (
    <ItemNotFound
      icon={NewspaperIcon}
      title="List not found"
      testId="list-not-found"
      listPath={listsPath(workspaceId)}
      listLabel="See the lists"
    />
  );
}

const backToLists = (workspaceId: string) => (
  <BackLink to={listsPath(workspaceId)} testId="back-to-lists">
    All lists
  </BackLink>
);

/** A page about the list the URL names (its own page, its import wizard); "List not found" for any other id. */
export function ListRoute({ view }: { view: ComponentType<{ id: string }> }) {
  const { workspace } = useCurrentWorkspace();
  const notFound = <ListNotFound workspaceId={workspace.id} />;
  return <ItemRoute param="listId" isId={isListId} notFound={notFound} view={view} />;
}

/** The list's query on such a page: what ItemState shows while it loads, once it is gone, or failed. */
export function ListItemState(
  props: Omit<ComponentProps<typeof ItemState<ListDetail>>, 'what' | 'notFound'>,
) {
  const { workspace } = useCurrentWorkspace();
  return <ItemState {...props} what="the list" notFound={<ListNotFound workspaceId={workspace.id} />} />;
}

export function ListPage() {
  return <ListRoute view={ListView} />;
}

function ListView({ id: listId }: { id: string }) {
  const { workspace } = useCurrentWorkspace();
  const list = useListQuery(workspace.id, listId);
  useDocumentTitle(`${list.data?.name ?? 'List'} · Lists · ${workspace.name}`);
  return (
    <ListItemState query={list} name="list" back={backToLists(workspace.id)}>
      {(shown) => <ListDetails list={shown} />}
    </ListItemState>
  );
}

function ListDetails({ list }: { list: ListDetail }) {
  const { workspace, can } = useCurrentWorkspace();
  const canManage = can('lists.manage');
  const [notice, setNotice] = useState<string>();
  const counts = countsText(list.counts);
  return (
    <div className="space-y-6" data-testid="list-page" data-list-id={list.id}>
      {backToLists(workspace.id)}
      <ItemHeader
        title={list.name}
        titleTestId="list-title"
        description={
          <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1.5">
            <Link
              to={`${contactsPath(workspace.id)}?list=${encodeURIComponent(list.id)}`}
              className="text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
              data-testid="list-page-counts"
              aria-label={`Contacts of ${list.name}: ${counts}`}
            >
              {counts}
            </Link>
            <Badge tone={list.doubleOptIn ? 'emerald' : 'slate'}>
              {list.doubleOptIn ? 'Double opt-in' : 'Single opt-in'}
            </Badge>
            {list.requiresExpressConsent ? <Badge tone="violet">Express consent (CASL)</Badge> : null}
          </span>
        }
        actions={
          can('contacts.write') ? (
            <Link
              to={listImportPath(workspace.id, list.id)}
              className={buttonClass('primary')}
              data-testid="import-contacts"
            >
              <UploadIcon className="size-4" />
              Import contacts
            </Link>
          ) : null
        }
      />
      <Notice testId="list-notice">{notice}</Notice>
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <ListSettingsCard workspaceId={workspace.id} list={list} canManage={canManage} onSaved={setNotice} />
        <ConfirmationEmailCard
          workspaceId={workspace.id}
          list={list}
          canManage={canManage}
          onSaved={setNotice}
        />
      </div>
      <EmbedCard list={list} />
      <ListImportsCard workspaceId={workspace.id} listId={list.id} />
      <Card
        id="consent-history"
        testId="consent-history-card"
        title="Consent text history"
        description="Every version is kept; each consent event names the one shown to the person."
      >
        <ConsentVersionsList workspaceId={workspace.id} list={list} />
      </Card>
    </div>
  );
}
