import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../components/alert.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { Page } from '../../components/page-header.tsx';
import { safeNextPath } from '../../lib/safe-next.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useMeQuery } from '../auth/use-session.ts';
import { PasswordCard } from './password-card.tsx';
import { SecurityLogCard } from './security-log-card.tsx';
import { SessionsCard } from './sessions-card.tsx';
import { TwoFactorCard } from './two-factor-card.tsx';

export function SecurityPage() {
  useDocumentTitle('Security');
  const trpc = useTRPC();
  const me = useMeQuery();
  // Security data is always re-read when the page opens (never shown from a stale cache alone).
  const overview = useQuery(trpc.account.security.queryOptions(undefined, { staleTime: 0 }));
  // Sent here by a workspace that requires two-factor authentication: the way back once it is on.
  const next = useSearchParams()[0].get('next');
  const back = next ? safeNextPath(next) : undefined;

  return (
    <Page
      testId="security-page"
      title="Security"
      description={
        <>
          Password, two-factor authentication, signed-in devices and the security log
          {me.data ? (
            <>
              {' '}
              for <span className="font-medium text-slate-700">{me.data.email}</span>
            </>
          ) : null}
          .
        </>
      }
    >
      {overview.isError && !overview.data ? (
        <LoadError title="Could not load your security settings" query={overview} testId="security-error" />
      ) : null}
      {back && overview.data?.twoFactorEnabled ? (
        <Alert tone="success" title="Two-factor authentication is on" testId="two-factor-back">
          <Link to={back} className="font-medium underline underline-offset-2">
            Back to the workspace
          </Link>
        </Alert>
      ) : back ? (
        <Alert
          tone="info"
          title="Your workspace requires two-factor authentication"
          testId="two-factor-asked"
        >
          Turn it on below to open the workspace.
        </Alert>
      ) : null}
      <PasswordCard passwordChangedAt={overview.data?.passwordChangedAt} email={me.data?.email} />
      <TwoFactorCard overview={overview.data} email={me.data?.email} />
      <SessionsCard />
      <SecurityLogCard />
    </Page>
  );
}
