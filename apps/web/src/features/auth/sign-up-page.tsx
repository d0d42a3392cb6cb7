// Sign-up: email and a password that passes the policy (checked live; the server has the last word).
// The server answers "check your email" whether or not the address already has an account (its
// owner is mailed instead), so the page then signs in with the same credentials: a new account lands
// in its workspace; otherwise the visitor is asked to check their email.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { authPath, safeNextPath } from '../../lib/safe-next.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { invitationTokenFromNext } from '../invitations/invitation-links.ts';
import { EmailField, NewPasswordField, useEmailInput } from './account-fields.tsx';
import { AuthCard, AuthForm, AuthSwitch } from './auth-layout.tsx';
import { passwordAcceptable } from './password-rules.ts';
import { useServerRules } from './use-server-rules.ts';
import { useCompleteSignIn } from './use-session.ts';

/**
 * Signs up, then in with the same credentials. A password the server's policy refuses goes to
 * `onWeakPassword` (after `recordServerRules` has noted which rules failed).
 */
function useSignUpThenIn(
  next: string,
  recordServerRules: (password: string, error: unknown) => boolean,
  onWeakPassword: () => void,
) {
  const trpc = useTRPC();
  const completeSignIn = useCompleteSignIn();
  const [formError, setFormError] = useState<string>();
  const [checkEmail, setCheckEmail] = useState<string>();

  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: (result, variables) => {
        if (result.status === 'signed_in') completeSignIn(result.user, next);
        else setCheckEmail(variables.email);
      },
      // The address had an account already (or sign-in is throttled): the email says what to do.
      onError: (_error, variables) => setCheckEmail(variables.email),
    }),
  );

  const signUp = useMutation(
    trpc.auth.signUp.mutationOptions({
      onSuccess: (_result, { email, password }) => signIn.mutate({ email, password }),
      onError: (error, variables) => {
        if (recordServerRules(variables.password, error)) return onWeakPassword();
        setFormError(userMessage(error));
      },
    }),
  );

  return {
    formError,
    checkEmail,
    pending: signUp.isPending || signIn.isPending,
    start(credentials: { email: string; password: string }) {
      // Coming from an invitation: its token proves the address it was mailed to (no confirmation mail).
      const invitationToken = invitationTokenFromNext(next);
      signUp.mutate(invitationToken ? { ...credentials, invitationToken } : credentials);
    },
    /** A new attempt: whatever the last one said no longer applies. */
    clear() {
      setFormError(undefined);
      setCheckEmail(undefined);
    },
  };
}

/** The answer when the address may already have an account: the email says which. */
function CheckEmailNotice({ email, signInLink }: { email: string; signInLink: string }) {
  return (
    <Alert tone="info" testId="sign-up-check-email" title="Check your email">
      We sent a message to {email}: it confirms your address, or tells you if you already have an account.{' '}
      <Link
        to={`${signInLink}${signInLink.includes('?') ? '&' : '?'}email=${encodeURIComponent(email)}`}
        className="font-medium underline"
      >
        Sign in
      </Link>{' '}
      or{' '}
      <Link to="/forgot-password" className="font-medium underline">
        reset your password
      </Link>
      .
    </Alert>
  );
}

export function SignUpPage() {
  useDocumentTitle('Create your account');
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  // Back to where the visitor came from (an invitation, say) also after choosing to sign in instead.
  const signInLink = authPath('/sign-in', next);
  const email = useEmailInput(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string>();
  const [serverRules, recordServerRules] = useServerRules(password);
  const account = useSignUpThenIn(next, recordServerRules, () =>
    setPasswordError('Choose a stronger password.'),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    account.clear();
    const address = email.check();
    const passwordOk = passwordAcceptable(password);
    setPasswordError(passwordOk ? undefined : 'Your password does not meet all the requirements yet.');
    if (!address || !passwordOk) return;
    account.start({ email: address, password });
  }

  return (
    <AuthCard
      title="Create your Postern account"
      description="Send and track email from your own infrastructure."
      testId="sign-up-form"
      footer={<AuthSwitch question="Already have an account?" to={signInLink} label="Sign in" />}
    >
      <AuthForm
        name="sign-up"
        submitLabel="Create account"
        busy={account.pending}
        error={account.formError}
        onSubmit={submit}
      >
        {account.checkEmail ? <CheckEmailNotice email={account.checkEmail} signInLink={signInLink} /> : null}
        <EmailField {...email.field} />
        <NewPasswordField
          label="Password"
          testId="password"
          value={password}
          onChange={setPassword}
          error={passwordError}
          serverFailed={serverRules}
        />
      </AuthForm>
    </AuthCard>
  );
}
