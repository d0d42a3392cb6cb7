// Check one address: syntax, DNS, lists and (at depth enhanced) the mail server, explained in words.
// The address is checked in memory and never stored (only a keyed-hash cache entry, for an hour).
import type { ValidationResult } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { EXACT_INPUT, Field } from '../../components/field.tsx';
import { LockIcon, MailCheckIcon } from '../../components/icons.tsx';
import { Page } from '../../components/page-header.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { errorCode, isClientError, userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { DepthToggle } from './depth-toggle.tsx';
import { type CheckDepth, EXAMPLE_ADDRESSES } from './explain.ts';
import { ResultCard } from './result-card.tsx';

const EMAIL_INPUT_ID = 'check-email';

function CheckingSkeleton({ email }: { email: string }) {
  return (
    <section
      data-testid="check-loading"
      aria-busy="true"
      className="rounded-xl border border-slate-200 bg-white px-5 py-5 shadow-sm sm:px-6"
    >
      <p className="flex items-center gap-2 text-sm text-slate-600" role="status">
        <Spinner className="size-4 text-indigo-600" />
        Checking <span className="font-mono text-slate-900">{email}</span>…
      </p>
      <div className="mt-5 space-y-3" aria-hidden="true">
        <Skeleton className="h-8 w-40 rounded-full" />
        <Skeleton className="h-4 w-2/3" />
        <Skeleton className="h-4 w-1/2" />
        <Skeleton className="h-24 w-full" />
      </div>
    </section>
  );
}

function Examples({ onPick }: { onPick: (email: string) => void }) {
  return (
    <EmptyState
      icon={MailCheckIcon}
      accent
      title="No address checked yet"
      testId="check-empty"
      className="rounded-xl border border-dashed border-slate-300 bg-white"
      action={EXAMPLE_ADDRESSES.map((example) => (
        <button
          key={example}
          type="button"
          onClick={() => onPick(example)}
          data-testid="check-example"
          className="rounded-full bg-slate-100 px-3 py-1 font-mono text-xs text-slate-700 ring-1 ring-inset ring-slate-200 hover:bg-indigo-50 hover:text-indigo-700 hover:ring-indigo-200 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          {example}
        </button>
      ))}
    >
      Enter an address above, or try one of these to see what a result looks like:
    </EmptyState>
  );
}

/** A refused or failed check; offers to try again only when another try may pass. */
function CheckError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const refused = errorCode(error) === 'VALIDATION_FAILED';
  // The same request gets the same refusal; a rate limit or a server failure may pass later.
  const retryable = !isClientError(error) || errorCode(error) === 'RATE_LIMITED';
  return (
    <Alert
      tone="error"
      title={refused ? 'The address was refused before checking' : 'Could not check the address'}
      testId="check-error"
    >
      <p>{userMessage(error)}</p>
      {refused ? <p>Correct the address above and check it again.</p> : null}
      {retryable ? (
        <Button variant="secondary" className="mt-3" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </Alert>
  );
}

function NotStoredBadge() {
  return (
    <span
      className="inline-flex items-center gap-1.5 rounded-full bg-slate-100 px-3 py-1 text-xs font-medium text-slate-600 ring-1 ring-inset ring-slate-200"
      data-testid="not-stored"
      title="The address is checked in memory. Results are cached for an hour under a keyed hash, never with the address."
    >
      <LockIcon className="size-3.5" />
      Checked in memory; not stored
    </span>
  );
}

export function CheckPage() {
  const { workspace } = useCurrentWorkspace();
  useDocumentTitle(`Check an address · ${workspace.name}`);
  const trpc = useTRPC();
  const [email, setEmail] = useState('');
  const [depth, setDepth] = useState<CheckDepth>('standard');
  const [emailError, setEmailError] = useState<string>();
  /** The last answer and the address it is about (the result itself never names the address). */
  const [shown, setShown] = useState<{ email: string; result: ValidationResult }>();
  const check = useMutation(
    trpc.validation.check.mutationOptions({
      onSuccess: (result, variables) => setShown({ email: variables.email, result }),
    }),
  );

  function run(address: string, chosenDepth: CheckDepth = depth) {
    setEmail(address);
    if (!address.trim()) {
      setEmailError('Enter an address to check.');
      document.getElementById(EMAIL_INPUT_ID)?.focus();
      return;
    }
    setEmailError(undefined);
    check.mutate({ workspaceId: workspace.id, email: address, depth: chosenDepth });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    run(email);
  }

  return (
    <Page
      testId="check-page"
      title="Check an address"
      description="Find out whether an email address can receive mail before you send to it."
      actions={<NotStoredBadge />}
    >
      <Card
        id="check"
        testId="check-card"
        title="Address"
        description="One address at a time. To check many, use the API with a key of this workspace."
      >
        <form noValidate onSubmit={submit} className="space-y-4" data-testid="check-form">
          <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_auto] sm:items-start">
            <Field
              id={EMAIL_INPUT_ID}
              label="Email address"
              name="check-email"
              type="email"
              inputMode="email"
              {...EXACT_INPUT}
              placeholder="ann@example.com"
              value={email}
              onValue={setEmail}
              error={emailError}
              testId="check-email"
            />
            <Button
              type="submit"
              loading={check.isPending}
              data-testid="check-submit"
              className="sm:mt-7 sm:px-5"
            >
              {check.isPending ? 'Checking…' : 'Check'}
            </Button>
          </div>
          <DepthToggle value={depth} onChange={setDepth} />
          <p className="text-xs text-slate-500">
            Checked in memory; not stored. Postern keeps no record of the addresses you check here.
          </p>
        </form>
      </Card>
      <div aria-live="polite">
        {check.isPending ? (
          <CheckingSkeleton email={check.variables.email} />
        ) : check.isError ? (
          <CheckError
            error={check.error}
            onRetry={() => check.mutate(check.variables ?? { workspaceId: workspace.id, email, depth })}
          />
        ) : shown ? (
          <ResultCard
            email={shown.email}
            result={shown.result}
            onSuggestion={(suggestion) => run(suggestion, shown.result.depth)}
          />
        ) : (
          <Examples onPick={(example) => run(example)} />
        )}
      </div>
    </Page>
  );
}
