// Roll a key: a new secret with the same name and scopes (shown this once); the old secret keeps
// working for the chosen overlap (up to 7 days) so deployments can switch, then stops.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { DialogForm } from '../../components/dialog-form.tsx';
import { SecretOnceDialog } from '../../components/secret-once-dialog.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { OVERLAP_CHOICES } from './api-keys-model.ts';
import { type Created, SecretView } from './create-key-dialog.tsx';
import type { ApiKeyRow } from './use-api-keys.ts';

interface Rolled extends Created {
  /** When the old secret stops working. */
  oldStopsAt: string | null;
}

function RollForm({
  workspaceId,
  apiKey,
  onRolled,
}: {
  workspaceId: string;
  apiKey: ApiKeyRow;
  onRolled: (rolled: Rolled) => void;
}) {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => workspaceActionError(error, 'rollKey'));
  const [overlap, setOverlap] = useState(24);
  const roll = useMutation(
    trpc.apiKeys.roll.mutationOptions({
      onSuccess: (result) =>
        onRolled({
          name: result.key.name,
          secret: result.secret,
          expiresAt: result.key.expiresAt,
          oldStopsAt: result.previous.revokedAt,
        }),
      onError: refusal.onError,
    }),
  );
  function submit() {
    roll.mutate({ workspaceId, keyId: apiKey.id, overlapHours: overlap });
  }
  return (
    <DialogForm testId="roll-key-form" onSubmit={submit} {...refusal.form(roll, 'Roll key')}>
      <p className="text-sm text-slate-600">
        “{apiKey.name}” (<code className="font-mono text-xs">{apiKey.displayPrefix}</code>) gets a new secret
        with the same scopes. Deploy the new secret, then let the old one run out.
      </p>
      <SelectField
        label="Old secret keeps working for"
        testId="roll-overlap"
        value={String(overlap)}
        onChange={(event) => setOverlap(Number(event.target.value))}
        hint="Both secrets work during the overlap; the list shows when each was last used."
      >
        <Options choices={OVERLAP_CHOICES} />
      </SelectField>
    </DialogForm>
  );
}

export function RollKeyDialog({
  workspaceId,
  apiKey,
  onClose,
  onRolled,
}: {
  workspaceId: string;
  apiKey: ApiKeyRow | undefined;
  onClose: () => void;
  /** The new key exists (the list should be re-read). */
  onRolled: (name: string) => void;
}) {
  return (
    <SecretOnceDialog<Rolled>
      open={apiKey !== undefined}
      onClose={onClose}
      testId="roll-key-dialog"
      formTitle="Roll this API key?"
      secretTitle="The new secret"
      form={(rolled) =>
        apiKey ? <RollForm workspaceId={workspaceId} apiKey={apiKey} onRolled={rolled} /> : null
      }
      onCreated={(rolled) => onRolled(rolled.name)}
      shown={(rolled, done) => (
        <div className="space-y-4">
          <p className="text-sm text-slate-600" data-testid="roll-old-stops">
            {rolled.oldStopsAt
              ? `The old secret works until ${formatDateTime(rolled.oldStopsAt)}.`
              : 'The old secret stopped working.'}
          </p>
          <SecretView created={rolled} onDone={done} />
        </div>
      )}
    />
  );
}
