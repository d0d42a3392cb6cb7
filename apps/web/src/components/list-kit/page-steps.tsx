// The foot of a table read one keyset page at a time with Previous / Next (the server's cursor leads
// forward; the cursors of the pages already opened lead back).
import { Button } from '../button.tsx';

export function PageSteps({
  range,
  canPrevious,
  canNext,
  onPrevious,
  onNext,
  testId,
}: {
  /** What is shown, e.g. "51–100 · page 2". */
  range: string;
  canPrevious: boolean;
  canNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  /** Prefix of the test ids `<testId>-range`, `-prev` and `-next`. */
  testId: string;
}) {
  const steps = [
    { id: 'prev', label: 'Previous', enabled: canPrevious, onClick: onPrevious },
    { id: 'next', label: 'Next', enabled: canNext, onClick: onNext },
  ];
  return (
    <div className="flex items-center justify-between gap-3 border-t border-slate-100 px-5 py-3 text-sm text-slate-500 sm:px-6">
      <span data-testid={`${testId}-range`} className="tabular-nums">
        {range}
      </span>
      <div className="flex gap-2">
        {steps.map((step) => (
          <Button
            key={step.id}
            variant="secondary"
            className="px-2.5 py-1.5 text-xs"
            disabled={!step.enabled}
            onClick={step.onClick}
            data-testid={`${testId}-${step.id}`}
          >
            {step.label}
          </Button>
        ))}
      </div>
    </div>
  );
}
