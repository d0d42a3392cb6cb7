// One contact: its address, name and attributes, its subscriptions (unsubscribe from one list), and
// its consent timeline; the person's rights (subject-rights.tsx): download everything held about them
// as JSON, erase them (GDPR Art. 17: the consent events stay, unreadable; shown only with the
// `contacts.erase` permission). An erased person's page still shows the timeline, marked as erased.
import { useMemo } from 'react';
import { Card } from '../../components/card.tsx';
import { DetailRow, NONE } from '../../components/detail-row.tsx';
import { ContactIcon } from '../../components/icons.tsx';
import { BackLink, ItemHeader, ItemNotFound, ItemRoute, ItemState } from '../../components/item-page.tsx';
import { formatDateTime } from '../../lib/time.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { listNames, useListsQuery } from '../lists/use-lists.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { ConsentTimelineCard } from './consent-timeline.tsx';
import { contactsPath, isContactId } from './contact-paths.ts';
import { attributeEntries } from './contacts-model.ts';
import { DownloadContactData, EraseContact } from './subject-rights.tsx';
import { SubscriptionsCard } from './subscriptions-card.tsx';
import { type Contact, useConsentQuery, useContactQuery } from './use-contacts.ts';

/** "Contact not found", with the way back to the list (ItemNotFound's `listPath`). */
const NOT_FOUND = {
  icon: ContactIcon,
  title: 'Contact not found',
  testId: 'contact-not-found',
  listLabel: 'See the contacts',
} as const;

const backToContacts = (workspaceId: string) => (
  <BackLink to={contactsPath(workspaceId)} testId="back-to-contacts">
    All contacts
  </BackLink>
);

export function ContactPage() {
  const { workspace } = useCurrentWorkspace();
  const notFound = <ItemNotFound {...NOT_FOUND} listPath={contactsPath(workspace.id)} />;
  return <ItemRoute param="contactId" isId={isContactId} notFound={notFound} view={ContactView} />;
}

/** No such contact: an erased person's consent events remain (unreadable) as proof, else not found. */
function Gone({ consent, listNames }: { consent: ConsentQuery; listNames: ReadonlyMap<string, string> }) {
  const { workspace } = useCurrentWorkspace();
  if (consent.data?.events.length)
    return (
      <div className="space-y-6" data-testid="contact-page" data-erased="true">
        {backToContacts(workspace.id)}
        <ItemHeader
          title="Erased person"
          titleTestId="contact-title"
          description="This contact was erased. Its consent events are kept, without anything that identifies the person."
        />
        <ConsentTimelineCard consent={consent} listNames={listNames} />
      </div>
    );
  if (consent.isPending) return null;
  return <ItemNotFound {...NOT_FOUND} listPath={contactsPath(workspace.id)} />;
}

function ContactView({ id: contactId }: { id: string }) {
  const { workspace } = useCurrentWorkspace();
  const contact = useContactQuery(workspace.id, contactId);
  const consent = useConsentQuery(workspace.id, contactId);
  const lists = useListsQuery(workspace.id);
  const names = useMemo(() => listNames(lists.data?.lists), [lists.data]);
  useDocumentTitle(`${contact.data?.email ?? 'Contact'} · Contacts · ${workspace.name}`);
  return (
    <ItemState
      query={contact}
      name="contact"
      what="the contact"
      notFound={<Gone consent={consent} listNames={names} />}
      back={backToContacts(workspace.id)}
    >
      {(shown) => <ContactDetails contact={shown} consent={consent} listNames={names} />}
    </ItemState>
  );
}

type ConsentQuery = ReturnType<typeof useConsentQuery>;

function ContactDetails({
  contact,
  consent,
  listNames,
}: {
  contact: Contact;
  consent: ConsentQuery;
  listNames: ReadonlyMap<string, string>;
}) {
  const { workspace, can } = useCurrentWorkspace();
  const canWrite = can('contacts.write');
  // Erasing is its own permission (owners and admins): members who may delete a contact may not erase it.
  const canErase = can('contacts.erase');
  const attributes = attributeEntries(contact.attributes);
  return (
    <div className="space-y-6" data-testid="contact-page" data-contact-id={contact.id}>
      {backToContacts(workspace.id)}
      <ItemHeader
        title={contact.email}
        titleTestId="contact-title"
        description={
          <>
            {contact.name ? <span className="text-slate-700">{contact.name} · </span> : null}
            Added {formatDateTime(contact.createdAt)}
          </>
        }
        actions={
          <div className="flex flex-wrap items-start gap-2">
            <DownloadContactData workspace={workspace} contact={contact} />
            {canErase ? <EraseContact workspaceId={workspace.id} contact={contact} /> : null}
          </div>
        }
      />

      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card id="contact-details" testId="contact-details-card" title="Details">
          <dl className="-my-3 divide-y divide-slate-100">
            <DetailRow label="Address" testId="contact-detail-email">
              <span className="break-all">{contact.email}</span>
            </DetailRow>
            {contact.emailNormalized !== contact.email ? (
              <DetailRow label="Normalised">
                <span className="font-mono text-xs break-all">{contact.emailNormalized}</span>
              </DetailRow>
            ) : null}
            <DetailRow label="Name" testId="contact-detail-name">
              {contact.name ?? NONE}
            </DetailRow>
            <DetailRow label="Attributes" testId="contact-attributes">
              {attributes.length ? (
                <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1">
                  {attributes.map(([key, value]) => (
                    <div key={key} className="contents">
                      <dt className="font-mono text-xs leading-5 text-slate-500">{key}</dt>
                      <dd className="break-words [overflow-wrap:anywhere]">{value}</dd>
                    </div>
                  ))}
                </dl>
              ) : (
                NONE
              )}
            </DetailRow>
            <DetailRow label="Last changed">{formatDateTime(contact.updatedAt)}</DetailRow>
          </dl>
        </Card>
        <SubscriptionsCard
          workspaceId={workspace.id}
          contact={contact}
          listNames={listNames}
          canWrite={canWrite}
        />
      </div>

      <ConsentTimelineCard consent={consent} listNames={listNames} />
    </div>
  );
}
