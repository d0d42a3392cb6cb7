// The workspace's API keys: what each is, what it may do, who made it, when it was last used, how much,
// its state; owners and admins roll (new secret, old one kept for an overlap) and revoke.
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { RowConfirmAction } from '../../components/confirm-action.tsx';
import { KeyIcon, PlusIcon } from '../../components/icons.tsx';
import { afterRowAction } from '../../components/list-kit/after-row-action.ts';
import type { EmptyWords } from '../../components/list-kit/list-state.tsx';
import { ListTable } from '../../components/list-kit/list-table.tsx';
import { ListNotice, RowButton } from '../../components/list-kit/row-button.tsx';
import { rowMutation, useRowConfirm } from '../../components/list-kit/use-row-confirm.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { workspaceActionError } from '../workspaces/action-errors.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { keyStatus, sortKeys } from './api-keys-model.ts';
import { ApiSnippet, DocsLink } from './api-snippet.tsx';
import { keyColumns } from './key-columns.tsx';
import { RollKeyDialog } from './roll-key-dialog.tsx';
import type { ApiKeyRow, useKeysQuery } from './use-api-keys.ts';

/** What the empty list says: how to call the API, and (to owners and admins) the first key. */
function noKeys(canManage: boolean, onCreate: () => void): EmptyWords {
  return {
    accent: true,
    icon: KeyIcon,
    title: 'No API keys yet',
    extra: <ApiSnippet testId="api-snippet" />,
    action: (
      <>
        {canManage ? (
          <Button onClick={onCreate} data-testid="create-key-empty">
            <PlusIcon className="size-4" />
            Create your first key
          </Button>
        ) : null}
        <DocsLink />
      </>
    ),
    children: canManage
      ? 'Create a key to call the Postern REST API from your servers. Send it as a Bearer token:'
      : 'Owners and admins create keys to call the Postern REST API. Calls look like this:',
  };
}

function RevokeKeyText({ apiKey }: { apiKey: ApiKeyRow }) {
  return (
    <p>
      Every request with <span className="font-medium text-slate-900">“{apiKey.name}”</span> (
      <code className="font-mono text-xs">{apiKey.displayPrefix}</code>) is refused from now on. This cannot
      be undone.
    </p>
  );
}

/** Roll (active keys) and revoke (active, or rolled and still in the overlap). */
function KeyActions({
  apiKey,
  now,
  onRoll,
  onRevoke,
}: {
  apiKey: ApiKeyRow;
  now: number;
  onRoll: () => void;
  onRevoke: () => void;
}) {
  const status = keyStatus(apiKey, now);
  if (status !== 'active' && status !== 'rolling') return null;
  return (
    <span className="inline-flex gap-2">
      {status === 'active' ? (
        <RowButton testId="roll-key" label={`Roll ${apiKey.name}`} onClick={onRoll}>
          Roll
        </RowButton>
      ) : null}
      <RowButton testId="revoke-key" label={`Revoke ${apiKey.name}`} onClick={onRevoke}>
        Revoke
      </RowButton>
    </span>
  );
}

function CreateKeyButton({ onCreate }: { onCreate: () => void }) {
  return (
    <Button onClick={onCreate} data-testid="create-key">
      <PlusIcon className="size-4" />
      Create key
    </Button>
  );
}

interface KeysCardProps {
  workspaceId: string;
  keys: ReturnType<typeof useKeysQuery>;
  canManage: boolean;
  onCreate: () => void;
  notice?: ReactNode;
}

const SKELETON = { rows: 2, cells: ['h-4 w-40', 'h-4 w-32', 'ml-auto h-5 w-16 rounded-full'] };

export function KeysCard({ workspaceId, keys, canManage, onCreate, notice }: KeysCardProps) {
  const trpc = useTRPC();
  const now = useNow(30_000);
  const confirm = useRowConfirm<ApiKeyRow>();
  const [rolling, setRolling] = useState<ApiKeyRow>();
  const refusal = useRefusal((error) => workspaceActionError(error, 'revokeKey'));
  const revoke = useMutation(
    trpc.apiKeys.revoke.mutationOptions({
      onSuccess: afterRowAction(confirm, keys.refetch, (key) =>
        key ? `“${key.name}” was revoked. Requests with it are refused from now on.` : 'Key revoked.',
      ),
      onError: refusal.onError,
    }),
  );
  const revokeRow = rowMutation(confirm, revoke, refusal.problem(revoke), {
    testId: 'revoke-key-dialog',
    title: 'Revoke this API key?',
    confirmLabel: 'Revoke key',
  });
  const list = keys.data ? sortKeys(keys.data.keys, now) : [];
  const shownNotice = confirm.notice ?? notice;
  return (
    <Card
      id="keys"
      testId="keys-card"
      bodyClassName="pb-1"
      title="API keys"
      description="Keys authenticate calls to the REST API on behalf of this workspace."
      actions={canManage && list.length > 0 ? <CreateKeyButton onCreate={onCreate} /> : undefined}
    >
      <ListNotice testId="keys-notice">{shownNotice}</ListNotice>
      <ListTable
        state={{
          query: keys,
          name: 'keys',
          what: 'the API keys',
          skeleton: SKELETON,
          empty: noKeys(canManage, onCreate),
        }}
        rows={list}
        columns={keyColumns(now)}
        caption="API keys of the workspace"
        rowData={(key) => ({ 'data-name': key.name, 'data-status': keyStatus(key, now) })}
        rowClassName={(key) => keyStatus(key, now) !== 'active' && 'text-slate-500'}
        actions={(key) =>
          canManage ? (
            <KeyActions
              apiKey={key}
              now={now}
              onRoll={() => setRolling(key)}
              onRevoke={() => revokeRow.ask(key)}
            />
          ) : null
        }
      />
      <RollKeyDialog
        workspaceId={workspaceId}
        apiKey={rolling}
        onClose={() => setRolling(undefined)}
        onRolled={(name) => {
          void keys.refetch();
          confirm.setNotice(`“${name}” was rolled: deploy the new secret before the old one stops.`);
        }}
      />
      <RowConfirmAction
        {...revokeRow.dialog}
        onConfirm={(key) => revoke.mutate({ workspaceId, keyId: key.id })}
      >
        {(key) => <RevokeKeyText apiKey={key} />}
      </RowConfirmAction>
    </Card>
  );
}
