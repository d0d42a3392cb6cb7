// The frame of every dashboard page: brand + navigation (sidebar on wide screens, drawer on small ones).
import { type ComponentType, type SVGProps, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { cn } from '../lib/cn.ts';
import { ActivityIcon, CloseIcon, MenuIcon } from './icons.tsx';
import { Logo } from './logo.tsx';

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
}

/** Only pages that exist are linked. */
const NAV: NavItem[] = [{ to: '/status', label: 'Status', icon: ActivityIcon }];

function Brand() {
  return (
    <div className="flex items-center gap-2.5">
      <Logo className="size-8" />
      <span className="text-lg font-semibold tracking-tight text-slate-900">Postern</span>
    </div>
  );
}

function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-1">
      {NAV.map(({ to, label, icon: Icon }) => (
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
                  isActive ? 'text-indigo-600' : 'text-slate-400 group-hover:text-slate-600',
                )}
              />
              {label}
            </>
          )}
        </NavLink>
      ))}
    </nav>
  );
}

export function AppShell() {
  const [drawerOpen, setDrawerOpen] = useState(false);

  return (
    <div className="min-h-full">
      {/* Sidebar: wide screens */}
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 flex-col border-r border-slate-200 bg-white lg:flex">
        <div className="flex h-16 items-center px-6">
          <Brand />
        </div>
        <div className="flex-1 overflow-y-auto px-3 py-4">
          <p className="px-3 pb-2 text-xs font-semibold uppercase tracking-wider text-slate-400">
            Operations
          </p>
          <Navigation />
        </div>
        <div className="border-t border-slate-200 px-6 py-4 text-xs text-slate-400">
          Self-hosted email platform
        </div>
      </aside>

      {/* Top bar: small screens */}
      <header className="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-slate-200 bg-white/90 px-4 backdrop-blur lg:hidden">
        <Brand />
        <button
          type="button"
          className="rounded-md p-2 text-slate-500 hover:bg-slate-100 hover:text-slate-900"
          aria-label={drawerOpen ? 'Close navigation' : 'Open navigation'}
          aria-expanded={drawerOpen}
          onClick={() => setDrawerOpen((open) => !open)}
        >
          {drawerOpen ? <CloseIcon className="size-5" /> : <MenuIcon className="size-5" />}
        </button>
      </header>
      {drawerOpen ? (
        <div className="fixed inset-x-0 top-14 z-20 border-b border-slate-200 bg-white px-3 py-3 shadow-lg lg:hidden">
          <Navigation onNavigate={() => setDrawerOpen(false)} />
        </div>
      ) : null}

      <main className="lg:pl-64">
        <div className="mx-auto max-w-6xl px-4 py-8 sm:px-6 lg:px-10">
          <Outlet />
        </div>
      </main>
    </div>
  );
}
