// Settings → Data & privacy (#28): what deleting the account does to each workspace, and the request
// itself (password, and the current code when two-factor authentication is on). A sole owner of a
// workspace other people use is told to transfer ownership first.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { Page } from '../../components/page-header.tsx';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { useForgetSession } from '../auth/use-session.ts';
import { DeletionProofForm } from '../security/two-factor-proof-form.tsx';
import { workspaceList } from './deletion-text.ts';

export function PrivacyPage() {
  useDocumentTitle('Data & privacy');
  const trpc = useTRPC();
  const status = useQuery(trpc.privacy.status.queryOptions(undefined, { staleTime: 0 }));
  const [asking, setAsking] = useState(false);
  const forget = useForgetSession();
  const request = useMutation(
    trpc.privacy.requestDeletion.mutationOptions({
      // Every session has ended: back to sign-in (the email says when the erasure happens and how to cancel).
      onSuccess: () => forget({ notice: 'signed_out' }),
    }),
  );
  const plan = status.data;
  const blocked = Boolean(plan?.mustTransfer.length);

  return (
    <Page
      testId="privacy-page"
      title="Data & privacy"
      description="Delete your account and the data it holds."
    >
      {status.isError && !plan ? (
        <LoadError title="Could not load your account's data" query={status} testId="privacy-error" />
      ) : null}
      <Card
        id="delete-account"
        testId="delete-account-card"
        title="Delete my account"
        description="After 30 days your account and its data are permanently erased. Until then you can sign in and cancel."
      >
        <div className="max-w-2xl space-y-4 text-sm text-slate-600">
          {plan?.erased.length ? (
            <p data-testid="erased-workspaces">
              Deleted with it, as only you are in them: {workspaceList(plan.erased)}. Their API keys stop
              working at once and their bulk jobs are cancelled.
            </p>
          ) : null}
          {plan?.remain.length ? (
            <p>You leave {workspaceList(plan.remain)}; their other owners keep them.</p>
          ) : null}
          {blocked && plan ? (
            <Alert tone="warning" title="Transfer ownership first" testId="must-transfer">
              You are the only owner of {workspaceList(plan.mustTransfer)}, which other people use. Make one
              of them owner (Members), or remove the other members, then come back.
            </Alert>
          ) : null}
          <p>
            The security audit log keeps its entries about you until its retention ends, as the law allows.
          </p>
          {asking ? (
            <DeletionProofForm
              title="Confirm the deletion"
              description="Every device is signed out at once. An email confirms it and says how to cancel."
              submitLabel="Delete my account"
              request={request}
              onProof={(proof) => request.mutate(proof)}
              onCancel={() => setAsking(false)}
              testId="delete-account-form"
            />
          ) : (
            <Button
              variant="danger"
              disabled={!plan || blocked}
              onClick={() => setAsking(true)}
              data-testid="delete-account-start"
            >
              Delete my account…
            </Button>
          )}
        </div>
      </Card>
    </Page>
  );
}
