// The frame of the sign-in, sign-up and email-link pages: brand, one centred card, a quiet footer.
import type { FormEvent, ReactNode } from 'react';
import { Link, Outlet } from 'react-router';
import { Notice } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Logo } from '../../components/logo.tsx';
import { Spinner } from '../../components/spinner.tsx';
import { cn } from '../../lib/cn.ts';

export function AuthLayout() {
  return (
    <div className="relative flex min-h-full flex-col bg-slate-50">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 top-0 h-72 bg-gradient-to-b from-indigo-100/70 to-transparent"
      />
      <header className="relative flex justify-center px-4 pt-12 pb-8 sm:pt-16">
        <Link
          to="/"
          className="flex items-center gap-2.5 rounded-lg focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          <Logo className="size-9" />
          <span className="text-xl font-semibold tracking-tight text-slate-900">Postern</span>
        </Link>
      </header>
      <main className="relative flex flex-1 justify-center px-4 pb-12">
        <div className="w-full max-w-md">
          <Outlet />
        </div>
      </main>
      <footer className="relative pb-8 text-center text-xs text-slate-500">
        Self-hosted email platform ·{' '}
        <Link to="/status" className="hover:text-slate-700">
          System status
        </Link>
      </footer>
    </div>
  );
}

/** The white card of an auth page, with its title and intro. */
export function AuthCard({
  title,
  description,
  children,
  footer,
  testId,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
}) {
  return (
    <>
      <section
        data-testid={testId}
        aria-labelledby="auth-card-title"
        className="rounded-2xl border border-slate-200/80 bg-white px-6 py-8 shadow-xl shadow-slate-900/5 sm:px-10"
      >
        <h1 id="auth-card-title" className="text-xl font-semibold tracking-tight text-slate-900">
          {title}
        </h1>
        {description ? <div className="mt-1.5 text-sm text-slate-500">{description}</div> : null}
        <div className="mt-7">{children}</div>
      </section>
      {footer ? <div className="mt-6 text-center text-sm text-slate-500">{footer}</div> : null}
    </>
  );
}

/**
 * An auth page's form: its error (if any), its notices and fields, one full-width submit button, then
 * `after` (a mode switch). `name` prefixes the test ids `<name>-error` and `<name>-submit`.
 */
export function AuthForm({
  name,
  submitLabel,
  busy,
  disabled = false,
  error,
  onSubmit,
  after,
  children,
}: {
  name: string;
  submitLabel: string;
  busy: boolean;
  disabled?: boolean;
  error?: string | false | undefined;
  onSubmit: (event: FormEvent) => void;
  after?: ReactNode;
  children: ReactNode;
}) {
  return (
    <form noValidate onSubmit={onSubmit} className="space-y-5">
      <Notice tone="error" testId={`${name}-error`}>
        {error}
      </Notice>
      {children}
      <Button
        type="submit"
        className="w-full"
        loading={busy}
        disabled={disabled}
        data-testid={`${name}-submit`}
      >
        {submitLabel}
      </Button>
      {after}
    </form>
  );
}

/** The foot of an auth card that leads to its sibling page ("New to Postern? Create an account"). */
export function AuthSwitch({ question, to, label }: { question: string; to: string; label: string }) {
  return (
    <>
      {question}{' '}
      <Link to={to} className={LINK_CLASS}>
        {label}
      </Link>
    </>
  );
}

/** The card while the token of an emailed link is being checked. */
export function CheckingLink({ title, testId }: { title: string; testId: string }) {
  return (
    <AuthCard title={title} testId={testId}>
      <div className="flex items-center justify-center gap-3 py-6 text-sm text-slate-500">
        <Spinner className="size-5 text-indigo-600" />
        Checking your link
      </div>
    </AuthCard>
  );
}

const OUTCOME_TONE = {
  success: 'bg-emerald-50 text-emerald-600',
  error: 'bg-rose-50 text-rose-600',
  info: 'bg-indigo-50 text-indigo-600',
} as const;

/** What an email link or request came to, centred in its card: a round icon in its tone, then words. */
export function AuthOutcome({
  tone,
  icon,
  children,
}: {
  tone: keyof typeof OUTCOME_TONE;
  icon: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="flex flex-col items-center text-center">
      <div className={cn('flex size-12 items-center justify-center rounded-full', OUTCOME_TONE[tone])}>
        {icon}
      </div>
      {children}
    </div>
  );
}

export const LINK_CLASS = 'font-medium text-indigo-600 hover:text-indigo-500';
