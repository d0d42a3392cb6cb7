import type { BulkJobStatus } from '@postern/contracts';
import { Badge } from '../../components/badge.tsx';
import { JOB_STATUS_INFO } from './bulk-model.ts';

export function JobStatusBadge({ status, className }: { status: BulkJobStatus; className?: string }) {
  const info = JOB_STATUS_INFO[status];
  return (
    <Badge tone={info.tone} dot testId="job-status" title={info.text} className={className}>
      <span data-status={status}>{info.label}</span>
    </Badge>
  );
}
