// What an OAuth mailbox (Gmail, Outlook) shows in its connection instead of a password: the provider,
// the scopes the grant gave, when the access token was last renewed, and, once disconnected, whether
// the grant was revoked at the provider, with the provider's page where the user can remove it too.
import type { MailboxOAuthProvider } from '@postern/contracts';
import { DetailRow } from '../../components/detail-row.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { PROVIDER_LABEL, revocationText } from './mailbox-model.ts';
import { useOAuthProviders } from './oauth-connect.tsx';
import type { Mailbox } from './use-mailboxes.ts';

/** The provider's account page, where the app's access can be removed by hand. */
export function AccountPageLink({ url, provider }: { url: string; provider: MailboxOAuthProvider }) {
  return (
    <a
      href={url}
      target="_blank"
      rel="noreferrer noopener"
      className="font-medium text-indigo-700 hover:underline"
      data-testid="oauth-account-page"
    >
      {PROVIDER_LABEL[provider]} account permissions
    </a>
  );
}

export function OAuthAccessRows({
  mailbox,
  provider,
  workspaceId,
}: {
  mailbox: Mailbox;
  provider: MailboxOAuthProvider;
  workspaceId: string;
}) {
  const providers = useOAuthProviders(workspaceId);
  const scopes = providers.data?.providers.find((entry) => entry.provider === provider)?.scopes ?? [];
  const oauth = mailbox.oauth;
  return (
    <>
      <DetailRow label="Signed in with" testId="oauth-provider">
        {PROVIDER_LABEL[provider]} (no password is stored: Postern holds the provider’s grant)
      </DetailRow>
      {scopes.length > 0 ? (
        <DetailRow label="Access granted" testId="oauth-scopes">
          <ul className="space-y-0.5 font-mono text-xs [overflow-wrap:anywhere]">
            {scopes.map((scope) => (
              <li key={scope}>{scope}</li>
            ))}
          </ul>
        </DetailRow>
      ) : null}
      {oauth?.lastRefreshAt ? (
        <DetailRow label="Access renewed" testId="oauth-last-refresh">
          {formatDateTime(oauth.lastRefreshAt)}
        </DetailRow>
      ) : null}
      {mailbox.status === 'disconnected' && oauth ? (
        <DetailRow label="Access at the provider" testId="oauth-revocation">
          <span data-revocation={oauth.revocation ?? 'none'}>{revocationText(oauth.revocation)}</span>{' '}
          <AccountPageLink url={oauth.accountPageUrl} provider={provider} />
        </DetailRow>
      ) : null}
    </>
  );
}
