// "Require two-factor authentication" (owners): members without it are refused by the server until
// they turn it on (ASVS 6.3.3). An owner without it cannot turn it on (they would lock themselves out).
import type { Workspace } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Badge } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useSession } from '../auth/use-session.ts';
import { can } from '../workspaces/permissions.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';

export function RequireTwoFactorCard({ workspace }: { workspace: Workspace }) {
  const trpc = useTRPC();
  const session = useSession();
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const [asking, setAsking] = useState(false);
  const [without, setWithout] = useState<number>();
  const change = useMutation(
    trpc.workspaces.setRequireTwoFactor.mutationOptions({
      onSuccess: async (result) => {
        setAsking(false);
        setWithout(result.requireTwoFactor ? result.membersWithoutTwoFactor : undefined);
        await invalidateWorkspaces();
      },
    }),
  );
  const required = workspace.requireTwoFactor;
  const owner = can(workspace.role, 'workspace.security');
  const myTwoFactor = session.status === 'signed_in' && session.user.twoFactorEnabled;

  return (
    <Card
      id="require-two-factor"
      testId="require-two-factor-card"
      title="Two-factor authentication"
      description="Require every member to sign in with a second factor before they can open this workspace."
      actions={
        <Badge tone={required ? 'emerald' : 'slate'} dot testId="require-two-factor-state">
          {required ? 'Required' : 'Not required'}
        </Badge>
      }
    >
      <div className="space-y-4 text-sm text-slate-600">
        {without !== undefined && without > 0 ? (
          <Alert tone="info" testId="require-two-factor-notice">
            {without === 1 ? '1 member has' : `${without} members have`} not turned on two-factor
            authentication yet: they are asked to before they can open the workspace.
          </Alert>
        ) : null}
        {change.isError ? (
          <Alert tone="error" testId="require-two-factor-error">
            {userMessage(change.error)}
          </Alert>
        ) : null}
        {!owner ? (
          <p>Only owners change this setting.</p>
        ) : !required && !myTwoFactor ? (
          <p data-testid="require-two-factor-own-first">
            Turn on two-factor authentication for your own account first (
            <Link to="/settings/security" className="font-medium text-indigo-700 hover:text-indigo-900">
              Security settings
            </Link>
            ): otherwise you would lock yourself out.
          </p>
        ) : (
          <Button
            variant={required ? 'secondary' : 'primary'}
            data-testid="require-two-factor-toggle"
            onClick={() => {
              change.reset();
              setAsking(true);
            }}
          >
            {required ? 'Stop requiring two-factor' : 'Require two-factor'}
          </Button>
        )}
      </div>
      <ConfirmAction
        open={asking}
        testId="require-two-factor-dialog"
        title={required ? 'Stop requiring two-factor authentication?' : 'Require two-factor authentication?'}
        confirmLabel={required ? 'Stop requiring' : 'Require it'}
        busy={change.isPending}
        error={change.isError ? userMessage(change.error) : undefined}
        onCancel={() => setAsking(false)}
        onConfirm={() => change.mutate({ workspaceId: workspace.id, required: !required })}
      >
        <p>
          {required
            ? 'Members without two-factor authentication will be able to open the workspace again.'
            : 'Members without two-factor authentication lose access to the workspace until they turn it on in their security settings.'}
        </p>
      </ConfirmAction>
    </Card>
  );
}
