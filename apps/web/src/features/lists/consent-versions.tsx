// The history of a list's consent text, newest first: each version's number, when it was made, its
// SHA-256 (the whole hash, copyable: what a consent event's version can be checked against) and text.
// ConsentVersionsList is also the list page's card body.
import { Badge } from '../../components/badge.tsx';
import { CopyButton } from '../../components/copy-button.tsx';
import { Drawer } from '../../components/dialog.tsx';
import { ScrollIcon } from '../../components/icons.tsx';
import { ListState } from '../../components/list-kit/list-state.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { type ContactList, useConsentTextsQuery } from './use-lists.ts';

export function ConsentVersionsList({ workspaceId, list }: { workspaceId: string; list: ContactList }) {
  const texts = useConsentTextsQuery(workspaceId, list.id);
  const versions = [...(texts.data?.versions ?? [])].sort((a, b) => b.version - a.version);
  return (
    <ListState
      name="consent-versions"
      query={texts}
      what="the consent text versions"
      isEmpty={versions.length === 0}
      empty={{
        icon: ScrollIcon,
        title: 'No consent text yet',
        children: 'Edit the list to write the text people agree to when they sign up.',
      }}
    >
      <ol className="space-y-5" aria-label="Consent text versions, newest first">
        {versions.map((version) => (
          <li
            key={version.id}
            className="rounded-lg border border-slate-200 px-4 py-3"
            data-testid="consent-version"
            data-version={version.version}
          >
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <h3 className="text-sm font-semibold text-slate-900">Version {version.version}</h3>
              {version.id === list.consentText?.id ? <Badge tone="emerald">Current</Badge> : null}
              <time dateTime={version.createdAt} className="text-sm text-slate-500">
                {formatDateTime(version.createdAt)}
              </time>
            </div>
            <div className="mt-2 flex items-start gap-2">
              <p className="min-w-0 flex-1 text-xs text-slate-500">
                SHA-256{' '}
                <code className="font-mono break-all text-slate-700" data-testid="consent-version-hash">
                  {version.sha256}
                </code>
              </p>
              <CopyButton
                text={version.sha256}
                label="Copy hash"
                variant="ghost"
                className="px-2 py-1 text-xs"
              />
            </div>
            <blockquote
              className="mt-2 border-l-2 border-slate-200 pl-3 text-sm whitespace-pre-wrap text-slate-700"
              data-testid="consent-version-text"
            >
              {version.text}
            </blockquote>
          </li>
        ))}
      </ol>
    </ListState>
  );
}

export function ConsentVersionsDrawer({
  workspaceId,
  list,
  onClose,
}: {
  workspaceId: string;
  list: ContactList | undefined;
  onClose: () => void;
}) {
  return (
    <Drawer
      item={list}
      onClose={onClose}
      testId="consent-versions-drawer"
      title={(shown) => `Consent text of “${shown.name}”`}
      description={() => 'Every version is kept; each consent event names the one shown to the person.'}
    >
      {(shown) => <ConsentVersionsList workspaceId={workspaceId} list={shown} />}
    </Drawer>
  );
}
