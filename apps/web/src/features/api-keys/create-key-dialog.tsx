// Create an API key: a name, its scopes and an optional expiry; then its secret, shown this once.
import { type ApiKeyScope, ZApiKeyName } from '@postern/contracts';
import { LEGACY_API_KEY_SCOPES } from '@postern/contracts/constants';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../components/button.tsx';
import type { OpenDialogProps } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import { Field } from '../../components/field.tsx';
import { SecretOnce, SecretOnceDialog } from '../../components/secret-once-dialog.tsx';
import { Options, SelectField } from '../../components/select.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { EXPIRY_CHOICES, type ExpiryChoice, expiryInput } from './api-keys-model.ts';
import { ApiSnippet } from './api-snippet.tsx';
import { ScopePicker } from './scope-picker.tsx';

export interface Created {
  name: string;
  secret: string;
  expiresAt: string | null;
}

function todayPlus(days: number): string {
  const date = new Date();
  date.setDate(date.getDate() + days);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

function KeyForm({ workspaceId, onCreated }: { workspaceId: string; onCreated: (created: Created) => void }) {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => workspaceActionError(error, 'createKey'));
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>('never');
  const [day, setDay] = useState(todayPlus(30));
  const [scopes, setScopes] = useState<ApiKeyScope[]>([...LEGACY_API_KEY_SCOPES]);
  const [errors, setErrors] = useState<{ name?: string; day?: string; scopes?: string }>({});
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: (result) =>
        onCreated({ name: result.key.name, secret: result.secret, expiresAt: result.key.expiresAt }),
      onError: refusal.onError,
    }),
  );

  function submit() {
    const parsed = ZApiKeyName.safeParse(name);
    const when = expiryInput(expiry, day, new Date());
    setErrors({
      name: parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'Give the key a name.'),
      day: when.error,
      scopes: scopes.length ? undefined : 'Choose at least one scope.',
    });
    if (!parsed.success || when.error || !scopes.length) return;
    create.mutate({
      workspaceId,
      name: parsed.data,
      scopes,
      ...(when.expiresAt ? { expiresAt: when.expiresAt } : {}),
    });
  }

  return (
    <DialogForm testId="create-key-form" onSubmit={submit} {...refusal.form(create, 'Create key')}>
      <Field
        label="Name"
        name="key-name"
        testId="key-name"
        autoComplete="off"
        placeholder="Production server"
        maxLength={80}
        value={name}
        onValue={setName}
        error={errors.name}
        hint="Where the key is used, so you know what breaks if you revoke it."
        autoFocus
      />
      <ScopePicker value={scopes} onChange={setScopes} error={errors.scopes} />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          label="Expires"
          testId="key-expiry"
          value={expiry}
          onChange={(event) => setExpiry(event.target.value as ExpiryChoice)}
        >
          <Options choices={EXPIRY_CHOICES} />
        </SelectField>
        {expiry === 'custom' ? (
          <Field
            label="Last day"
            type="date"
            testId="key-expiry-date"
            min={todayPlus(1)}
            value={day}
            onValue={setDay}
            error={errors.day}
          />
        ) : null}
      </div>
      {expiry !== 'custom' && errors.day ? <p className="text-xs text-rose-600">{errors.day}</p> : null}
    </DialogForm>
  );
}

export function SecretView({ created, onDone }: { created: Created; onDone: () => void }) {
  const [stored, setStored] = useState(false);
  return (
    <div className="space-y-5" data-testid="key-secret-view">
      <SecretOnce
        warningTitle="Copy the key now: it will not be shown again"
        warning="Postern keeps only a hash of it. Store it in your secret manager or environment; if you lose it, revoke it and create a new one."
        label={
          <>
            Secret of <span className="text-slate-900">“{created.name}”</span>
          </>
        }
        secret={created.secret}
        testId="api-key-secret"
        copyLabel="Copy key"
        copyTestId="copy-api-key"
        note={created.expiresAt ? `Works until ${formatDateTime(created.expiresAt)}.` : 'Does not expire.'}
      />
      <div>
        <p className="mb-1.5 text-sm font-medium text-slate-800">Try it</p>
        <ApiSnippet secret={created.secret} />
      </div>
      <div className="flex flex-col gap-4 border-t border-slate-100 pt-5 sm:flex-row sm:items-center sm:justify-between">
        <label className="flex items-start gap-2.5 text-sm text-slate-700">
          <input
            type="checkbox"
            data-testid="key-stored"
            checked={stored}
            onChange={(event) => setStored(event.target.checked)}
            className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
          />
          I have stored the key somewhere safe.
        </label>
        <Button onClick={onDone} disabled={!stored} data-testid="key-done">
          Done
        </Button>
      </div>
    </div>
  );
}

export function CreateKeyDialog({
  workspaceId,
  onCreated,
  ...dialog
}: OpenDialogProps & {
  workspaceId: string;
  /** The key exists (the list should be re-read), whether or not the dialog is still open. */
  onCreated: (name: string) => void;
}) {
  return (
    <SecretOnceDialog<Created>
      {...dialog}
      testId="create-key-dialog"
      formTitle="Create an API key"
      formDescription="Keys act on behalf of this workspace. Owners and admins can revoke them at any time."
      secretTitle="Your new API key"
      form={(created) => <KeyForm workspaceId={workspaceId} onCreated={created} />}
      onCreated={(key) => onCreated(key.name)}
      shown={(created, done) => <SecretView created={created} onDone={done} />}
    />
  );
}
