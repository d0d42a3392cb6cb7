// Disconnecting a mailbox (owners and admins, confirmed): its password is deleted at once and nothing
// is sent through it any more; the account stays listed as disconnected and can be reconnected. For a
// Gmail/Outlook mailbox the grant is revoked at the provider too (the page then says whether it was).
import { useMutation } from '@tanstack/react-query';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useConfirmMutation } from '../../components/confirm-mutation.ts';
import { UnplugIcon } from '../../components/icons.tsx';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { oauthProviderOf, PROVIDER_LABEL } from './mailbox-model.ts';
import { type Mailbox, useMailboxChange } from './use-mailboxes.ts';

export function DisconnectCard({
  mailbox,
  onDisconnected,
}: {
  mailbox: Mailbox;
  onDisconnected: (disconnected: Mailbox) => void;
}) {
  const { workspace } = useCurrentWorkspace();
  const { trpc, updated, refusal } = useMailboxChange('disconnect');
  const provider = oauthProviderOf(mailbox.provider);
  const secret = provider ? 'access' : 'password';
  const disconnect = useMutation(
    trpc.mailboxes.disconnect.mutationOptions({
      onSuccess: (disconnected) => {
        confirm.close();
        void updated(disconnected);
        onDisconnected(disconnected);
      },
      onError: refusal.onError,
    }),
  );
  const confirm = useConfirmMutation(disconnect, refusal.problem);
  return (
    <Card id="disconnect" testId="disconnect-card" title="Disconnect" className="border-rose-200">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <p className="text-sm text-slate-600">
          {provider
            ? `Revokes Postern’s access at ${PROVIDER_LABEL[provider]}, deletes the stored tokens at once and stops all sending through this account. It stays listed as disconnected; you can reconnect it by signing in again.`
            : 'Deletes the stored password at once and stops all sending through this account. It stays listed as disconnected; you can reconnect it with its credentials.'}
        </p>
        <Button variant="destructive" onClick={confirm.ask} data-testid="disconnect-mailbox">
          <UnplugIcon className="size-4" />
          Disconnect
        </Button>
      </div>
      <ConfirmAction
        {...confirm.dialog}
        testId="disconnect-dialog"
        title={`Disconnect ${mailbox.email}?`}
        confirmLabel="Disconnect"
        onConfirm={() => disconnect.mutate({ workspaceId: workspace.id, mailboxId: mailbox.id })}
      >
        <p>
          The {secret} of <span className="font-medium break-all text-slate-900">{mailbox.email}</span> is
          {provider ? ` revoked at ${PROVIDER_LABEL[provider]} and its tokens are` : ''} deleted at once, and
          sending through this mailbox stops: campaigns using it are paused. Messages already sent stay sent.
        </p>
      </ConfirmAction>
    </Card>
  );
}
