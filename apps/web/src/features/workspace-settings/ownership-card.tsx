// Ownership of the workspace (#28): its transfer to another member and its deletion (owners); every
// member sees a pending deletion and its day.
import type { Workspace } from '@postern/contracts';
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Card } from '../../components/card.tsx';
import { can } from '../workspaces/permissions.ts';
import { DeleteWorkspace } from './delete-workspace.tsx';
import { TransferOwnership } from './transfer-ownership.tsx';

export function OwnershipCard({ workspace }: { workspace: Workspace }) {
  const owner = can(workspace.role, 'workspace.ownership');
  // Kept here: the transfer makes you an admin, which hides the transfer itself.
  const [transferredTo, setTransferredTo] = useState<string>();

  return (
    <Card
      id="ownership"
      testId="ownership-card"
      title="Ownership"
      description="Who owns the workspace, and deleting it."
    >
      <div className="space-y-5">
        {transferredTo ? (
          <Alert tone="success" testId="ownership-transferred">
            {transferredTo} is now the owner of {workspace.name}; you are an admin.
          </Alert>
        ) : null}
        {owner ? (
          <TransferOwnership workspace={workspace} onTransferred={setTransferredTo} />
        ) : (
          <p className="text-sm text-slate-600" data-testid="ownership-owners-only">
            Only owners transfer ownership or delete the workspace.
          </p>
        )}
        <DeleteWorkspace key={workspace.id} workspace={workspace} owner={owner} />
      </div>
    </Card>
  );
}
