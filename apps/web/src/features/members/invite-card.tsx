// Invite someone by email, with the role they will get (owners are made by promotion, not invitation).
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { Field } from '../../components/field.tsx';
import { SendIcon } from '../../components/icons.tsx';
import { SelectField } from '../../components/select.tsx';
import { errorCode } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { bindInput, useEmailInput } from '../auth/account-fields.tsx';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from '../workspaces/permissions.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { RolesMatrix } from './roles-matrix.tsx';
import { useInvalidateMembers } from './use-members.ts';

const INVITABLE = ['member', 'admin', 'viewer'] as const;
type InvitableRole = (typeof INVITABLE)[number];

export function InviteCard({ workspaceId, workspaceName }: { workspaceId: string; workspaceName: string }) {
  const trpc = useTRPC();
  const invalidateMembers = useInvalidateMembers(workspaceId);
  const refusal = useRefusal((error) => workspaceActionError(error, 'invite'));
  const email = useEmailInput();
  const [role, setRole] = useState<InvitableRole>('member');
  const [sentTo, setSentTo] = useState<string>();

  const invite = useMutation(
    trpc.members.invite.mutationOptions({
      onSuccess: async (_result, variables) => {
        setSentTo(variables.email);
        email.setValue('');
        await invalidateMembers();
      },
      onError: (error) => {
        // Already a member or invited: said under the address, not above the form.
        if (errorCode(error) === 'CONFLICT') email.setError(workspaceActionError(error, 'invite').message);
        refusal.onError(error);
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setSentTo(undefined);
    invite.reset();
    const address = email.check();
    if (address) invite.mutate({ workspaceId, email: address, role });
  }

  const problem = errorCode(invite.error) === 'CONFLICT' ? undefined : refusal.problem(invite);

  return (
    <Card
      id="invite"
      testId="invite-card"
      title="Invite a teammate"
      description={`They get an email with a link to join ${workspaceName}. The link works once, for 7 days.`}
    >
      <form noValidate onSubmit={submit} className="space-y-4" data-testid="invite-form">
        {sentTo ? (
          <Alert tone="success" testId="invite-sent" title="Invitation sent">
            We emailed an invitation to <span className="font-medium">{sentTo}</span>.
          </Alert>
        ) : null}
        <ProblemAlert problem={problem} testId="invite-error" />
        <div className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start">
          <Field
            label="Email address"
            name="invite-email"
            type="email"
            autoComplete="off"
            placeholder="teammate@example.com"
            testId="invite-email"
            {...bindInput(email.field)}
          />
          <SelectField
            label="Role"
            testId="invite-role"
            value={role}
            onChange={(event) => setRole(event.target.value as InvitableRole)}
          >
            {INVITABLE.map((option) => (
              <option key={option} value={option}>
                {ROLE_LABELS[option]}
              </option>
            ))}
          </SelectField>
          <Button type="submit" className="sm:mt-7" loading={invite.isPending} data-testid="invite-submit">
            {invite.isPending ? null : <SendIcon className="size-4" />}
            Send invitation
          </Button>
        </div>
        <p className="text-xs text-slate-500">
          <span className="font-medium text-slate-700">{ROLE_LABELS[role]}:</span> {ROLE_DESCRIPTIONS[role]}
        </p>
        <RolesMatrix />
      </form>
    </Card>
  );
}
