// A test send: the draft, rendered with sample values and the subject prefixed "[Test]", sent from its
// sender to an address (the member's own by default; its links lead to a harmless page).
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { closeThen, Dialog, type OpenDialogProps } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { Field } from '../../components/field.tsx';
import { emailProblem } from '../../lib/email-address.ts';
import { useSession } from '../auth/use-session.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { campaignActionError } from './campaign-errors.ts';
import { type Campaign, useCampaignAction } from './use-campaigns.ts';

function TestSendForm({ campaign, onSent }: { campaign: Campaign; onSent: (to: string[]) => void }) {
  const { trpc, ref } = useCampaignAction(campaign);
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
    send.mutate({ ...ref, to: [to.trim()] });
  }

  return (
    <DialogForm testId="test-send-form" onSubmit={submit} {...refusal.form(send, 'Send test')}>
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
  campaign,
  onSent,
  ...dialog
}: OpenDialogProps & { campaign: Campaign; onSent: (to: string[]) => void }) {
  return (
    <Dialog
      {...dialog}
      testId="test-send-dialog"
      title="Send a test"
      description={`“${campaign.name}”, from its sender, to one address.`}
    >
      <TestSendForm campaign={campaign} onSent={closeThen(dialog.onClose, onSent)} />
    </Dialog>
  );
}
