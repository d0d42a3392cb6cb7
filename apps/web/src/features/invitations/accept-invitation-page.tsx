// The page of the emailed invitation link: what the invitation is (workspace, inviter, role), then
// accept or decline, once signed in with the invited address. Signed out: sign in or sign up first
// (the form comes back here). Signed in as someone else: say so, offer to switch.
import type { Role } from '@postern/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Button, buttonClass } from '../../components/button.tsx';
import { CheckCircleIcon, MailIcon, XCircleIcon } from '../../components/icons.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { apiErrorData, errorCode, userMessage } from '../../lib/api-errors.ts';
import { formatDateTime, formatUntil } from '../../lib/time.ts';
import { useTRPC, useTRPCClient } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { AuthCard, CheckingLink } from '../auth/auth-layout.tsx';
import { useSession } from '../auth/use-session.ts';
import { rememberWorkspace } from '../workspaces/last-workspace.ts';
import { workspacePath } from '../workspaces/paths.ts';
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from '../workspaces/permissions.ts';
import { WorkspaceAvatar } from '../workspaces/workspace-switcher.tsx';
import { authPathFor, sameAddress } from './invitation-links.ts';

interface Preview {
  workspaceName: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  expiresAt: string;
}

function Summary({ preview }: { preview: Preview }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-slate-50/70 p-4" data-testid="invitation-summary">
      <div className="flex items-center gap-3">
        <WorkspaceAvatar name={preview.workspaceName} className="size-11 text-lg" />
        <div className="min-w-0">
          <p className="truncate font-semibold text-slate-900" data-testid="invitation-workspace">
            {preview.workspaceName}
          </p>
          <p className="text-sm text-slate-600">
            {preview.invitedBy ? (
              <>
                Invited by{' '}
                <span className="font-medium text-slate-800" data-testid="invitation-inviter">
                  {preview.invitedBy}
                </span>
              </>
            ) : (
              'You have been invited'
            )}
          </p>
        </div>
      </div>
      <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 border-t border-slate-200 pt-4 text-sm">
        <dt className="text-slate-500">Role</dt>
        <dd>
          <span className="font-medium text-slate-900" data-testid="invitation-role">
            {ROLE_LABELS[preview.role]}
          </span>
          <span className="block text-xs text-slate-500">{ROLE_DESCRIPTIONS[preview.role]}</span>
        </dd>
        <dt className="text-slate-500">For</dt>
        <dd className="break-all text-slate-900" data-testid="invitation-email">
          {preview.email}
        </dd>
        <dt className="text-slate-500">Expires</dt>
        <dd className="text-slate-900">
          <time dateTime={preview.expiresAt} title={formatDateTime(preview.expiresAt)}>
            {formatUntil(Date.parse(preview.expiresAt), Date.now())}
          </time>
        </dd>
      </dl>
    </div>
  );
}

function Outcome({
  tone,
  title,
  children,
  testId,
}: {
  tone: 'success' | 'error';
  title: string;
  children: ReactNode;
  testId: string;
}) {
  const Icon = tone === 'success' ? CheckCircleIcon : XCircleIcon;
  return (
    <AuthCard title={title} testId={testId}>
      <div className="flex flex-col items-center text-center">
        <div
          className={
            tone === 'success'
              ? 'flex size-12 items-center justify-center rounded-full bg-emerald-50 text-emerald-600'
              : 'flex size-12 items-center justify-center rounded-full bg-rose-50 text-rose-600'
          }
        >
          <Icon className="size-7" />
        </div>
        <div className="mt-4 w-full text-sm text-slate-600">{children}</div>
      </div>
    </AuthCard>
  );
}

/** Sign out, then to sign-in with the invited address and back here. */
function SwitchAccountButton({ token, email }: { token: string; email: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: () => {
        queryClient.removeQueries();
        navigate(authPathFor('sign-in', token, email), { replace: true });
      },
    }),
  );
  return (
    <Button
      variant="secondary"
      className="w-full"
      loading={signOut.isPending}
      onClick={() => signOut.mutate()}
      data-testid="invitation-switch-account"
    >
      Sign out and use {email}
    </Button>
  );
}

function Decision({ token, preview }: { token: string; preview: Preview }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const session = useSession();
  const [declined, setDeclined] = useState(false);
  const accept = useMutation(
    trpc.invitations.accept.mutationOptions({
      onSuccess: async (workspace) => {
        if (session.status === 'signed_in') rememberWorkspace(session.user.id, workspace.id);
        await queryClient.invalidateQueries({ queryKey: trpc.workspaces.list.queryKey() });
        navigate(workspacePath(workspace.id, 'members'), {
          replace: true,
          state: { joined: workspace.name },
        });
      },
    }),
  );
  const decline = useMutation(
    trpc.invitations.decline.mutationOptions({ onSuccess: () => setDeclined(true) }),
  );

  if (declined)
    return (
      <Outcome tone="success" title="Invitation declined" testId="invitation-declined">
        <p>
          You will not join <span className="font-medium text-slate-900">{preview.workspaceName}</span>. The
          link no longer works.
        </p>
        <Link to="/" className={buttonClass('primary', 'mt-6 w-full')}>
          Continue to the dashboard
        </Link>
      </Outcome>
    );

  if (session.status === 'loading')
    return (
      <div className="flex items-center justify-center gap-3 py-2 text-sm text-slate-500">
        <Spinner className="size-5 text-indigo-600" /> Checking your session…
      </div>
    );

  if (session.status !== 'signed_in')
    return (
      <div className="space-y-4" data-testid="invitation-signed-out">
        <p className="text-sm text-slate-600">
          Sign in with <span className="font-medium text-slate-900">{preview.email}</span> to accept, or
          create an account with that address if you do not have one yet.
        </p>
        <div className="flex flex-col gap-2 sm:flex-row">
          <Link
            to={authPathFor('sign-in', token, preview.email)}
            className={buttonClass('primary', 'flex-1')}
            data-testid="invitation-sign-in"
          >
            Sign in to accept
          </Link>
          <Link
            to={authPathFor('sign-up', token, preview.email)}
            className={buttonClass('secondary', 'flex-1')}
            data-testid="invitation-sign-up"
          >
            Create an account
          </Link>
        </div>
      </div>
    );

  if (!sameAddress(session.user.email, preview.email))
    return (
      <div className="space-y-4">
        <Alert
          tone="warning"
          title="This invitation is for another address"
          testId="invitation-wrong-account"
        >
          You are signed in as <span className="font-medium">{session.user.email}</span>, but the invitation
          was sent to <span className="font-medium">{preview.email}</span>. Sign in with that address to
          accept it.
        </Alert>
        <SwitchAccountButton token={token} email={preview.email} />
      </div>
    );

  const failure = accept.error ?? decline.error;
  return (
    <div className="space-y-4">
      {failure ? (
        <Alert tone="error" testId="invitation-action-error">
          {userMessage(failure)}
        </Alert>
      ) : null}
      <div className="flex flex-col gap-2 sm:flex-row-reverse">
        <Button
          className="flex-1"
          loading={accept.isPending}
          disabled={decline.isPending}
          onClick={() => accept.mutate({ token })}
          data-testid="accept-invitation"
        >
          Accept and join
        </Button>
        <Button
          variant="secondary"
          className="flex-1"
          loading={decline.isPending}
          disabled={accept.isPending}
          onClick={() => decline.mutate({ token })}
          data-testid="decline-invitation"
        >
          Decline
        </Button>
      </div>
      <p className="text-center text-xs text-slate-500">
        Signed in as <span className="font-medium text-slate-700">{session.user.email}</span>
      </p>
    </div>
  );
}

export function AcceptInvitationPage() {
  useDocumentTitle('Invitation');
  const trpcClient = useTRPCClient();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const valid = token.length >= 10 && token.length <= 200;
  // A mutation on the server (sent as POST), so the token never travels in a URL; read like a query.
  const preview = useQuery({
    queryKey: ['invitations.preview', token],
    queryFn: () => trpcClient.invitations.preview.mutate({ token }),
    enabled: valid,
    staleTime: 60_000,
    retry: false,
  });

  if (!valid || (preview.isError && errorCode(preview.error) !== undefined))
    return (
      <Outcome tone="error" title="This invitation cannot be used" testId="invitation-invalid">
        <p>
          {preview.isError
            ? userMessage(preview.error)
            : 'The link is incomplete. Open it again from the email, or ask for a new invitation.'}
        </p>
        <Link to="/" className={buttonClass('secondary', 'mt-6 w-full')}>
          Go to the dashboard
        </Link>
      </Outcome>
    );

  if (preview.isError && !apiErrorData(preview.error))
    return (
      <AuthCard title="Could not load the invitation" testId="invitation-error">
        <Alert tone="error">{userMessage(preview.error)}</Alert>
        <Button
          variant="secondary"
          className="mt-4 w-full"
          onClick={() => void preview.refetch()}
          loading={preview.isFetching}
        >
          Try again
        </Button>
      </AuthCard>
    );

  if (!preview.data) return <CheckingLink title="Loading the invitation…" testId="invitation-loading" />;

  return (
    <AuthCard
      title={`Join ${preview.data.workspaceName}`}
      description={
        <span className="inline-flex items-center gap-1.5">
          <MailIcon className="size-4 text-slate-400" />
          You have been invited to a Postern workspace.
        </span>
      }
      testId="invitation-preview"
    >
      <div className="space-y-6">
        <Summary preview={preview.data} />
        <Decision token={token} preview={preview.data} />
      </div>
    </AuthCard>
  );
}
