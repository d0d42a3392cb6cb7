// The scopes of a new key: presets ("Full access", "Read only") and a checkbox per scope, grouped by
// resource; a scope no route uses yet (RESERVED_API_KEY_SCOPES, empty today) is marked reserved.
import {
  API_KEY_SCOPE_PRESETS,
  API_KEY_SCOPE_TEXT,
  type ApiKeyScope,
  RESERVED_API_KEY_SCOPES,
} from '@postern/contracts/constants';
import { Button } from '../../components/button.tsx';
import { scopeGroups, scopeSummary, toggleScope } from './api-keys-model.ts';

const GROUPS = scopeGroups();
const RESERVED = new Set<string>(RESERVED_API_KEY_SCOPES);

function PresetButton({
  testId,
  onClick,
  children,
}: {
  testId: string;
  onClick: () => void;
  children: string;
}) {
  return (
    <Button
      variant="secondary"
      type="button"
      className="px-2.5 py-1 text-xs"
      data-testid={testId}
      onClick={onClick}
    >
      {children}
    </Button>
  );
}

export function ScopePicker({
  value,
  onChange,
  error,
}: {
  value: ApiKeyScope[];
  onChange: (scopes: ApiKeyScope[]) => void;
  error?: string | undefined;
}) {
  return (
    <fieldset className="space-y-3" data-testid="key-scopes-picker" aria-describedby="key-scopes-summary">
      <legend className="text-sm font-medium text-slate-800">Scopes</legend>
      <div className="flex flex-wrap items-center gap-2">
        <PresetButton testId="scopes-full" onClick={() => onChange([...API_KEY_SCOPE_PRESETS.full])}>
          Full access
        </PresetButton>
        <PresetButton testId="scopes-read-only" onClick={() => onChange([...API_KEY_SCOPE_PRESETS.readOnly])}>
          Read only
        </PresetButton>
        <span id="key-scopes-summary" className="text-xs text-slate-500" aria-live="polite">
          {value.length ? scopeSummary(value) : 'No scope chosen'}
        </span>
      </div>
      <div className="grid gap-x-6 gap-y-2 sm:grid-cols-2">
        {GROUPS.map(([resource, scopes]) => (
          <div key={resource} className="space-y-1.5">
            {scopes.map((scope) => (
              <label key={scope} className="flex items-start gap-2.5 text-sm text-slate-700">
                <input
                  type="checkbox"
                  data-testid={`scope-${scope}`}
                  checked={value.includes(scope)}
                  onChange={(event) => onChange(toggleScope(value, scope, event.target.checked))}
                  className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
                />
                <span>
                  <code className="font-mono text-xs text-slate-900">{scope}</code>
                  {RESERVED.has(scope) ? (
                    <span className="ml-1 text-xs text-slate-500">(reserved)</span>
                  ) : null}
                  <span className="block text-xs text-slate-500">{API_KEY_SCOPE_TEXT[scope]}</span>
                </span>
              </label>
            ))}
          </div>
        ))}
      </div>
      {error ? (
        <p className="text-xs text-rose-600" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
