// The workspace's settings on their own page: its name, plan and your place in it, and the security
// settings owners change (requiring two-factor authentication), and its ownership and deletion.
import { Page } from '../../components/page-header.tsx';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { OwnershipCard } from './ownership-card.tsx';
import { RequireTwoFactorCard } from './require-two-factor-card.tsx';
import { WorkspaceSettingsCard } from './workspace-settings-card.tsx';

export function WorkspaceSettingsPage() {
  const { workspace } = useCurrentWorkspace();
  useDocumentTitle(`Settings · ${workspace.name}`);
  return (
    <Page
      testId="workspace-settings-page"
      title="Workspace settings"
      description={`How ${workspace.name} is set up.`}
    >
      <WorkspaceSettingsCard workspace={workspace} />
      <RequireTwoFactorCard workspace={workspace} />
      <OwnershipCard workspace={workspace} />
    </Page>
  );
}
