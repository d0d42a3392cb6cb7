// The columns of the API keys table: name (and expiry), prefix, scopes, creation, last use, requests,
// state (a rolled key shows when its overlap ends).

import { Badge, type BadgeTone } from '../../components/badge.tsx';
import type { Column } from '../../components/list-kit/data-table.tsx';
import { TimeAgo } from '../../components/time-ago.tsx';
import { cn } from '../../lib/cn.ts';
import { formatDate, formatDateTime, formatUntil } from '../../lib/time.ts';
import { type KeyStatus, keyStatus, scopeSummary } from './api-keys-model.ts';
import type { ApiKeyRow } from './use-api-keys.ts';

const NUMBER = new Intl.NumberFormat('en');

const STATUS: Record<KeyStatus, { label: string; tone: BadgeTone }> = {
  active: { label: 'Active', tone: 'emerald' },
  rolling: { label: 'Rolled', tone: 'amber' },
  revoked: { label: 'Revoked', tone: 'rose' },
  expired: { label: 'Expired', tone: 'amber' },
};

function statusTitle(key: ApiKeyRow, now: number): string | undefined {
  if (key.revokedAt)
    return Date.parse(key.revokedAt) > now
      ? `Replaced by a roll; works until ${formatDateTime(key.revokedAt)}`
      : `Revoked ${formatDateTime(key.revokedAt)}`;
  if (key.expiresAt) return `Expires ${formatDateTime(key.expiresAt)}`;
  return undefined;
}

/** "Expires in 3 days" / "Stops in 5 hours", the exact time on hover. */
function Until({ label, iso, now, testId }: { label: string; iso: string; now: number; testId?: string }) {
  return (
    <span className="block text-xs text-amber-700" data-testid={testId}>
      {label}{' '}
      <time dateTime={iso} title={formatDateTime(iso)}>
        {formatUntil(Date.parse(iso), now)}
      </time>
    </span>
  );
}

export function keyColumns(now: number): Column<ApiKeyRow>[] {
  return [
    {
      id: 'name',
      header: 'Name',
      primary: true,
      cell: (key) => {
        const active = keyStatus(key, now) === 'active';
        return (
          <>
            <span className={cn('font-medium', active ? 'text-slate-900' : 'text-slate-500')}>
              {key.name}
            </span>
            {keyStatus(key, now) === 'rolling' && key.revokedAt ? (
              <Until label="Stops" iso={key.revokedAt} now={now} testId="key-overlap" />
            ) : null}
            {key.expiresAt && active ? <Until label="Expires" iso={key.expiresAt} now={now} /> : null}
          </>
        );
      },
    },
    {
      id: 'prefix',
      header: 'Key',
      cell: (key) => (
        <span>
          <code
            className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700"
            data-testid="key-prefix"
          >
            {key.displayPrefix}
          </code>
        </span>
      ),
    },
    {
      id: 'scopes',
      header: 'Scopes',
      from: 'md',
      testId: 'key-scopes',
      className: 'text-slate-600',
      cell: (key) => (
        <span className="block text-xs sm:max-w-56" title={key.scopes.join(', ')}>
          {scopeSummary(key.scopes)}
        </span>
      ),
    },
    {
      id: 'created',
      header: 'Created',
      from: 'lg',
      className: 'text-slate-600',
      cell: (key) => (
        <span>
          <time dateTime={key.createdAt} title={formatDateTime(key.createdAt)}>
            {formatDate(key.createdAt)}
          </time>
          <span
            className="block text-xs text-slate-500 sm:max-w-48 sm:truncate"
            title={key.createdBy ?? undefined}
          >
            by {key.createdBy ?? 'a former member'}
          </span>
        </span>
      ),
    },
    {
      id: 'last-used',
      header: 'Last used',
      testId: 'key-last-used',
      className: 'whitespace-nowrap text-slate-600',
      cell: (key) =>
        key.lastUsedAt ? (
          <TimeAgo iso={key.lastUsedAt} now={now} />
        ) : (
          <span className="text-slate-500">Never</span>
        ),
    },
    {
      id: 'requests',
      header: 'Requests',
      align: 'right',
      testId: 'key-usage',
      className: 'text-slate-700',
      cell: (key) => NUMBER.format(key.usageCount),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (key) => {
        const status = STATUS[keyStatus(key, now)];
        return (
          <span>
            <Badge tone={status.tone} dot testId="key-status" title={statusTitle(key, now)}>
              {status.label}
            </Badge>
          </span>
        );
      },
    },
  ];
}
