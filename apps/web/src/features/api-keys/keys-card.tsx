// The workspace's API keys: what each is, who made it, when it was last used, how much, its state.
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Badge, type BadgeTone } from '../../components/badge.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { KeyIcon, PlusIcon } from '../../components/icons.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { cn } from '../../lib/cn.ts';
import { formatDate, formatDateTime, formatRelative, formatUntil } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useInvalidateWorkspaces } from '../workspaces/use-workspaces.ts';
import { type KeyStatus, keyStatus, sortKeys } from './api-keys-model.ts';
import { ApiSnippet, DocsLink } from './api-snippet.tsx';
import type { ApiKeyRow, useKeysQuery } from './use-api-keys.ts';

const NUMBER = new Intl.NumberFormat('en');

const STATUS: Record<KeyStatus, { label: string; tone: BadgeTone }> = {
  active: { label: 'Active', tone: 'emerald' },
  revoked: { label: 'Revoked', tone: 'rose' },
  expired: { label: 'Expired', tone: 'amber' },
};

function KeysSkeleton() {
  return (
    <div data-testid="keys-loading" aria-busy="true" className="divide-y divide-slate-100 px-5 sm:px-6">
      <span className="sr-only">Loading API keys…</span>
      {[0, 1].map((row) => (
        <div key={row} className="flex items-center gap-6 py-4">
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-4 w-32" />
          <Skeleton className="ml-auto h-5 w-16 rounded-full" />
        </div>
      ))}
    </div>
  );
}

export function KeysCard({
  workspaceId,
  keys,
  canManage,
  onCreate,
  notice,
}: {
  workspaceId: string;
  keys: ReturnType<typeof useKeysQuery>;
  canManage: boolean;
  onCreate: () => void;
  notice?: string | undefined;
}) {
  const trpc = useTRPC();
  const now = useNow(30_000);
  const invalidateWorkspaces = useInvalidateWorkspaces();
  const [revoking, setRevoking] = useState<ApiKeyRow>();
  const [revoked, setRevoked] = useState<string>();
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        const name = revoking?.name;
        setRevoking(undefined);
        await keys.refetch();
        setRevoked(
          name ? `“${name}” was revoked. Requests with it are refused from now on.` : 'Key revoked.',
        );
      },
      onError: (error) => {
        if (workspaceActionError(error, 'revokeKey').staleRole) void invalidateWorkspaces();
      },
    }),
  );
  const problem = revoke.isError ? workspaceActionError(revoke.error, 'revokeKey') : undefined;
  const list = keys.data ? sortKeys(keys.data.keys, now) : [];

  let body: ReactNode;
  if (keys.isPending) body = <KeysSkeleton />;
  else if (keys.isError && !keys.data)
    body = (
      <LoadError
        title="Could not load the API keys"
        error={keys.error}
        onRetry={() => void keys.refetch()}
        retrying={keys.isFetching}
        testId="keys-error"
        className="m-5 sm:m-6"
      />
    );
  else if (list.length === 0)
    body = (
      <div data-testid="keys-empty" className="flex flex-col items-center px-6 py-10 text-center">
        <div className="flex size-11 items-center justify-center rounded-full bg-indigo-50 text-indigo-600">
          <KeyIcon className="size-5" />
        </div>
        <h3 className="mt-3 text-sm font-semibold text-slate-900">No API keys yet</h3>
        <p className="mt-1 max-w-md text-sm text-slate-500">
          {canManage
            ? 'Create a key to call the Postern REST API from your servers. Send it as a Bearer token:'
            : 'Owners and admins create keys to call the Postern REST API. Calls look like this:'}
        </p>
        <div className="mt-4 w-full max-w-xl">
          <ApiSnippet testId="api-snippet" />
        </div>
        <div className="mt-5 flex flex-wrap items-center justify-center gap-4 text-sm">
          {canManage ? (
            <Button onClick={onCreate} data-testid="create-key-empty">
              <PlusIcon className="size-4" />
              Create your first key
            </Button>
          ) : null}
          <DocsLink />
        </div>
      </div>
    );
  else
    body = (
      <div className="relative overflow-x-auto">
        <table data-testid="keys-table" className="w-full text-left text-sm">
          <caption className="sr-only">API keys of the workspace</caption>
          <thead className="border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500">
            <tr>
              <th scope="col" className="px-5 py-2.5 font-medium sm:px-6">
                Name
              </th>
              <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
                Key
              </th>
              <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
                Created
              </th>
              <th scope="col" className="px-3 py-2.5 font-medium">
                Last used
              </th>
              <th scope="col" className="hidden px-3 py-2.5 text-right font-medium sm:table-cell">
                Requests
              </th>
              <th scope="col" className="px-3 py-2.5 font-medium">
                Status
              </th>
              <th scope="col" className="px-5 py-2.5 text-right font-medium sm:px-6">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((key) => {
              const status = keyStatus(key, now);
              return (
                <tr
                  key={key.id}
                  data-testid="api-key-row"
                  data-name={key.name}
                  data-status={status}
                  className={cn(status !== 'active' && 'text-slate-400')}
                >
                  <td className="px-5 py-3 sm:px-6">
                    <span
                      className={cn('font-medium', status === 'active' ? 'text-slate-900' : 'text-slate-500')}
                    >
                      {key.name}
                    </span>
                    <code className="block font-mono text-xs text-slate-500 md:hidden">
                      {key.displayPrefix}
                    </code>
                    {key.expiresAt && status === 'active' ? (
                      <span className="block text-xs text-amber-700">
                        Expires{' '}
                        <time dateTime={key.expiresAt} title={formatDateTime(key.expiresAt)}>
                          {formatUntil(Date.parse(key.expiresAt), now)}
                        </time>
                      </span>
                    ) : null}
                  </td>
                  <td className="hidden px-3 py-3 md:table-cell">
                    <code
                      className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700"
                      data-testid="key-prefix"
                    >
                      {key.displayPrefix}
                    </code>
                  </td>
                  <td className="hidden px-3 py-3 text-slate-600 lg:table-cell">
                    <time dateTime={key.createdAt} title={formatDateTime(key.createdAt)}>
                      {formatDate(key.createdAt)}
                    </time>
                    <span
                      className="block max-w-48 truncate text-xs text-slate-500"
                      title={key.createdBy ?? undefined}
                    >
                      by {key.createdBy ?? 'a former member'}
                    </span>
                  </td>
                  <td className="px-3 py-3 whitespace-nowrap text-slate-600" data-testid="key-last-used">
                    {key.lastUsedAt ? (
                      <time dateTime={key.lastUsedAt} title={formatDateTime(key.lastUsedAt)}>
                        {formatRelative(Date.parse(key.lastUsedAt), now)}
                      </time>
                    ) : (
                      <span className="text-slate-400">Never</span>
                    )}
                  </td>
                  <td
                    className="hidden px-3 py-3 text-right text-slate-700 tabular-nums sm:table-cell"
                    data-testid="key-usage"
                  >
                    {NUMBER.format(key.usageCount)}
                  </td>
                  <td className="px-3 py-3">
                    <Badge
                      tone={STATUS[status].tone}
                      dot
                      testId="key-status"
                      title={
                        key.revokedAt
                          ? `Revoked ${formatDateTime(key.revokedAt)}`
                          : key.expiresAt
                            ? `Expires ${formatDateTime(key.expiresAt)}`
                            : undefined
                      }
                    >
                      {STATUS[status].label}
                    </Badge>
                  </td>
                  <td className="px-5 py-3 text-right sm:px-6">
                    {canManage && status === 'active' ? (
                      <Button
                        variant="secondary"
                        className="px-2.5 py-1.5 text-xs"
                        data-testid="revoke-key"
                        aria-label={`Revoke ${key.name}`}
                        onClick={() => {
                          revoke.reset();
                          setRevoked(undefined);
                          setRevoking(key);
                        }}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );

  const shownNotice = revoked ?? notice;
  return (
    <Card
      id="keys"
      testId="keys-card"
      bodyClassName="pb-1"
      title="API keys"
      description="Keys authenticate calls to the REST API on behalf of this workspace."
      actions={
        canManage && list.length > 0 ? (
          <Button onClick={onCreate} data-testid="create-key">
            <PlusIcon className="size-4" />
            Create key
          </Button>
        ) : undefined
      }
    >
      {shownNotice ? (
        <Alert tone="success" testId="keys-notice" className="mx-5 mt-5 mb-4 sm:mx-6">
          {shownNotice}
        </Alert>
      ) : null}
      {body}
      <ConfirmDialog
        open={revoking !== undefined}
        testId="revoke-key-dialog"
        title="Revoke this API key?"
        confirmLabel="Revoke key"
        busy={revoke.isPending}
        error={problem ? `${problem.title}. ${problem.message}` : undefined}
        onCancel={() => setRevoking(undefined)}
        onConfirm={() => revoking && revoke.mutate({ workspaceId, keyId: revoking.id })}
      >
        {revoking ? (
          <p>
            Every request with <span className="font-medium text-slate-900">“{revoking.name}”</span> (
            <code className="font-mono text-xs">{revoking.displayPrefix}</code>) is refused from now on. This
            cannot be undone.
          </p>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}
