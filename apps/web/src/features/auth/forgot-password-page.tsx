// Asks for a reset link. The answer is the same whether or not the account exists.
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ArrowLeftIcon, MailIcon } from '../../components/icons.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { EmailField, useEmailInput } from './account-fields.tsx';
import { AuthCard, AuthForm, AuthOutcome, LINK_CLASS } from './auth-layout.tsx';

function BackToSignIn() {
  return (
    <Link to="/sign-in" className={`inline-flex items-center gap-1.5 ${LINK_CLASS}`}>
      <ArrowLeftIcon className="size-4" />
      Back to sign in
    </Link>
  );
}

export function ForgotPasswordPage() {
  useDocumentTitle('Reset your password');
  const trpc = useTRPC();
  const email = useEmailInput();
  const [sentTo, setSentTo] = useState<string>();
  const request = useMutation(
    trpc.auth.requestPasswordReset.mutationOptions({
      onSuccess: (_result, variables) => setSentTo(variables.email),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const address = email.check();
    if (address) request.mutate({ email: address });
  }

  if (sentTo) {
    return (
      <AuthCard title="Check your inbox" testId="reset-requested" footer={<BackToSignIn />}>
        <AuthOutcome tone="info" icon={<MailIcon className="size-6" />}>
          <p className="mt-4 text-sm text-slate-600">
            If an account exists for <span className="font-medium text-slate-900">{sentTo}</span>, we have
            sent it a link to choose a new password. The link works once and expires soon.
          </p>
          <p className="mt-3 text-xs text-slate-500">
            Nothing arrived? Check your spam folder, or{' '}
            <button type="button" className={LINK_CLASS} onClick={() => setSentTo(undefined)}>
              try another address
            </button>
            .
          </p>
        </AuthOutcome>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Forgot your password?"
      description="Enter the email address of your account and we will send you a link to choose a new one."
      testId="forgot-password-form"
      footer={<BackToSignIn />}
    >
      <AuthForm
        name="forgot-password"
        submitLabel="Send reset link"
        busy={request.isPending}
        error={request.isError && userMessage(request.error)}
        onSubmit={submit}
      >
        <EmailField {...email.field} />
      </AuthForm>
    </AuthCard>
  );
}
