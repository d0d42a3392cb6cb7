// Sign-up: email and a password that passes the policy (checked live; the server has the last word).
// The server answers "check your email" whether or not the address already has an account (its
// owner is mailed instead), so the page then signs in with the same credentials: a new account lands
// in its workspace; otherwise the visitor is asked to check their email.
import { ZEmail } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Field, PasswordField } from '../../components/field.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { safeNextPath } from '../../lib/safe-next.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { AuthCard, LINK_CLASS } from './auth-layout.tsx';
import { PasswordChecklist } from './password-checklist.tsx';
import { passwordAcceptable } from './password-rules.ts';
import { useServerRules } from './use-server-rules.ts';
import { useCompleteSignIn } from './use-session.ts';

export function SignUpPage() {
  useDocumentTitle('Create your account');
  const trpc = useTRPC();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  // Back to where the visitor came from (an invitation, say) also after choosing to sign in instead.
  const signInLink = next === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(next)}`;
  const completeSignIn = useCompleteSignIn();
  const rulesId = useId();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [emailError, setEmailError] = useState<string>();
  const [passwordError, setPasswordError] = useState<string>();
  const [formError, setFormError] = useState<string>();
  const [checkEmail, setCheckEmail] = useState<string>();
  const [serverRules, recordServerRules] = useServerRules(password);

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
      onSuccess: (_result, variables) => signIn.mutate(variables),
      onError: (error, variables) => {
        if (recordServerRules(variables.password, error)) {
          setPasswordError('Choose a stronger password.');
          return;
        }
        setFormError(userMessage(error));
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(undefined);
    setCheckEmail(undefined);
    const parsedEmail = ZEmail.safeParse(email);
    setEmailError(parsedEmail.success ? undefined : 'Enter a valid email address.');
    const passwordOk = passwordAcceptable(password);
    setPasswordError(passwordOk ? undefined : 'Your password does not meet all the requirements yet.');
    if (!parsedEmail.success || !passwordOk) return;
    signUp.mutate({ email: parsedEmail.data, password });
  }

  return (
    <AuthCard
      title="Create your Postern account"
      description="Send and track email from your own infrastructure."
      testId="sign-up-form"
      footer={
        <>
          Already have an account?{' '}
          <Link to={signInLink} className={LINK_CLASS}>
            Sign in
          </Link>
        </>
      }
    >
      <form noValidate onSubmit={submit} className="space-y-5">
        {checkEmail ? (
          <Alert tone="info" testId="sign-up-check-email" title="Check your email">
            We sent a message to {checkEmail}: it confirms your address, or tells you if you already have an
            account.{' '}
            <Link
              to={`${signInLink}${signInLink.includes('?') ? '&' : '?'}email=${encodeURIComponent(checkEmail)}`}
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
        ) : null}
        {formError ? (
          <Alert tone="error" testId="sign-up-error">
            {formError}
          </Alert>
        ) : null}
        <Field
          label="Email address"
          name="email"
          type="email"
          autoComplete="email"
          testId="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={emailError}
          required
        />
        <div>
          <PasswordField
            label="Password"
            name="new-password"
            autoComplete="new-password"
            testId="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={passwordError}
            aria-describedby={rulesId}
            required
          />
          <PasswordChecklist id={rulesId} password={password} serverFailed={serverRules} />
        </div>
        <Button
          type="submit"
          className="w-full"
          loading={signUp.isPending || signIn.isPending}
          data-testid="sign-up-submit"
        >
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
