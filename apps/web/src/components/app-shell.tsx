// The frame of every dashboard page: brand + workspace switcher + navigation (sidebar on wide screens,
// drawer on small ones), the notification bell, the signed-in user with a sign-out action, and a
// reminder to verify the email address.
import type { User, Workspace } from '@postern/contracts';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { useForgetSession, useSession } from '../features/auth/use-session.ts';
import { NotificationBell } from '../features/notifications/notification-bell.tsx';
import { ResolverBanner } from '../features/system/resolver-banner.tsx';
import { workspacePath } from '../features/workspaces/paths.ts';
import { can } from '../features/workspaces/permissions.ts';
import { SECTIONS } from '../features/workspaces/sections.ts';
import { useShellWorkspace } from '../features/workspaces/use-workspaces.ts';
import { WorkspaceSwitcher } from '../features/workspaces/workspace-switcher.tsx';
import { isUnauthenticated, userMessage } from '../lib/api-errors.ts';
import { cn } from '../lib/cn.ts';
import { useTRPC } from '../lib/trpc.ts';
import { InlineError } from './alert.tsx';
import { Avatar } from './avatar.tsx';
import { buttonClass } from './button.tsx';
import {
  ActivityIcon,
  CloseIcon,
  DatabaseIcon,
  type Icon,
  LogOutIcon,
  MailIcon,
  MenuIcon,
  ShieldIcon,
} from './icons.tsx';
import { Logo } from './logo.tsx';
import { SkeletonHeading } from './skeleton.tsx';
import { Spinner } from './spinner.tsx';
import { Banner } from './state-panel.tsx';
import { ThemeToggle } from './theme-toggle.tsx';
import { Truncated } from './truncated.tsx';

interface NavItem {
  to: string;
  label: string;
  icon: Icon;
}

interface NavSection {
  title: string;
  items: NavItem[];
}

/**
 * Only pages that exist are linked; account pages only for a signed-in user, workspace pages only
 * those the role there can open.
 */
function navFor(signedIn: boolean, workspace: Workspace | undefined): NavSection[] {
  const sections: NavSection[] = [];
  if (signedIn && workspace) {
    const items = SECTIONS.filter(({ permission }) => can(workspace.role, permission)).map(
      ({ id, label, icon }) => ({ to: workspacePath(workspace.id, id), label, icon }),
    );
    sections.push({ title: 'Workspace', items });
  }
  sections.push({ title: 'Operations', items: [{ to: '/status', label: 'Status', icon: ActivityIcon }] });
  if (signedIn)
    sections.push({
      title: 'Account',
      items: [
        { to: '/settings/security', label: 'Security', icon: ShieldIcon },
        { to: '/settings/privacy', label: 'Data & privacy', icon: DatabaseIcon },
      ],
    });
  return sections;
}

function Brand() {
  return (
    <Link to="/" className="flex items-center gap-2.5 rounded-lg">
      <Logo className="size-8" />
      <span className="text-lg font-semibold tracking-tight text-slate-900">Postern</span>
    </Link>
  );
}

function Navigation({ sections, onNavigate }: { sections: NavSection[]; onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-6">
      {sections.map((section) => (
        <div key={section.title}>
          <p className="px-3 pb-2 text-xs font-semibold uppercase tracking-wider text-slate-500">
            {section.title}
          </p>
          <div className="flex flex-col gap-1">
            {section.items.map(({ to, label, icon: Icon }) => (
              <NavLink
                key={to}
                to={to}
                onClick={onNavigate}
                className={({ isActive }) =>
                  cn(
                    'group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium transition-colors',
                    isActive
                      ? 'bg-indigo-50 text-indigo-700'
                      : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900',
                  )
                }
              >
                {({ isActive }) => (
                  <>
                    <Icon
                      className={cn(
                        'size-5 shrink-0',
                        isActive ? 'text-indigo-600' : 'text-slate-500 group-hover:text-slate-600',
                      )}
                    />
                    {label}
                  </>
                )}
              </NavLink>
            ))}
          </div>
        </div>
      ))}
    </nav>
  );
}

function SignOutButton() {
  const trpc = useTRPC();
  const forget = useForgetSession();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSuccess: () => forget({ notice: 'signed_out' }),
      onError: (error) => {
        // Already signed out on the server (expired, revoked): same outcome.
        if (isUnauthenticated(error)) forget({ notice: 'signed_out' });
      },
    }),
  );
  return (
    <>
      <button
        type="button"
        data-testid="sign-out"
        onClick={() => signOut.mutate()}
        disabled={signOut.isPending}
        aria-label="Sign out"
        title="Sign out"
        className="rounded-md p-2 text-slate-500 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:cursor-wait"
      >
        {signOut.isPending ? <Spinner className="size-5" /> : <LogOutIcon className="size-5" />}
      </button>
      {signOut.isError && !isUnauthenticated(signOut.error) ? (
        <p role="alert" className="basis-full text-xs text-rose-600">
          Sign-out failed: {userMessage(signOut.error)}
        </p>
      ) : null}
    </>
  );
}

function UserPanel({ user }: { user: User }) {
  return (
    <div className="flex flex-wrap items-center gap-3" data-testid="user-panel">
      <Avatar email={user.email} accent />
      <div className="min-w-0 flex-1">
        <Truncated text={user.email} testId="user-email" className="text-sm font-medium text-slate-900" />
        <p className="text-xs text-slate-500">{user.twoFactorEnabled ? '2FA on' : 'Signed in'}</p>
      </div>
      <SignOutButton />
    </div>
  );
}

function AccountArea() {
  const session = useSession();
  if (session.status === 'signed_in') return <UserPanel user={session.user} />;
  if (session.status === 'loading')
    return (
      <div className="flex items-center gap-3" aria-hidden="true">
        <SkeletonHeading mark="size-9 rounded-full" lines={['h-4']} />
      </div>
    );
  return (
    <div className="flex gap-2">
      <Link to="/sign-in" className={buttonClass('primary', 'flex-1')} data-testid="shell-sign-in">
        Sign in
      </Link>
      <Link to="/sign-up" className={buttonClass('secondary', 'flex-1')}>
        Sign up
      </Link>
    </div>
  );
}

function VerifyEmailBanner({ email }: { email: string }) {
  const trpc = useTRPC();
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  return (
    <Banner icon={MailIcon} testId="verify-email-banner">
      <span>
        Confirm your email address: we sent a link to <span className="font-medium">{email}</span>.
      </span>
      {resend.isSuccess ? (
        <span className="font-medium text-emerald-700" role="status">
          Sent. Check your inbox.
        </span>
      ) : (
        <button
          type="button"
          onClick={() => resend.mutate()}
          disabled={resend.isPending}
          className="font-medium underline underline-offset-2 hover:text-amber-700 disabled:opacity-60"
          data-testid="resend-verification"
        >
          {resend.isPending ? 'Sending…' : 'Send it again'}
        </button>
      )}
      <InlineError className="text-rose-700">{resend.isError && userMessage(resend.error)}</InlineError>
    </Banner>
  );
}

export function AppShell() {
  const [drawerOpen, setDrawerOpen] = useState(false);
  const session = useSession();
  const signedIn = session.status === 'signed_in';
  const { workspace } = useShellWorkspace();
  const sections = navFor(signedIn, workspace);

  return (
    <div className="min-h-full">
      {/* Sidebar: wide screens */}
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 flex-col border-r border-slate-200 bg-white lg:flex">
        <div className="flex h-16 items-center justify-between gap-3 pr-3 pl-6">
          <Brand />
          {signedIn ? <NotificationBell /> : null}
        </div>
        {signedIn ? (
          <div className="px-3 pb-2">
            <WorkspaceSwitcher />
          </div>
        ) : null}
        <div className="flex-1 overflow-y-auto px-3 py-4">
          <Navigation sections={sections} />
        </div>
        <div className="border-t border-slate-200 px-4 py-4">
          <ThemeToggle className="mb-3" />
          <AccountArea />
        </div>
      </aside>

      {/* Top bar: small screens */}
      <header className="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-slate-200 bg-white/90 px-4 backdrop-blur lg:hidden">
        <Brand />
        <div className="flex items-center gap-1">
          {signedIn ? <NotificationBell align="right" /> : null}
          <button
            type="button"
            className="rounded-md p-2 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
            aria-label={drawerOpen ? 'Close navigation' : 'Open navigation'}
            aria-expanded={drawerOpen}
            onClick={() => setDrawerOpen((open) => !open)}
          >
            {drawerOpen ? <CloseIcon className="size-5" /> : <MenuIcon className="size-5" />}
          </button>
        </div>
      </header>
      {drawerOpen ? (
        <div className="fixed inset-x-0 top-14 z-20 max-h-[calc(100dvh-3.5rem)] space-y-4 overflow-y-auto border-b border-slate-200 bg-white px-3 py-4 shadow-lg lg:hidden">
          {signedIn ? <WorkspaceSwitcher onNavigate={() => setDrawerOpen(false)} /> : null}
          <Navigation sections={sections} onNavigate={() => setDrawerOpen(false)} />
          <div className="border-t border-slate-200 px-1 pt-4">
            <ThemeToggle className="mb-3" />
            <AccountArea />
          </div>
        </div>
      ) : null}

      <main className="lg:pl-64">
        {session.status === 'signed_in' && !session.user.emailVerified ? (
          <VerifyEmailBanner email={session.user.email} />
        ) : null}
        <ResolverBanner />
        <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6 lg:px-10">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
