// The bell in the app header: the unread count, and a panel listing the signed-in user's
// notifications (a finished bulk job, say) with a link to what each is about and "Mark all read".
import * as Popover from '@radix-ui/react-popover';
import { type ComponentProps, useEffect, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { InlineError } from '../../components/alert.tsx';
import { BellIcon } from '../../components/icons.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { userMessage } from '../../lib/api-errors.ts';
import { cn } from '../../lib/cn.ts';
import { formatDateTime, formatRelative } from '../../lib/time.ts';
import { useNow } from '../../lib/use-now.ts';
import {
  badgeText,
  bellLabel,
  KIND_TONE,
  type NotificationDto,
  notificationTarget,
} from './notifications-model.ts';
import { useMarkRead, useNotifications } from './use-notifications.ts';

const DOT: Record<(typeof KIND_TONE)[keyof typeof KIND_TONE], string> = {
  slate: 'bg-slate-400',
  indigo: 'bg-indigo-500',
  emerald: 'bg-emerald-500',
  amber: 'bg-amber-500',
  rose: 'bg-rose-500',
  violet: 'bg-violet-500',
  sky: 'bg-sky-500',
};

function NotificationItem({
  notification,
  now,
  onOpen,
}: {
  notification: NotificationDto;
  now: number;
  onOpen: (notification: NotificationDto) => void;
}) {
  const unread = notification.readAt === null;
  const { href, deleted } = notificationTarget(notification);
  const body = (
    <>
      <span
        aria-hidden="true"
        className={cn(
          'mt-1.5 size-2 shrink-0 rounded-full',
          unread ? DOT[KIND_TONE[notification.kind]] : 'bg-transparent',
        )}
      />
      <span className="min-w-0 flex-1">
        <span
          className={cn('block text-sm', unread ? 'font-semibold text-slate-900' : 'text-slate-700')}
          data-testid="notification-title"
        >
          {notification.title}
          {unread ? <span className="sr-only"> (unread)</span> : null}
        </span>
        <span className="mt-0.5 block text-xs text-slate-500" data-testid="notification-body">
          {notification.body}
        </span>
        {deleted ? (
          <span className="mt-0.5 block text-xs text-slate-600 italic" data-testid="notification-deleted">
            {deleted}
          </span>
        ) : null}
        <time
          dateTime={notification.createdAt}
          title={formatDateTime(notification.createdAt)}
          className="mt-1 block text-xs text-slate-500"
        >
          {formatRelative(Date.parse(notification.createdAt), now)}
        </time>
      </span>
    </>
  );
  const className = cn(
    'flex w-full gap-3 px-4 py-3 text-left transition-colors',
    unread ? 'bg-indigo-50/40' : 'bg-white',
    href && 'hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-none',
  );
  return (
    <li data-testid="notification" data-kind={notification.kind} data-unread={unread}>
      {href ? (
        <Link to={href} className={className} onClick={() => onOpen(notification)}>
          {body}
        </Link>
      ) : (
        <div className={className}>{body}</div>
      )}
    </li>
  );
}

/** The panel's body: loading, failed, empty, or the list. */
function NotificationList({
  notifications,
  now,
  onOpen,
}: {
  notifications: ReturnType<typeof useNotifications>;
  now: number;
  onOpen: (notification: NotificationDto) => void;
}) {
  if (notifications.isPending)
    return (
      <p className="flex items-center gap-2 px-4 py-6 text-sm text-slate-500">
        <Spinner className="size-4" /> Loading…
      </p>
    );
  if (notifications.isError && !notifications.data)
    return (
      <div role="alert" className="px-4 py-5 text-sm text-rose-700" data-testid="notifications-error">
        <p>Could not load your notifications. {userMessage(notifications.error)}</p>
        <button
          type="button"
          onClick={() => void notifications.refetch()}
          className="mt-2 text-xs font-semibold text-indigo-600 hover:underline"
        >
          Try again
        </button>
      </div>
    );
  const list = notifications.data?.notifications ?? [];
  if (list.length === 0)
    return (
      <div className="px-4 py-8 text-center" data-testid="notifications-empty">
        <BellIcon className="mx-auto size-6 text-slate-300" />
        <p className="mt-2 text-sm font-medium text-slate-700">No notifications</p>
        <p className="mt-0.5 text-xs text-slate-500">You will hear here when a bulk job finishes.</p>
      </div>
    );
  return (
    <ul className="divide-y divide-slate-100" aria-label="Notifications">
      {list.map((notification) => (
        <NotificationItem key={notification.id} notification={notification} now={now} onOpen={onOpen} />
      ))}
    </ul>
  );
}

/** The bell itself; Radix's trigger adds the open state and the link to the panel. */
function BellButton({ unread, ...props }: { unread: number } & ComponentProps<'button'>) {
  const badge = badgeText(unread);
  return (
    <button
      type="button"
      data-testid="notification-bell"
      data-unread={unread}
      aria-label={bellLabel(unread)}
      className="relative rounded-md p-2 text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      {...props}
    >
      <BellIcon className="size-5" />
      {badge ? (
        <span
          data-testid="notification-count"
          aria-hidden="true"
          className="absolute top-0.5 right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-rose-600 px-1 text-[0.65rem] font-semibold text-white ring-2 ring-white tabular-nums"
        >
          {badge}
        </span>
      ) : null}
    </button>
  );
}

/**
 * The bell and its panel: a Radix popover (focus moves into the panel and back, Escape and a click
 * outside close it), rendered in place rather than in a portal so it stays in the bar it belongs to.
 */
export function NotificationBell({ align = 'left' }: { align?: 'left' | 'right' }) {
  const notifications = useNotifications(true);
  const markRead = useMarkRead();
  const [open, setOpen] = useState(false);
  const now = useNow(30_000);
  const { pathname } = useLocation();
  const unread = notifications.data?.unread ?? 0;

  // A new page closes the panel.
  useEffect(() => setOpen(false), [pathname]);

  return (
    <Popover.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) void notifications.refetch();
      }}
    >
      <Popover.Trigger asChild>
        <BellButton unread={unread} />
      </Popover.Trigger>
      <Popover.Content
        data-testid="notification-panel"
        aria-label="Notifications"
        align={align === 'left' ? 'start' : 'end'}
        sideOffset={8}
        collisionPadding={16}
        className="z-40 w-[min(22rem,calc(100vw-2rem))] overflow-hidden rounded-xl bg-white shadow-xl ring-1 ring-slate-900/10"
      >
        <div className="flex items-center justify-between gap-3 border-b border-slate-100 px-4 py-3">
          <h2 className="text-sm font-semibold text-slate-900">Notifications</h2>
          <button
            type="button"
            data-testid="mark-all-read"
            disabled={unread === 0 || markRead.isPending}
            onClick={() => markRead.mutate({})}
            className="inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-xs font-semibold text-indigo-600 hover:bg-indigo-50 disabled:cursor-not-allowed disabled:text-slate-400 disabled:hover:bg-transparent"
          >
            {markRead.isPending ? <Spinner className="size-3" /> : null}
            Mark all read
          </button>
        </div>
        <InlineError className="border-b border-slate-100 px-4 py-2 text-xs">
          {markRead.isError && userMessage(markRead.error)}
        </InlineError>
        <div className="max-h-[min(28rem,70vh)] overflow-y-auto">
          <NotificationList
            notifications={notifications}
            now={now}
            onOpen={(opened) => {
              if (opened.readAt === null) markRead.mutate({ ids: [opened.id] });
              setOpen(false);
            }}
          />
        </div>
      </Popover.Content>
    </Popover.Root>
  );
}
