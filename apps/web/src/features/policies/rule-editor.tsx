// The rules of a draft policy, in order (the first that matches decides), each with its conditions as
// native multi-selects (hold Ctrl/⌘ to pick several; none picked = any) and its action; then the
// default for results no rule matches.
import type { PolicyRuleAction } from '@postern/contracts';
import { Button } from '../../components/button.tsx';
import { LabelledControl } from '../../components/field.tsx';
import { PlusIcon } from '../../components/icons.tsx';
import { Options, SELECT_CLASS, Select, SelectField } from '../../components/select.tsx';
import { cn } from '../../lib/cn.ts';
import {
  actionLabel,
  CONDITIONS,
  DEFAULT_LABELS,
  type Draft,
  type DraftRule,
  describeRule,
  draftRule,
  MAX_RULES,
  moveRule,
  type PolicyDefault,
  RULE_ACTIONS,
} from './policy-model.ts';

/** A labelled native <select multiple> (a list box: no chevron), with its hint. */
function MultiSelectField({
  label,
  hint,
  options,
  testId,
  disabled,
  value,
  onChange,
}: {
  label: string;
  hint: string;
  options: readonly { value: string; label: string }[];
  testId: string;
  disabled: boolean;
  value: readonly string[];
  onChange: (value: string[]) => void;
}) {
  return (
    <LabelledControl label={label} hint={hint}>
      {(control) => (
        <select
          {...control}
          multiple
          data-testid={testId}
          disabled={disabled}
          value={[...value]}
          onChange={(event) => onChange([...event.target.selectedOptions].map((option) => option.value))}
          className={cn(SELECT_CLASS, 'mt-1.5 h-32 pr-3')}
        >
          <Options choices={options} />
        </select>
      )}
    </LabelledControl>
  );
}

function RuleRow({
  rule,
  index,
  count,
  readOnly,
  onChange,
  onMove,
  onRemove,
}: {
  rule: DraftRule;
  index: number;
  count: number;
  readOnly: boolean;
  onChange: (rule: DraftRule) => void;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
}) {
  const id = `rule-${index + 1}`;
  return (
    <li className="space-y-3 px-5 py-4 sm:px-6" data-testid="policy-rule" data-rule-index={index}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p className="text-sm font-medium text-slate-900" data-testid="policy-rule-summary">
          <span className="mr-2 text-slate-500 tabular-nums">{index + 1}.</span>
          {describeRule(rule)}
        </p>
        {readOnly ? null : (
          <div className="flex gap-2">
            <Button
              variant="secondary"
              className="px-2.5 py-1 text-xs"
              disabled={index === 0}
              onClick={() => onMove(-1)}
              aria-label={`Move rule ${index + 1} up`}
              data-testid="policy-rule-up"
            >
              Up
            </Button>
            <Button
              variant="secondary"
              className="px-2.5 py-1 text-xs"
              disabled={index === count - 1}
              onClick={() => onMove(1)}
              aria-label={`Move rule ${index + 1} down`}
              data-testid="policy-rule-down"
            >
              Down
            </Button>
            <Button
              variant="secondary"
              className="px-2.5 py-1 text-xs"
              onClick={onRemove}
              aria-label={`Remove rule ${index + 1}`}
              data-testid="policy-rule-remove"
            >
              Remove
            </Button>
          </div>
        )}
      </div>
      <div className="grid gap-3 md:grid-cols-4">
        {CONDITIONS.map((condition) => (
          <MultiSelectField
            key={condition.key}
            label={condition.label}
            hint={condition.hint}
            options={condition.options}
            testId={`policy-rule-${condition.key}`}
            disabled={readOnly}
            value={rule[condition.key]}
            onChange={(values) => onChange({ ...rule, [condition.key]: values })}
          />
        ))}
        <SelectField
          label="Then"
          id={`${id}-action`}
          testId="policy-rule-action"
          disabled={readOnly}
          value={rule.action}
          onChange={(event) => onChange({ ...rule, action: event.target.value as PolicyRuleAction })}
        >
          {RULE_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {actionLabel(action)}
            </option>
          ))}
        </SelectField>
      </div>
    </li>
  );
}

export function RuleEditor({
  draft,
  readOnly,
  onChange,
}: {
  draft: Draft;
  readOnly: boolean;
  onChange: (draft: Draft) => void;
}) {
  const setRules = (rules: DraftRule[]) => onChange({ ...draft, rules });
  return (
    <div>
      {draft.rules.length ? (
        <ol className="divide-y divide-slate-100" data-testid="policy-rules">
          {draft.rules.map((rule, index) => (
            <RuleRow
              key={rule.key}
              rule={rule}
              index={index}
              count={draft.rules.length}
              readOnly={readOnly}
              onChange={(next) => setRules(draft.rules.map((r) => (r.key === rule.key ? next : r)))}
              onMove={(delta) => setRules(moveRule(draft.rules, index, delta))}
              onRemove={() => setRules(draft.rules.filter((r) => r.key !== rule.key))}
            />
          ))}
        </ol>
      ) : (
        <p className="px-5 py-4 text-sm text-slate-500 sm:px-6" data-testid="policy-no-rules">
          No rules: every result gets the default below.
        </p>
      )}
      <div className="flex flex-col gap-3 border-t border-slate-100 px-5 py-4 sm:flex-row sm:items-end sm:justify-between sm:px-6">
        <div className="sm:w-80">
          <label htmlFor="policy-default" className="block text-sm font-medium text-slate-800">
            When no rule matches
          </label>
          <Select
            id="policy-default"
            data-testid="policy-default"
            wrapperClassName="mt-1.5"
            disabled={readOnly}
            value={draft.fallback}
            onChange={(event) => onChange({ ...draft, fallback: event.target.value as PolicyDefault })}
          >
            {(Object.keys(DEFAULT_LABELS) as PolicyDefault[]).map((value) => (
              <option key={value} value={value}>
                {DEFAULT_LABELS[value]}
              </option>
            ))}
          </Select>
        </div>
        {readOnly ? null : (
          <Button
            variant="secondary"
            disabled={draft.rules.length >= MAX_RULES}
            onClick={() => setRules([...draft.rules, draftRule()])}
            data-testid="policy-add-rule"
          >
            <PlusIcon className="size-4" />
            Add rule
          </Button>
        )}
      </div>
    </div>
  );
}
