// How each health check is presented. The order here is the order of the cards.
import type { Check, HealthResponse } from '@postern/contracts';
import type { ComponentType, SVGProps } from 'react';
import {
  BoltIcon,
  CogIcon,
  DatabaseIcon,
  LayersIcon,
  ServerIcon,
  WifiOffIcon,
} from '../../components/icons.tsx';

export type CheckName = keyof HealthResponse['checks'];

export interface CheckMeta {
  name: CheckName;
  label: string;
  describe: (check: Check) => string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
}

export const CHECKS: CheckMeta[] = [
  { name: 'api', label: 'API', describe: () => 'HTTP and tRPC server', icon: ServerIcon },
  { name: 'database', label: 'Database', describe: () => 'PostgreSQL', icon: DatabaseIcon },
  {
    name: 'redis',
    label: 'Cache',
    // The health DTO has no "kind" field; the in-memory fallback says so in its detail.
    describe: (check) => (check.detail?.includes('memory') ? 'In-memory store' : 'Redis'),
    icon: BoltIcon,
  },
  { name: 'migrations', label: 'Migrations', describe: () => 'Database schema', icon: LayersIcon },
  { name: 'worker', label: 'Worker', describe: () => 'Background jobs', icon: CogIcon },
  // Present only when canary domains are configured (DNS_CANARY_DOMAINS).
  {
    name: 'resolver',
    label: 'DNS resolver',
    describe: () => 'Address checks (canary domains)',
    icon: WifiOffIcon,
  },
];

export const CHECK_LABELS: Record<CheckName, string> = Object.fromEntries(
  CHECKS.map((meta) => [meta.name, meta.label]),
) as Record<CheckName, string>;
