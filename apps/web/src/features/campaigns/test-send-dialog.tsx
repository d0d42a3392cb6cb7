// A test send: the draft, rendered with sample values and the subject prefixed "[Test]", sent from its
// sender to an address (the member's own by default; its links lead to a harmless page).
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { closeThen, Dialog } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { Field } from '../../components/field.tsx';
import { emailProblem } from '../../lib/email-address.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useSession } from '../auth/use-session.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { campaignActionError } from './campaign-errors.ts';
import type { Campaign } from './use-campaigns.ts';

function TestSendForm({
  workspaceId,
  campaign,
  onSent,
  onCancel,
}: {
  workspaceId: string;
  campaign: Campaign;
  onSent: (to: string[]) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const session = useSession();
  const own = session.status === 'signed_in' ? session.user.email : '';
  const [to, setTo] = useState(own);
  const [error, setError] = useState<string>();
  const refusal = useRefusal((problem) => campaignActionError(problem, 'testSend'));
  const send = useMutation(
    trpc.campaigns.testSend.mutationOptions({
      onSuccess: (result) => onSent(result.to),
      onError: refusal.onError,
    }),
  );

  function submit() {
    const problem = emailProblem(to);
    setError(problem);
    if (problem) return;
    send.mutate({ workspaceId, campaignId: campaign.id, to: [to.trim()] });
  }

  return (
    <DialogForm
      testId="test-send-form"
      onSubmit={submit}
      problem={refusal.problem(send)}
      action={{ label: 'Send test', busy: send.isPending }}
      onCancel={onCancel}
    >
      <Field
        label="Send to"
        type="email"
        testId="test-send-to"
        autoComplete="email"
        value={to}
        error={error}
        onChange={(event) => setTo(event.target.value)}
        hint="Merge fields are filled with sample values; the subject starts with “[Test]”."
      />
    </DialogForm>
  );
}

export function TestSendDialog({
  open,
  workspaceId,
  campaign,
  onClose,
  onSent,
}: {
  open: boolean;
  workspaceId: string;
  campaign: Campaign;
  onClose: () => void;
  onSent: (to: string[]) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      testId="test-send-dialog"
      title="Send a test"
      description={`“${campaign.name}”, from its sender, to one address.`}
    >
      <TestSendForm
        workspaceId={workspaceId}
        campaign={campaign}
        onCancel={onClose}
        onSent={closeThen(onClose, onSent)}
      />
    </Dialog>
  );
}
