// The home page's words and links: what each getting-started step means, where it is done, and the
// warnings read from the health check (the same one the Status page shows).
import type { ChecklistStep, HealthResponse } from '@postern/contracts';
import type { Permission } from '@postern/contracts/constants';
import { workspacePath } from '../workspaces/paths.ts';

export interface StepInfo {
  title: string;
  detail: string;
  action: string;
  href: (workspaceId: string) => string;
  /** Who can do it in the workspace (the 2FA step is the user's own: always). */
  permission: Permission | null;
}

export const STEPS: Record<ChecklistStep, StepInfo> = {
  two_factor: {
    title: 'Turn on two-factor authentication',
    detail: 'A code from an authenticator app at each sign-in protects your account.',
    action: 'Open security settings',
    href: () => '/settings/security',
    permission: null,
  },
  api_key: {
    title: 'Create an API key',
    detail: 'Your code checks addresses and uploads lists through the API with a key.',
    action: 'Create a key',
    href: (id) => workspacePath(id, 'api-keys'),
    permission: 'apikeys.manage',
  },
  first_check: {
    title: 'Check an address',
    detail: 'Try one address: syntax, domain and mail servers, explained.',
    action: 'Check an address',
    href: (id) => workspacePath(id, 'check'),
    permission: 'validation.use',
  },
  first_bulk_job: {
    title: 'Run a bulk job',
    detail: 'Upload a CSV or a plain list and download the results.',
    action: 'Upload a list',
    href: (id) => `${workspacePath(id, 'jobs')}/new`,
    permission: 'bulk.manage',
  },
  webhook: {
    title: 'Add a webhook',
    detail: 'Hear about finished jobs without polling.',
    action: 'Add an endpoint',
    href: (id) => workspacePath(id, 'webhooks'),
    permission: 'webhooks.manage',
  },
};

export interface SystemWarning {
  id: 'worker' | 'resolver' | 'unreachable';
  title: string;
  detail: string;
}

/** What in the health answer a workspace's people should know about (none: all is well). */
export function systemWarnings(health: HealthResponse | undefined, failed: boolean): SystemWarning[] {
  if (!health)
    return failed
      ? [
          {
            id: 'unreachable',
            title: 'The health check does not answer',
            detail: 'The API may be restarting; this page tries again every few seconds.',
          },
        ]
      : [];
  const warnings: SystemWarning[] = [];
  const { worker, resolver } = health.checks;
  if (worker.status !== 'ok')
    warnings.push({
      id: 'worker',
      title: worker.status === 'down' ? 'The background worker is down' : 'The background worker is slow',
      detail: `Bulk jobs, webhooks and emails wait until it is back.${worker.detail ? ` (${worker.detail})` : ''}`,
    });
  if (resolver && resolver.status !== 'ok')
    warnings.push({
      id: 'resolver',
      title: 'The DNS resolver is unhealthy',
      detail: `Domains that seem not to exist are reported as unknown, and bulk jobs pause.${resolver.detail ? ` (${resolver.detail})` : ''}`,
    });
  return warnings;
}
