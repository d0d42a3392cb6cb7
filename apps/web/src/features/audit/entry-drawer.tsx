// One audit entry in full: who, what, from where, its metadata and its place in the hash chain.

import { Badge } from '../../components/badge.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { DetailRow, NONE } from '../../components/detail-row.tsx';
import { Drawer } from '../../components/dialog.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { entryChanges, eventLabel, eventTone, targetText } from './audit-events.ts';
import { EntryChanges } from './entry-changes.tsx';
import type { AuditEntry } from './use-audit.ts';

const Row = DetailRow;
const none = NONE;

export function EntryDrawer({ entry, onClose }: { entry: AuditEntry | undefined; onClose: () => void }) {
  return (
    <Drawer
      item={entry}
      onClose={onClose}
      testId="audit-entry-drawer"
      title={(shown) => eventLabel(shown.eventType)}
      description={(shown) => `Entry #${shown.seq} · ${formatDateTime(shown.occurredAt)}`}
    >
      {(shown) => <EntryDetails entry={shown} />}
    </Drawer>
  );
}

function EntryDetails({ entry }: { entry: AuditEntry }) {
  const metadata = entry.metadata ? JSON.stringify(entry.metadata, null, 2) : undefined;
  return (
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
          {entry.actorLabel}
          {entry.actorId ? (
            <span className="block font-mono text-xs break-all text-slate-500">{entry.actorId}</span>
          ) : null}
        </Row>
        <Row label="Target" testId="entry-target">
          {targetText(entry) ?? none}
          {entry.targetId ? (
            <span className="block font-mono text-xs break-all text-slate-500">
              {entry.targetType}:{entry.targetId}
            </span>
          ) : null}
        </Row>
        {entryChanges(entry.metadata).length ? (
          <Row label="Change">
            <EntryChanges metadata={entry.metadata} testId="entry-change" className="text-sm" />
          </Row>
        ) : null}
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
      <section aria-labelledby="entry-hash" className="rounded-lg border border-slate-200 bg-slate-50 p-4">
        <h3 id="entry-hash" className="text-sm font-semibold text-slate-900">
          Chain hash
        </h3>
        <p className="mt-1 text-xs text-slate-500">
          Each entry's hash covers its content and the previous entry's hash: changing or removing an entry
          breaks every hash after it. Owners can verify the chain.
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
  );
}
