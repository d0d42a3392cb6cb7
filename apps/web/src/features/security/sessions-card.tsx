// Where the account is signed in: one row per session, revoke one, or sign out all the others.
import type { Session } from '@postern/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { MonitorIcon, SmartphoneIcon, TabletIcon } from '../../components/icons.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { ListTable } from '../../components/list-kit/list-table.tsx';
import { ListNotice, RowButton } from '../../components/list-kit/row-button.tsx';
import { useRowConfirm } from '../../components/list-kit/use-row-confirm.ts';
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

function DeviceCell({ session }: { session: Session }) {
  const Icon = DEVICE_ICONS[deviceKind(session.deviceType)];
  return (
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
            {sessionTitle(session)}
          </span>
          {session.current ? <ThisDeviceBadge /> : null}
        </div>
        <p className="text-xs text-slate-500">
          <span data-testid="session-device">{deviceLabel(session.deviceType)}</span>
        </p>
      </div>
    </div>
  );
}

function sessionColumns(now: number): Column<Session>[] {
  return [
    { id: 'device', header: 'Device', primary: true, cell: (session) => <DeviceCell session={session} /> },
    {
      id: 'location',
      header: 'Location',
      from: 'md',
      testId: 'session-location',
      className: 'text-slate-600',
      cell: (session) => session.location ?? <span className="text-slate-500">Unknown</span>,
    },
    {
      id: 'ip',
      header: 'IP address',
      from: 'lg',
      testId: 'session-ip',
      className: 'font-mono text-xs text-slate-600',
      cell: (session) => session.ip ?? <span className="font-sans text-slate-500">—</span>,
    },
    {
      id: 'last-active',
      header: 'Last active',
      className: 'whitespace-nowrap text-slate-600',
      cell: (session) => (
        <time
          dateTime={session.lastActiveAt}
          title={formatDateTime(session.lastActiveAt)}
          data-testid="session-last-active"
        >
          {session.current ? 'Active now' : formatRelative(Date.parse(session.lastActiveAt), now)}
        </time>
      ),
    },
  ];
}

/** Signing out one session or all the others (each after a confirmation), with what happened. */
function useSessionRevokes() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const confirm = useRowConfirm<Pending>();
  const pending = confirm.target;
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.account.listSessions.queryKey() });
  const revoke = useMutation(
    trpc.account.revokeSession.mutationOptions({
      onSuccess: async (_result, variables) => {
        await invalidate();
        const session = pending?.kind === 'one' ? pending.session : undefined;
        confirm.close();
        confirm.setNotice(
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
        confirm.close();
        confirm.setNotice(
          result.revoked === 1
            ? 'Signed out 1 other session.'
            : `Signed out ${result.revoked} other sessions.`,
        );
      },
    }),
  );
  const closeDialog = () => {
    confirm.close();
    revoke.reset();
    revokeOthers.reset();
  };
  return { revoke, revokeOthers, confirm, pending, closeDialog };
}

type SessionRevokes = ReturnType<typeof useSessionRevokes>;

/** What the confirmation asks, by what is about to be signed out. */
const DIALOGS = {
  one: { testId: 'revoke-dialog', title: 'Revoke this session?', confirmLabel: 'Revoke session' },
  others: {
    testId: 'revoke-others-dialog',
    title: 'Sign out all other sessions?',
    confirmLabel: 'Sign out others',
  },
} as const;

function DialogText({ pending }: { pending: Pending }) {
  if (pending.kind === 'others')
    return (
      <p>
        {pending.count === 1 ? 'One other device' : `${pending.count} other devices`} will be signed out. This
        device stays signed in.
      </p>
    );
  return (
    <p>
      <span className="font-medium text-slate-900">{sessionTitle(pending.session)}</span>
      {pending.session.location ? ` in ${pending.session.location}` : ''} will be signed out on its next
      request.
    </p>
  );
}

/** One confirmation, for a session or for all the others. */
function SessionDialog({ revokes }: { revokes: SessionRevokes }) {
  const { revoke, revokeOthers, pending, closeDialog } = revokes;
  const action = pending?.kind === 'others' ? revokeOthers : revoke;
  return (
    <ConfirmAction
      {...DIALOGS[pending?.kind ?? 'one']}
      open={pending !== undefined}
      busy={action.isPending}
      error={action.isError ? userMessage(action.error) : undefined}
      onCancel={closeDialog}
      onConfirm={() => {
        if (pending?.kind === 'one') revoke.mutate({ id: pending.session.id });
        else if (pending) revokeOthers.mutate();
      }}
    >
      {pending ? <DialogText pending={pending} /> : null}
    </ConfirmAction>
  );
}

const SKELETON = ['size-9 rounded-lg', 'h-4 w-40', 'hidden h-4 w-28 md:block', 'ml-auto h-8 w-20'];

export function SessionsCard() {
  const trpc = useTRPC();
  const now = useNow(30_000);
  const sessions = useQuery(
    trpc.account.listSessions.queryOptions(undefined, { staleTime: 0, refetchInterval: 60_000 }),
  );
  const revokes = useSessionRevokes();
  const { confirm } = revokes;
  const notice = confirm.notice;
  const list = sessions.data ? sortSessions(sessions.data.sessions) : [];
  const others = list.filter((session) => !session.current).length;

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
          onClick={() => confirm.ask({ kind: 'others', count: others })}
        >
          Sign out all other sessions
        </Button>
      }
    >
      <ListNotice testId="sessions-notice">{notice}</ListNotice>
      <ListTable
        state={{
          query: sessions,
          name: 'sessions',
          what: 'your sessions',
          skeleton: { cells: SKELETON },
          empty: { icon: MonitorIcon, title: 'No active sessions' },
        }}
        rows={list}
        columns={sessionColumns(now)}
        caption="Signed-in sessions"
        rowData={(session) => ({ 'data-session-id': session.id, 'data-current': session.current })}
        rowClassName={(session) => session.current && 'bg-indigo-50/30'}
        actions={(session) =>
          session.current ? null : (
            <RowButton
              testId="revoke-session"
              label={`Revoke ${sessionTitle(session)}${session.location ? ` in ${session.location}` : ''}`}
              onClick={() => confirm.ask({ kind: 'one', session })}
            >
              Revoke
            </RowButton>
          )
        }
      />
      <SessionDialog revokes={revokes} />
    </Card>
  );
}
