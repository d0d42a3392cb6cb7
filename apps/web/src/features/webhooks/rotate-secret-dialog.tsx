// Rotate the signing secret: a new one signs from now on; for the chosen overlap the previous one
// signs too (both signatures are sent), so receivers can be updated without refusing anything.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog, type OpenDialogProps } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { Field } from '../../components/field.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import type { WebhookSecret } from './use-webhooks.ts';
import { webhookActionError } from './webhook-errors.ts';
import { DEFAULT_OVERLAP_HOURS, MAX_OVERLAP_HOURS, parseOverlapHours } from './webhooks-model.ts';

function RotateForm({
  endpointRef,
  onRotated,
}: {
  endpointRef: { workspaceId: string; endpointId: string };
  onRotated: (secret: WebhookSecret, overlapHours: number) => void;
}) {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => webhookActionError(error, 'rotate'));
  const [text, setText] = useState(String(DEFAULT_OVERLAP_HOURS));
  const [error, setError] = useState<string>();
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: (secret, variables) => onRotated(secret, variables.overlapHours ?? DEFAULT_OVERLAP_HOURS),
      onError: refusal.onError,
    }),
  );
  const parsed = parseOverlapHours(text);

  function submit() {
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(undefined);
    rotate.mutate({ ...endpointRef, overlapHours: parsed.hours });
  }

  return (
    <DialogForm
      testId="rotate-form"
      onSubmit={submit}
      {...refusal.form(rotate, 'Rotate secret', 'overlapHours')}
    >
      <div className="space-y-2 text-sm text-slate-600">
        <p>
          A new secret signs every request from now on. During the overlap, the previous secret signs them
          too: each request then carries{' '}
          <strong className="font-medium text-slate-800">both signatures</strong> in its{' '}
          <code className="font-mono text-xs">webhook-signature</code> header, so a receiver that still has
          the old secret keeps accepting them while you deploy the new one.
        </p>
        <p>After the overlap, only the new secret signs. With 0 hours, the previous secret stops at once.</p>
      </div>
      <Field
        label="Overlap (hours)"
        type="number"
        inputMode="decimal"
        min={0}
        max={MAX_OVERLAP_HOURS}
        step={1}
        testId="overlap-hours"
        value={text}
        onValue={setText}
        error={error ?? refusal.about(rotate, 'overlapHours')}
        hint={`0 to ${MAX_OVERLAP_HOURS} hours (7 days). ${DEFAULT_OVERLAP_HOURS} hours leaves a day to update receivers.`}
        autoFocus
      />
    </DialogForm>
  );
}

export function RotateSecretDialog({
  endpointRef,
  onRotated,
  ...dialog
}: OpenDialogProps & {
  endpointRef: { workspaceId: string; endpointId: string };
  onRotated: (secret: WebhookSecret, overlapHours: number) => void;
}) {
  return (
    <Dialog
      {...dialog}
      testId="rotate-dialog"
      title="Rotate the signing secret"
      description="Replace the secret, e.g. after it may have leaked or on a schedule."
    >
      <RotateForm endpointRef={endpointRef} onRotated={onRotated} />
    </Dialog>
  );
}
