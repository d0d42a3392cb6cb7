// API keys of the workspace: the plan's limits and usage, the keys (create: the secret is shown
// once; revoke), requests per key over 30 days, and how to call the API.
import { useDialogOpener } from '../../components/dialog.tsx';
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { DocsLink } from './api-snippet.tsx';
import { CreateKeyDialog } from './create-key-dialog.tsx';
import { KeysCard } from './keys-card.tsx';
import { PlanCard } from './plan-card.tsx';
import { UsageCard } from './usage-card.tsx';
import { useKeysQuery } from './use-api-keys.ts';

export function ApiKeysPage() {
  const { workspace, can } = useCurrentWorkspace();
  useDocumentTitle(`API keys · ${workspace.name}`);
  const keys = useKeysQuery(workspace.id);
  const creating = useDialogOpener();
  const canManage = can('apikeys.manage');

  return (
    <Page
      testId="api-keys-page"
      title="API keys"
      description={
        <>
          Call the Postern REST API from your own code on behalf of{' '}
          <span className="font-medium text-slate-700">{workspace.name}</span>.
        </>
      }
      actions={
        <DocsLink className="inline-flex items-center gap-1.5 rounded-lg px-3 py-2 text-sm font-semibold text-indigo-600 ring-1 ring-inset ring-indigo-200 hover:bg-indigo-50" />
      }
    >
      <PlanCard workspaceId={workspace.id} />
      <KeysCard
        workspaceId={workspace.id}
        keys={keys}
        canManage={canManage}
        notice={creating.notice}
        onCreate={creating.show}
      />
      <UsageCard workspaceId={workspace.id} />
      {canManage ? (
        <CreateKeyDialog
          {...creating.dialog}
          workspaceId={workspace.id}
          onCreated={(name) => {
            creating.setNotice(`“${name}” was created.`);
            void keys.refetch();
          }}
        />
      ) : null}
    </Page>
  );
}
