import { cn } from '../lib/cn.ts';

/** A person's initial in a circle (decorative: their address is written next to it); `accent` for the viewer. */
export function Avatar({ email, accent = false }: { email: string; accent?: boolean }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        'flex size-9 shrink-0 items-center justify-center rounded-full text-sm font-semibold uppercase',
        accent ? 'bg-indigo-100 text-indigo-700' : 'bg-slate-100 text-slate-600',
      )}
    >
      {email.charAt(0)}
    </span>
  );
}
