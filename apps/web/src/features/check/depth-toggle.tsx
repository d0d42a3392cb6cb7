// The choice of check depth (standard: syntax, DNS and lists; enhanced: also the mail server), as two
// radio cards. Shared by the single check and the bulk upload (each with its own input name).
import { cn } from '../../lib/cn.ts';
import { type CheckDepth, DEPTH_INFO } from './explain.ts';

const DEPTHS: readonly CheckDepth[] = ['standard', 'enhanced'];

export function DepthToggle({
  value,
  onChange,
  name = 'depth',
  testIdPrefix = 'depth',
}: {
  value: CheckDepth;
  onChange: (depth: CheckDepth) => void;
  /** The radio group's name: unique on the page. */
  name?: string;
  /** Each radio's data-testid is `${testIdPrefix}-${depth}`. */
  testIdPrefix?: string;
}) {
  return (
    <fieldset>
      <legend className="block text-sm font-medium text-slate-800">Depth</legend>
      <div className="mt-1.5 grid gap-2 sm:grid-cols-2">
        {DEPTHS.map((depth) => (
          <label
            key={depth}
            className={cn(
              'flex cursor-pointer items-start gap-3 rounded-lg px-3.5 py-3 ring-1 ring-inset transition-colors has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600',
              value === depth
                ? 'bg-indigo-50/70 ring-indigo-300'
                : 'bg-white ring-slate-200 hover:bg-slate-50',
            )}
          >
            <input
              type="radio"
              name={name}
              value={depth}
              checked={value === depth}
              onChange={() => onChange(depth)}
              data-testid={`${testIdPrefix}-${depth}`}
              className="mt-0.5 size-4 accent-indigo-600"
            />
            <span>
              <span className="block text-sm font-semibold text-slate-900">{DEPTH_INFO[depth].label}</span>
              {/* slate-600: slate-500 falls just short of 4.5:1 on the chosen card's tint. */}
              <span className="block text-xs text-slate-600">{DEPTH_INFO[depth].text}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
