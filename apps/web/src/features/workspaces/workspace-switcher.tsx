// The shell's workspace switcher: the current workspace and your role in it; opens a list of your
// workspaces (the page stays the same when the role there allows it) and "Create workspace".
import type { Workspace } from '@postern/contracts';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { CheckIcon, ChevronUpDownIcon, PlusIcon } from '../../components/icons.tsx';
import { SkeletonHeading } from '../../components/skeleton.tsx';
import { Truncated } from '../../components/truncated.tsx';
import { cn } from '../../lib/cn.ts';
import { useDismiss } from '../../lib/use-dismiss.ts';
import { CreateWorkspaceDialog } from './create-workspace.tsx';
import { switchTarget } from './paths.ts';
import { ROLE_LABELS } from './permissions.ts';
import { useShellWorkspace, useWorkspacesQuery } from './use-workspaces.ts';

export const PLAN_LABELS: Record<Workspace['plan'], string> = {
  starter: 'Starter',
  professional: 'Professional',
  business: 'Business',
};

export function WorkspaceAvatar({ name, className }: { name: string; className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        'flex shrink-0 items-center justify-center rounded-lg bg-gradient-to-br from-indigo-500 to-violet-500 font-semibold text-white uppercase',
        className ?? 'size-8 text-sm',
      )}
    >
      {name.trim().charAt(0) || '?'}
    </span>
  );
}

export function WorkspaceSwitcher({ onNavigate }: { onNavigate?: () => void }) {
  const list = useWorkspacesQuery();
  const { workspace, workspaces } = useShellWorkspace();
  const { pathname } = useLocation();
  const [open, setOpen] = useState(false);
  const [creating, setCreating] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);

  // Close on a click elsewhere, on Escape, and when the page changes.
  useDismiss(open, root, close);
  useEffect(() => setOpen(false), [pathname]);

  if (list.isPending)
    return (
      <div className="flex items-center gap-3 px-2 py-1.5" aria-hidden="true">
        <SkeletonHeading mark="size-8 rounded-lg" lines={['h-4']} />
      </div>
    );

  return (
    <div ref={root} className="relative">
      <button
        type="button"
        data-testid="workspace-switcher"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className="flex w-full items-center gap-3 rounded-lg px-2 py-1.5 text-left ring-1 ring-slate-200 transition-colors hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {workspace ? (
          <>
            <WorkspaceAvatar name={workspace.name} />
            <span className="min-w-0 flex-1">
              <span className="sr-only">Workspace: </span>
              <Truncated
                text={workspace.name}
                testId="current-workspace-name"
                className="text-sm font-medium text-slate-900"
              />
              <span className="block text-xs text-slate-500">
                <span data-testid="current-workspace-role">{ROLE_LABELS[workspace.role]}</span> ·{' '}
                {PLAN_LABELS[workspace.plan]}
              </span>
            </span>
          </>
        ) : (
          <span className="flex-1 text-sm text-slate-600">
            {list.isError ? 'Workspaces unavailable' : 'Choose a workspace'}
          </span>
        )}
        <ChevronUpDownIcon className="size-4 shrink-0 text-slate-500" />
      </button>

      {open ? (
        <div
          id={panelId}
          data-testid="workspace-menu"
          className="absolute inset-x-0 top-full z-40 mt-2 overflow-hidden rounded-xl bg-white shadow-lg ring-1 ring-slate-900/10"
        >
          <p className="px-3 pt-3 pb-1.5 text-xs font-semibold uppercase tracking-wider text-slate-500">
            Your workspaces
          </p>
          <ul className="max-h-72 overflow-y-auto px-1.5 pb-1.5" aria-label="Your workspaces">
            {workspaces.map((candidate) => {
              const current = candidate.id === workspace?.id;
              return (
                <li key={candidate.id}>
                  <Link
                    to={switchTarget(candidate.id, candidate.role, pathname)}
                    onClick={() => {
                      setOpen(false);
                      onNavigate?.();
                    }}
                    aria-current={current ? 'true' : undefined}
                    data-testid="workspace-option"
                    data-workspace-id={candidate.id}
                    className={cn(
                      'flex items-center gap-2.5 rounded-lg px-2 py-2 text-sm hover:bg-slate-50',
                      current && 'bg-indigo-50/60',
                    )}
                  >
                    <WorkspaceAvatar name={candidate.name} className="size-7 text-xs" />
                    <span className="min-w-0 flex-1">
                      <span className="block truncate font-medium text-slate-900">{candidate.name}</span>
                      <span className="block text-xs text-slate-500">{ROLE_LABELS[candidate.role]}</span>
                    </span>
                    {current ? <CheckIcon className="size-4 shrink-0 text-indigo-600" /> : null}
                  </Link>
                </li>
              );
            })}
          </ul>
          <div className="border-t border-slate-100 p-1.5">
            <button
              type="button"
              data-testid="create-workspace"
              onClick={() => {
                setOpen(false);
                setCreating(true);
              }}
              className="flex w-full items-center gap-2.5 rounded-lg px-2 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
            >
              <span className="flex size-7 items-center justify-center rounded-lg border border-dashed border-slate-300 text-slate-500">
                <PlusIcon className="size-4" />
              </span>
              Create workspace
            </button>
          </div>
        </div>
      ) : null}
      <CreateWorkspaceDialog
        open={creating}
        onClose={() => {
          setCreating(false);
          onNavigate?.();
        }}
      />
    </div>
  );
}
