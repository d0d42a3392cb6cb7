import type { Role } from '@postern/contracts/constants';
import { Badge, type BadgeTone } from '../../components/badge.tsx';
import { ROLE_LABELS } from '../workspaces/permissions.ts';

export const ROLE_TONES: Record<Role, BadgeTone> = {
  owner: 'violet',
  admin: 'indigo',
  member: 'sky',
  viewer: 'slate',
};

export function RoleBadge({ role, testId }: { role: Role; testId?: string }) {
  return (
    <Badge tone={ROLE_TONES[role]} testId={testId}>
      {ROLE_LABELS[role]}
    </Badge>
  );
}
