import { useQuery } from '@tanstack/react-query';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useMeQuery } from '../auth/use-session.ts';
import { PasswordCard } from './password-card.tsx';
import { SessionsCard } from './sessions-card.tsx';
import { TwoFactorCard } from './two-factor-card.tsx';

export function SecurityPage() {
  useDocumentTitle('Security');
  const trpc = useTRPC();
  const me = useMeQuery();
  // Security data is always re-read when the page opens (never shown from a stale cache alone).
  const overview = useQuery(trpc.account.security.queryOptions(undefined, { staleTime: 0 }));

  return (
    <div className="space-y-6" data-testid="security-page">
      <PageHeader
        title="Security"
        description={
          <>
            Password, two-factor authentication and signed-in devices
            {me.data ? (
              <>
                {' '}
                for <span className="font-medium text-slate-700">{me.data.email}</span>
              </>
            ) : null}
            .
          </>
        }
      />
      {overview.isError && !overview.data ? (
        <Alert tone="error" title="Could not load your security settings" testId="security-error">
          <p>{userMessage(overview.error)}</p>
          <Button
            variant="secondary"
            className="mt-3"
            onClick={() => void overview.refetch()}
            loading={overview.isFetching}
          >
            Try again
          </Button>
        </Alert>
      ) : null}
      <PasswordCard passwordChangedAt={overview.data?.passwordChangedAt} email={me.data?.email} />
      <TwoFactorCard overview={overview.data} email={me.data?.email} />
      <SessionsCard />
    </div>
  );
}
