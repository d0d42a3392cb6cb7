// The theme switch: follow the system, or always light, or always dark (kept in this browser).
import { cn } from '../lib/cn.ts';
import { setThemeChoice, THEME_CHOICES, type ThemeChoice, useThemeChoice } from '../lib/theme.ts';
import { type Icon, MonitorIcon, MoonIcon, SunIcon } from './icons.tsx';

const OPTIONS: Record<ThemeChoice, { label: string; icon: Icon }> = {
  system: { label: 'System', icon: MonitorIcon },
  light: { label: 'Light', icon: SunIcon },
  dark: { label: 'Dark', icon: MoonIcon },
};

export function ThemeToggle({ className }: { className?: string }) {
  const choice = useThemeChoice();
  return (
    <fieldset className={cn('flex items-center gap-2', className)} data-testid="theme-toggle">
      <legend className="sr-only">Colour theme</legend>
      <div className="flex rounded-lg border border-slate-200 bg-slate-50 p-0.5">
        {THEME_CHOICES.map((value) => {
          const { label, icon: OptionIcon } = OPTIONS[value];
          const active = choice === value;
          return (
            <button
              key={value}
              type="button"
              aria-pressed={active}
              title={`${label} theme`}
              data-testid={`theme-${value}`}
              onClick={() => setThemeChoice(value)}
              className={cn(
                'flex items-center gap-1 rounded-md px-2 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-indigo-600',
                active ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900',
              )}
            >
              <OptionIcon className="size-3.5" aria-hidden="true" />
              {label}
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}
