// The endpoint's signing secret: hidden until revealed (each reveal is audited), with the previous
// secret too during a rotation overlap; rotation with a chosen overlap.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Notice, ProblemAlert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { EyeIcon, EyeOffIcon, RefreshIcon } from '../../components/icons.tsx';
import { SecretValue } from '../../components/secret-value.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { RotateSecretDialog } from './rotate-secret-dialog.tsx';
import { useRefreshWebhooks, type WebhookEndpoint, type WebhookSecret } from './use-webhooks.ts';
import { webhookActionError } from './webhook-errors.ts';
import { maskSecret, overlapLeftText } from './webhooks-model.ts';

function overlapActive(until: string | null, now: number): until is string {
  return until !== null && Date.parse(until) > now;
}

export function SecretCard({ endpoint, canManage }: { endpoint: WebhookEndpoint; canManage: boolean }) {
  const { workspace } = useCurrentWorkspace();
  const trpc = useTRPC();
  const now = useNow(30_000);
  const refresh = useRefreshWebhooks();
  const refusal = useRefusal((error) => webhookActionError(error, 'reveal'));
  const [shown, setShown] = useState<WebhookSecret>();
  const [rotating, setRotating] = useState(false);
  const [rotatedNotice, setRotatedNotice] = useState<string>();

  const reveal = useMutation(
    trpc.webhooks.revealSecret.mutationOptions({
      onSuccess: (secret) => setShown(secret),
      onError: refusal.onError,
    }),
  );
  const problem = refusal.problem(reveal);
  const ref = { workspaceId: workspace.id, endpointId: endpoint.id };
  const overlapUntil = shown ? shown.previousSecretExpiresAt : endpoint.previousSecretExpiresAt;
  const inOverlap = overlapActive(overlapUntil, now);

  return (
    <Card
      id="signing-secret"
      testId="secret-card"
      title="Signing secret"
      description="Your receiver checks each request's webhook-signature header with it."
      actions={
        canManage ? (
          <Button
            variant="secondary"
            onClick={() => {
              setRotatedNotice(undefined);
              setRotating(true);
            }}
            data-testid="rotate-secret"
          >
            <RefreshIcon className="size-4 text-slate-500" />
            Rotate
          </Button>
        ) : undefined
      }
    >
      <div className="space-y-4">
        <Notice testId="rotated-notice">{rotatedNotice}</Notice>
        <ProblemAlert problem={problem} testId="reveal-error" />
        {shown ? (
          <div className="space-y-4" data-testid="secret-revealed">
            <div>
              <p className="text-sm font-medium text-slate-800">
                {shown.previousSecret ? 'Current secret' : 'Secret'}
              </p>
              <SecretValue secret={shown.secret} testId="current-secret" className="mt-1.5" />
            </div>
            {shown.previousSecret && inOverlap ? (
              <div>
                <p className="text-sm font-medium text-slate-800">Previous secret</p>
                <SecretValue
                  secret={shown.previousSecret}
                  testId="previous-secret"
                  copyLabel="Copy"
                  className="mt-1.5"
                />
                <p className="mt-1.5 text-xs text-slate-500" data-testid="previous-secret-until">
                  {`Still signs every request until ${formatDateTime(overlapUntil)} (${overlapLeftText(overlapUntil, now)}): both signatures are sent until then.`}
                </p>
              </div>
            ) : null}
            <Button variant="ghost" onClick={() => setShown(undefined)} data-testid="hide-secret">
              <EyeOffIcon className="size-4" />
              Hide
            </Button>
          </div>
        ) : (
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
            <code
              className="min-w-0 flex-1 rounded-lg bg-slate-100 px-3 py-2.5 font-mono text-sm text-slate-600 ring-1 ring-slate-200"
              data-testid="secret-hidden"
            >
              <span aria-hidden="true">{maskSecret()}</span>
              <span className="sr-only">Hidden: reveal it to see it.</span>
            </code>
            {canManage ? (
              <Button
                variant="secondary"
                onClick={() => reveal.mutate(ref)}
                loading={reveal.isPending}
                data-testid="reveal-secret"
              >
                {reveal.isPending ? null : <EyeIcon className="size-4 text-slate-500" />}
                Reveal
              </Button>
            ) : null}
          </div>
        )}
        {!shown && inOverlap ? (
          <p className="text-xs text-slate-500" data-testid="overlap-note">
            {`Rotation in progress: the previous secret also signs every request until ${formatDateTime(overlapUntil)} (${overlapLeftText(overlapUntil, now)}).`}
          </p>
        ) : null}
        <p className="text-xs text-slate-500">
          Revealing is recorded in the audit log. Keep the secret in your server's secret store, never in
          client code.
        </p>
      </div>
      {canManage ? (
        <RotateSecretDialog
          open={rotating}
          endpointRef={ref}
          onClose={() => setRotating(false)}
          onRotated={(secret, overlapHours) => {
            setRotating(false);
            setShown(secret);
            setRotatedNotice(
              overlapHours > 0 && secret.previousSecretExpiresAt
                ? `New secret in use. The previous one keeps signing too until ${formatDateTime(secret.previousSecretExpiresAt)}: update your receiver before then.`
                : 'New secret in use. The previous one no longer signs: update your receiver now.',
            );
            void refresh();
          }}
        />
      ) : null}
    </Card>
  );
}
