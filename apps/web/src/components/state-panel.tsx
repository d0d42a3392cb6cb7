import type { ReactNode } from 'react';
import { cn } from '../lib/cn.ts';
import { Button } from './button.tsx';
import { type Icon, WifiOffIcon } from './icons.tsx';

const TONES = {
  error: { frame: 'border-rose-200', icon: 'bg-rose-50 text-rose-600' },
  neutral: { frame: 'border-slate-200', icon: 'bg-slate-100 text-slate-500' },
} as const;

/**
 * A panel standing in for a whole page or view that cannot be shown (the API is unreachable, the
 * record is gone): a round icon in its tone, a heading, what happened, and the way on.
 */
export function StatePanel({
  icon: PanelIcon,
  tone,
  title,
  heading: Heading = 'h2',
  children,
  action,
  alert = false,
  testId,
  className,
}: {
  icon: Icon;
  tone: keyof typeof TONES;
  title: string;
  heading?: 'h1' | 'h2';
  children?: ReactNode;
  action?: ReactNode;
  /** Announced as it appears (role=alert): a failure the user did not ask to see. */
  alert?: boolean;
  testId?: string;
  className?: string;
}) {
  return (
    <section
      role={alert ? 'alert' : undefined}
      data-testid={testId}
      className={cn(
        'flex flex-col items-center rounded-xl border bg-white px-6 py-12 text-center shadow-sm',
        TONES[tone].frame,
        className,
      )}
    >
      <div className={cn('flex size-12 items-center justify-center rounded-full', TONES[tone].icon)}>
        <PanelIcon className="size-6" />
      </div>
      <Heading className="mt-4 text-lg font-semibold text-slate-900">{title}</Heading>
      {children ? <div className="mt-1 max-w-md text-sm text-slate-600">{children}</div> : null}
      {action ? <div className="mt-5 flex items-center gap-3">{action}</div> : null}
    </section>
  );
}

/**
 * The API did not answer a request the page cannot do without: what failed, a retry (labelled
 * `retryLabel`, busy while `retrying`), and `aside` next to it (when it was last tried).
 */
export function UnreachablePanel({
  title,
  retry,
  retryLabel = 'Try again',
  aside,
  testId,
  className,
  children,
}: {
  title: string;
  retry: { retry: () => void; retrying: boolean };
  retryLabel?: string;
  aside?: ReactNode;
  testId: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <StatePanel
      icon={WifiOffIcon}
      tone="error"
      alert
      title={title}
      testId={testId}
      className={className}
      action={
        <>
          <Button variant="secondary" onClick={retry.retry} loading={retry.retrying}>
            {retryLabel}
          </Button>
          {aside}
        </>
      }
    >
      {children}
    </StatePanel>
  );
}

/** A strip across the top of the dashboard about the account or the platform (amber: needs attention). */
export function Banner({
  icon: BannerIcon,
  alert = false,
  testId,
  children,
}: {
  icon: Icon;
  alert?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div
      role={alert ? 'alert' : undefined}
      data-testid={testId}
      className="border-b border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 sm:px-6 lg:px-10"
    >
      <div className="mx-auto flex max-w-6xl flex-wrap items-start gap-x-3 gap-y-1">
        <BannerIcon className="mt-0.5 size-4 shrink-0 text-amber-600" />
        {children}
      </div>
    </div>
  );
}
