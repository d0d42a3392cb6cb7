// A campaign's status as a pill (its words for people; the raw status in data-status for tests).
import { Badge } from '../../components/badge.tsx';
import { type CampaignStatus, STATUS_STYLES } from './campaigns-model.ts';

export function CampaignStatusBadge({
  status,
  testId = 'campaign-status',
}: {
  status: CampaignStatus;
  testId?: string;
}) {
  const style = STATUS_STYLES[status];
  return (
    <Badge tone={style.tone} dot testId={testId} title={style.hint}>
      <span data-status={status}>{style.label}</span>
    </Badge>
  );
}
