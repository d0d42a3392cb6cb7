import type { CheckStatus } from '@postern/contracts';
import { Badge, type BadgeTone } from './badge.tsx';

export const STATUS_STYLES: Record<CheckStatus, { tone: BadgeTone; label: string }> = {
  ok: { tone: 'emerald', label: 'Operational' },
  degraded: { tone: 'amber', label: 'Degraded' },
  down: { tone: 'rose', label: 'Down' },
};

/** A pill with a coloured dot; its text is the raw status word (ok / degraded / down). */
export function StatusBadge({
  status,
  className,
  testId,
}: {
  status: CheckStatus;
  className?: string;
  testId?: string;
}) {
  const style = STATUS_STYLES[status];
  return (
    <Badge tone={style.tone} dot testId={testId} title={style.label} className={className}>
      {status}
    </Badge>
  );
}
