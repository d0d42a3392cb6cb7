// While the account's deletion is pending the API answers only its status and the cancellation
// (ACCOUNT_DELETION_PENDING otherwise): this gate shows the cancel page instead of any account page.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Outlet, useNavigate } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { errorCode, userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useForgetSession, useMeQuery } from '../auth/use-session.ts';
import { erasureDay } from './deletion-text.ts';

export function DeletionPendingGate() {
  const me = useMeQuery();
  const pending =
    errorCode(me.error) === 'ACCOUNT_DELETION_PENDING' || Boolean(me.data?.deletionScheduledFor);
  return pending ? <DeletionPendingPage /> : <Outlet />;
}

export function DeletionPendingPage() {
  useDocumentTitle('Account deletion pending');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const forget = useForgetSession();
  const status = useQuery(trpc.privacy.status.queryOptions(undefined, { staleTime: 0 }));
  const cancel = useMutation(
    trpc.privacy.cancelDeletion.mutationOptions({
      onSuccess: async () => {
        // Every answer refused during the grace is asked again (reset keeps the observers attached).
        await queryClient.resetQueries();
        navigate('/', { replace: true });
      },
    }),
  );
  const signOut = useMutation(trpc.privacy.signOut.mutationOptions({ onSettled: () => forget() }));

  return (
    <div className="mx-auto max-w-xl py-10" data-testid="deletion-pending-page">
      <Card
        title="Your account is scheduled for deletion"
        description={`It will be permanently erased on ${erasureDay(status.data?.eraseAt)}, with the workspaces only you are in.`}
      >
        <div className="space-y-4 text-sm text-slate-600">
          <p>Cancel the deletion to use Postern again: your sign-in, workspaces and API keys come back.</p>
          {cancel.error ? <Alert tone="error">{userMessage(cancel.error)}</Alert> : null}
          <div className="flex gap-2">
            <Button loading={cancel.isPending} onClick={() => cancel.mutate()} data-testid="cancel-deletion">
              Cancel deletion
            </Button>
            <Button variant="secondary" loading={signOut.isPending} onClick={() => signOut.mutate()}>
              Sign out
            </Button>
          </div>
        </div>
      </Card>
    </div>
  );
}
