// Where the account is signed in: one row per session, revoke one, or sign out all the others.
import type { Session } from '@postern/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { MonitorIcon, SmartphoneIcon, TabletIcon } from '../../components/icons.tsx';
import { Skeleton } from '../../components/skeleton.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { cn } from '../../lib/cn.ts';
import { formatDateTime, formatRelative } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { deviceKind, deviceLabel, sessionTitle, sortSessions } from './sessions.ts';

const DEVICE_ICONS = { desktop: MonitorIcon, mobile: SmartphoneIcon, tablet: TabletIcon, other: MonitorIcon };

type Pending = { kind: 'one'; session: Session } | { kind: 'others'; count: number };

function ThisDeviceBadge() {
  return (
    <span
      data-testid="this-device"
      className="inline-flex items-center rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700 ring-1 ring-inset ring-indigo-600/20"
    >
      This device
    </span>
  );
}

function SessionsSkeleton() {
  return (
    <div data-testid="sessions-loading" aria-busy="true" className="divide-y divide-slate-100">
      <span className="sr-only">Loading sessions…</span>
      {[0, 1, 2].map((row) => (
        <div key={row} className="flex items-center gap-4 py-3.5">
          <Skeleton className="size-9 rounded-lg" />
          <div className="flex-1 space-y-2">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-3 w-24" />
          </div>
          <Skeleton className="hidden h-4 w-28 md:block" />
          <Skeleton className="hidden h-4 w-24 md:block" />
          <Skeleton className="h-8 w-20" />
        </div>
      ))}
    </div>
  );
}

export function SessionsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const now = useNow(30_000);
  const sessions = useQuery(
    trpc.account.listSessions.queryOptions(undefined, { staleTime: 0, refetchInterval: 60_000 }),
  );
  const [pending, setPending] = useState<Pending>();
  const [notice, setNotice] = useState<string>();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.account.listSessions.queryKey() });

  const revoke = useMutation(
    trpc.account.revokeSession.mutationOptions({
      onSuccess: async (_result, variables) => {
        await invalidate();
        const session = pending?.kind === 'one' ? pending.session : undefined;
        setPending(undefined);
        setNotice(
          session && session.id === variables.id
            ? `${sessionTitle(session)} was signed out.`
            : 'The session was signed out.',
        );
      },
    }),
  );
  const revokeOthers = useMutation(
    trpc.account.revokeOtherSessions.mutationOptions({
      onSuccess: async (result) => {
        await invalidate();
        setPending(undefined);
        setNotice(
          result.revoked === 1
            ? 'Signed out 1 other session.'
            : `Signed out ${result.revoked} other sessions.`,
        );
      },
    }),
  );

  const list = sessions.data ? sortSessions(sessions.data.sessions) : [];
  const others = list.filter((session) => !session.current).length;
  const closeDialog = () => {
    setPending(undefined);
    revoke.reset();
    revokeOthers.reset();
  };

  let body: ReactNode;
  if (sessions.isPending) {
    body = (
      <div className="px-5 py-2 sm:px-6">
        <SessionsSkeleton />
      </div>
    );
  } else if (sessions.isError && !sessions.data) {
    body = (
      <Alert tone="error" title="Could not load your sessions" testId="sessions-error" className="m-5 sm:m-6">
        <p>{userMessage(sessions.error)}</p>
        <Button
          variant="secondary"
          className="mt-3"
          onClick={() => void sessions.refetch()}
          loading={sessions.isFetching}
        >
          Try again
        </Button>
      </Alert>
    );
  } else if (list.length === 0) {
    body = (
      <p data-testid="sessions-empty" className="px-5 py-8 text-center text-sm text-slate-500">
        No active sessions.
      </p>
    );
  } else {
    body = (
      <div className="overflow-x-auto">
        <table data-testid="sessions-table" className="w-full text-left text-sm">
          <caption className="sr-only">Signed-in sessions</caption>
          <thead className="border-b border-slate-100 bg-slate-50/70 text-xs font-medium text-slate-500">
            <tr>
              <th scope="col" className="px-5 py-2.5 font-medium sm:px-6">
                Device
              </th>
              <th scope="col" className="hidden px-3 py-2.5 font-medium md:table-cell">
                Location
              </th>
              <th scope="col" className="hidden px-3 py-2.5 font-medium lg:table-cell">
                IP address
              </th>
              <th scope="col" className="hidden px-3 py-2.5 font-medium sm:table-cell">
                Last active
              </th>
              <th scope="col" className="px-5 py-2.5 text-right font-medium sm:px-6">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.map((session) => {
              const Icon = DEVICE_ICONS[deviceKind(session.deviceType)];
              const title = sessionTitle(session);
              const lastActive = session.current
                ? 'Active now'
                : formatRelative(Date.parse(session.lastActiveAt), now);
              return (
                <tr
                  key={session.id}
                  data-testid="session-row"
                  data-session-id={session.id}
                  data-current={session.current}
                  className={cn(session.current && 'bg-indigo-50/30')}
                >
                  <td className="px-5 py-3.5 sm:px-6">
                    <div className="flex items-center gap-3">
                      <div
                        className={cn(
                          'flex size-9 shrink-0 items-center justify-center rounded-lg',
                          session.current ? 'bg-indigo-100 text-indigo-600' : 'bg-slate-100 text-slate-500',
                        )}
                      >
                        <Icon className="size-5" />
                      </div>
                      <div className="min-w-0">
                        <div className="flex flex-wrap items-center gap-2">
                          <span className="font-medium text-slate-900" data-testid="session-title">
                            {title}
                          </span>
                          {session.current ? <ThisDeviceBadge /> : null}
                        </div>
                        <p className="text-xs text-slate-500">
                          <span data-testid="session-device">{deviceLabel(session.deviceType)}</span>
                          <span className="sm:hidden"> · {lastActive}</span>
                          <span className="md:hidden"> · {session.location ?? 'Unknown location'}</span>
                          <span className="lg:hidden"> · {session.ip ?? 'IP unknown'}</span>
                        </p>
                      </div>
                    </div>
                  </td>
                  <td
                    className="hidden px-3 py-3.5 text-slate-600 md:table-cell"
                    data-testid="session-location"
                  >
                    {session.location ?? <span className="text-slate-400">Unknown</span>}
                  </td>
                  <td
                    className="hidden px-3 py-3.5 font-mono text-xs text-slate-600 lg:table-cell"
                    data-testid="session-ip"
                  >
                    {session.ip ?? <span className="font-sans text-slate-400">—</span>}
                  </td>
                  <td className="hidden px-3 py-3.5 whitespace-nowrap text-slate-600 sm:table-cell">
                    <time
                      dateTime={session.lastActiveAt}
                      title={formatDateTime(session.lastActiveAt)}
                      data-testid="session-last-active"
                    >
                      {lastActive}
                    </time>
                  </td>
                  <td className="px-5 py-3.5 text-right sm:px-6">
                    {session.current ? null : (
                      <Button
                        variant="secondary"
                        className="px-2.5 py-1.5 text-xs"
                        data-testid="revoke-session"
                        aria-label={`Revoke ${title}${session.location ? ` in ${session.location}` : ''}`}
                        onClick={() => {
                          setNotice(undefined);
                          setPending({ kind: 'one', session });
                        }}
                      >
                        Revoke
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <Card
      id="sessions"
      testId="sessions-card"
      bodyClassName="pb-1"
      title="Sessions"
      description="Devices signed in to your account. Revoke any you do not recognise."
      actions={
        <Button
          variant="secondary"
          data-testid="revoke-others"
          disabled={others === 0}
          onClick={() => {
            setNotice(undefined);
            setPending({ kind: 'others', count: others });
          }}
        >
          Sign out all other sessions
        </Button>
      }
    >
      {notice ? (
        <Alert tone="success" testId="sessions-notice" className="mx-5 mt-5 mb-4 sm:mx-6">
          {notice}
        </Alert>
      ) : null}
      {body}
      <ConfirmDialog
        open={pending?.kind === 'one'}
        testId="revoke-dialog"
        title="Revoke this session?"
        confirmLabel="Revoke session"
        busy={revoke.isPending}
        error={revoke.isError ? userMessage(revoke.error) : undefined}
        onCancel={closeDialog}
        onConfirm={() => pending?.kind === 'one' && revoke.mutate({ id: pending.session.id })}
      >
        {pending?.kind === 'one' ? (
          <p>
            <span className="font-medium text-slate-900">{sessionTitle(pending.session)}</span>
            {pending.session.location ? ` in ${pending.session.location}` : ''} will be signed out on its next
            request.
          </p>
        ) : null}
      </ConfirmDialog>
      <ConfirmDialog
        open={pending?.kind === 'others'}
        testId="revoke-others-dialog"
        title="Sign out all other sessions?"
        confirmLabel="Sign out others"
        busy={revokeOthers.isPending}
        error={revokeOthers.isError ? userMessage(revokeOthers.error) : undefined}
        onCancel={closeDialog}
        onConfirm={() => revokeOthers.mutate()}
      >
        {pending?.kind === 'others' ? (
          <p>
            {pending.count === 1 ? 'One other device' : `${pending.count} other devices`} will be signed out.
            This device stays signed in.
          </p>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}
