// Gmail and Outlook (OAuth, docs/mailboxes.md): "Connect Gmail" / "Connect Outlook" for the providers
// this deployment configured, "Reconnect" for a mailbox whose grant the provider refused, and the notice
// when the provider sends the browser back (`?oauth=<result>`). Starting asks the API for a single-use
// authorization and sends the whole browser there (the provider's page cannot run in a dialog).
import type { MailboxOAuthProvider } from '@postern/contracts';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { Alert, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { MailIcon, RefreshIcon } from '../../components/icons.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { mailboxActionError } from './mailbox-errors.ts';
import { oauthReturnNotice, PROVIDER_LABEL, withoutOAuthParams } from './mailbox-model.ts';

const CLIENT_ID_ENV: Record<MailboxOAuthProvider, string> = {
  gmail: 'OAUTH_GOOGLE_CLIENT_ID',
  outlook: 'OAUTH_MICROSOFT_CLIENT_ID',
};

export function useOAuthProviders(workspaceId: string) {
  const trpc = useTRPC();
  return useQuery(trpc.mailboxes.oauthProviders.queryOptions({ workspaceId }, { staleTime: 60_000 }));
}

/** oauthStart, then the browser goes to the provider; a refusal is shown where the button is. */
export function useOAuthStart() {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => mailboxActionError(error, 'oauth'));
  const start = useMutation(
    trpc.mailboxes.oauthStart.mutationOptions({
      onSuccess: ({ authorizeUrl }) => window.location.assign(authorizeUrl),
      onError: refusal.onError,
    }),
  );
  return { start, problem: refusal.problem(start) };
}

/** The connect buttons of the configured providers (owners and admins; the page decides). */
export function OAuthConnectButtons({
  workspaceId,
  disabled,
  start,
}: {
  workspaceId: string;
  disabled: boolean;
  start: ReturnType<typeof useOAuthStart>['start'];
}) {
  const providers = useOAuthProviders(workspaceId);
  const configured = (providers.data?.providers ?? []).filter((entry) => entry.configured);
  return (
    <>
      {configured.map(({ provider }) => (
        <Button
          key={provider}
          variant="secondary"
          disabled={disabled || start.isPending}
          loading={start.isPending && start.variables?.provider === provider}
          onClick={() => start.mutate({ workspaceId, provider })}
          data-testid={`connect-${provider}`}
        >
          <MailIcon className="size-4 text-slate-500" />
          Connect {PROVIDER_LABEL[provider]}
        </Button>
      ))}
    </>
  );
}

/** One line per provider the operator has not configured, and a refused start. */
export function OAuthSetupNotes({
  workspaceId,
  problem,
}: {
  workspaceId: string;
  problem: ReturnType<typeof useOAuthStart>['problem'];
}) {
  const providers = useOAuthProviders(workspaceId);
  const missing = (providers.data?.providers ?? []).filter((entry) => !entry.configured);
  return (
    <>
      <ProblemAlert problem={problem} testId="oauth-start-error" />
      {missing.map(({ provider }) => (
        <p key={provider} className="text-xs text-slate-500" data-testid={`oauth-unconfigured-${provider}`}>
          Connecting with {PROVIDER_LABEL[provider]} needs the operator to set {CLIENT_ID_ENV[provider]} (and
          its secret) on the server: see docs/mailboxes.md.
        </p>
      ))}
    </>
  );
}

/** "Reconnect" for an OAuth mailbox: the same account signs in at the provider again. */
export function OAuthReconnectButton({
  workspaceId,
  provider,
}: {
  workspaceId: string;
  provider: MailboxOAuthProvider;
}) {
  const { start, problem } = useOAuthStart();
  return (
    <span className="inline-flex flex-col items-start gap-2">
      <Button
        variant="secondary"
        loading={start.isPending}
        onClick={() => start.mutate({ workspaceId, provider })}
        data-testid="oauth-reconnect"
      >
        {start.isPending ? null : <RefreshIcon className="size-4 text-slate-500" />}
        Reconnect
      </Button>
      <ProblemAlert problem={problem} testId="oauth-reconnect-error" />
    </span>
  );
}

/**
 * The result the provider's round trip ended with, read once from the URL: shown (and focused, so a
 * screen reader says it), then the parameters leave the URL so a reload does not repeat it.
 */
export function OAuthReturnNotice({ onReturned }: { onReturned?: () => void }) {
  const location = useLocation();
  const navigate = useNavigate();
  const [notice, setNotice] = useState<ReturnType<typeof oauthReturnNotice>>(null);
  const ref = useRef<HTMLDivElement>(null);
  const returned = useRef(onReturned);
  returned.current = onReturned;

  useEffect(() => {
    const found = oauthReturnNotice(location.search);
    if (!found) return;
    setNotice(found);
    returned.current?.();
    void navigate(withoutOAuthParams(window.location.href), { replace: true });
  }, [location.search, navigate]);

  useEffect(() => {
    if (notice) ref.current?.focus();
  }, [notice]);

  if (!notice) return null;
  return (
    <div
      ref={ref}
      tabIndex={-1}
      className="outline-none"
      data-testid="oauth-notice"
      data-result={notice.result}
    >
      <Alert tone={notice.tone} title={notice.tone === 'success' ? 'Connected' : 'Nothing was connected'}>
        {notice.text}
      </Alert>
    </div>
  );
}
