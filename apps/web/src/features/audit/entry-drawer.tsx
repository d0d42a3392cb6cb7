// One audit entry in full: who, what, from where, its metadata and its place in the hash chain.

import { Badge } from '../../components/badge.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { DetailRow, NONE } from '../../components/detail-row.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { describeTarget, eventLabel, eventTone } from './audit-events.ts';
import type { AuditEntry } from './use-audit.ts';

const Row = DetailRow;
const none = NONE;

export function EntryDrawer({
  entry,
  emailsByUserId,
  onClose,
}: {
  entry: AuditEntry | undefined;
  emailsByUserId: ReadonlyMap<string, string>;
  onClose: () => void;
}) {
  const metadata = entry?.metadata ? JSON.stringify(entry.metadata, null, 2) : undefined;
  return (
    <Dialog
      open={entry !== undefined}
      onClose={onClose}
      side
      testId="audit-entry-drawer"
      title={entry ? eventLabel(entry.eventType) : 'Entry'}
      description={entry ? `Entry #${entry.seq} · ${formatDateTime(entry.occurredAt)}` : undefined}
    >
      {entry ? (
        <div className="space-y-6">
          <dl className="divide-y divide-slate-100">
            <Row label="Event" testId="entry-event-type">
              <Badge tone={eventTone(entry.eventType)}>
                <code className="font-mono">{entry.eventType}</code>
              </Badge>
            </Row>
            <Row label="When">
              <time dateTime={entry.occurredAt}>{formatDateTime(entry.occurredAt)}</time>
              <span className="block font-mono text-xs text-slate-500">{entry.occurredAt}</span>
            </Row>
            <Row label="Actor" testId="entry-actor">
              {entry.actorEmail ?? (entry.actorId ? 'Deleted account' : 'System')}
              {entry.actorId ? (
                <span className="block font-mono text-xs break-all text-slate-500">{entry.actorId}</span>
              ) : null}
            </Row>
            <Row label="Target">
              {describeTarget(entry, emailsByUserId) ?? none}
              {entry.targetId ? (
                <span className="block font-mono text-xs break-all text-slate-500">
                  {entry.targetType}:{entry.targetId}
                </span>
              ) : null}
            </Row>
            <Row label="IP address" testId="entry-ip">
              {entry.ip ? <span className="font-mono">{entry.ip}</span> : none}
            </Row>
            <Row label="User agent" testId="entry-user-agent">
              {entry.userAgent ? <span className="break-words text-slate-700">{entry.userAgent}</span> : none}
            </Row>
          </dl>
          <section aria-labelledby="entry-metadata">
            <h3 id="entry-metadata" className="text-sm font-semibold text-slate-900">
              Metadata
            </h3>
            {metadata ? (
              <pre
                data-testid="entry-metadata"
                className="mt-2 max-h-72 overflow-auto rounded-lg bg-slate-900 p-4 font-mono text-xs leading-relaxed text-slate-100"
              >
                {metadata}
              </pre>
            ) : (
              <p className="mt-2 text-sm text-slate-500">No metadata.</p>
            )}
          </section>
          <section
            aria-labelledby="entry-hash"
            className="rounded-lg border border-slate-200 bg-slate-50 p-4"
          >
            <h3 id="entry-hash" className="text-sm font-semibold text-slate-900">
              Chain hash
            </h3>
            <p className="mt-1 text-xs text-slate-500">
              Each entry's hash covers its content and the previous entry's hash: changing or removing an
              entry breaks every hash after it. Owners can verify the chain.
            </p>
            <code
              data-testid="entry-hash"
              className="mt-3 block font-mono text-xs break-all text-slate-800 select-all"
            >
              {entry.hash}
            </code>
            <CopyButton text={entry.hash} label="Copy hash" className="mt-3 px-2.5 py-1.5 text-xs" />
          </section>
        </div>
      ) : null}
    </Dialog>
  );
}
