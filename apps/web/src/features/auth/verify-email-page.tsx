// The page of the emailed verification link: verifies on arrival, then says what happened.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Button, buttonClass } from '../../components/button.tsx';
import { CheckCircleIcon, XCircleIcon } from '../../components/icons.tsx';
import { apiErrorData, userMessage } from '../../lib/api-errors.ts';
import { ME_QUERY_KEY, useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { AuthCard, AuthOutcome, CheckingLink } from './auth-layout.tsx';
import { useSession } from './use-session.ts';

function ResendLink() {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  if (resend.isSuccess)
    return (
      <Alert tone="success" testId="verification-resent" className="mt-6 text-left">
        A new link is on its way. Check your inbox.
      </Alert>
    );
  return (
    <>
      {resend.isError ? (
        <Alert tone="error" className="mt-6 text-left">
          {userMessage(resend.error)}
        </Alert>
      ) : null}
      <Button
        className="mt-6 w-full"
        onClick={() => resend.mutate()}
        loading={resend.isPending}
        data-testid="resend-verification"
      >
        Send a new link
      </Button>
    </>
  );
}

export function VerifyEmailPage() {
  useDocumentTitle('Verify your email');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const session = useSession();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: ME_QUERY_KEY }),
    }),
  );
  // Once per token, even when React mounts effects twice in development.
  const sent = useRef<string>(undefined);
  const { mutate } = verify;
  useEffect(() => {
    if (!token || sent.current === token) return;
    sent.current = token;
    mutate({ token });
  }, [token, mutate]);

  const signedIn = session.status === 'signed_in';

  if (verify.isSuccess) {
    return (
      <AuthCard title="Email verified" testId="email-verified">
        <AuthOutcome tone="success" icon={<CheckCircleIcon className="size-7" />}>
          <p className="mt-4 text-sm text-slate-600">Thank you: your email address is confirmed.</p>
          <Link to={signedIn ? '/' : '/sign-in'} className={buttonClass('primary', 'mt-6 w-full')}>
            {signedIn ? 'Continue to the dashboard' : 'Sign in'}
          </Link>
        </AuthOutcome>
      </AuthCard>
    );
  }

  if (!token || verify.isError) {
    const transport = verify.isError && !apiErrorData(verify.error);
    return (
      <AuthCard title="This link cannot be used" testId="email-verify-failed">
        <AuthOutcome tone="error" icon={<XCircleIcon className="size-7" />}>
          <p className="mt-4 text-sm text-slate-600">
            {transport
              ? userMessage(verify.error)
              : 'Verification links work once and expire after a while. If your email is not verified yet, ask for a new link.'}
          </p>
          {signedIn ? (
            <ResendLink />
          ) : (
            <Link to="/sign-in?next=%2Fsettings%2Fsecurity" className={buttonClass('primary', 'mt-6 w-full')}>
              Sign in to get a new link
            </Link>
          )}
        </AuthOutcome>
      </AuthCard>
    );
  }

  return <CheckingLink title="Verifying your email…" testId="email-verifying" />;
}
