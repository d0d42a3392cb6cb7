// One contact: its address, name and attributes, its subscriptions (unsubscribe from one list), and
// its consent timeline; erase the person (GDPR Art. 17: the consent events stay, unreadable). An
// erased person's page still shows the timeline, marked as erased.
import { useMutation } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useNavigate, useParams } from 'react-router';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { ConfirmAction } from '../../components/confirm-action.tsx';
import { useConfirmMutation } from '../../components/confirm-mutation.ts';
import { DetailRow, NONE } from '../../components/detail-row.tsx';
import { LoadError } from '../../components/error-panel.tsx';
import { ContactIcon, UserXIcon } from '../../components/icons.tsx';
import { BackLink, ItemHeader, ItemNotFound } from '../../components/item-page.tsx';
import { PageSkeleton, Skeleton } from '../../components/skeleton.tsx';
import { errorCode } from '../../lib/api-errors.ts';
import { formatDateTime } from '../../lib/time.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { listNames, useListsQuery } from '../lists/use-lists.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { useCurrentWorkspace } from '../workspaces/use-workspaces.ts';
import { ConsentTimelineCard } from './consent-timeline.tsx';
import { contactsPath, isContactId } from './contact-paths.ts';
import { attributeEntries, contactActionError } from './contacts-model.ts';
import { SubscriptionsCard } from './subscriptions-card.tsx';
import { type Contact, useConsentQuery, useContactQuery, useRefreshContacts } from './use-contacts.ts';

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
  const { contactId } = useParams();
  if (!isContactId(contactId)) return <ItemNotFound {...NOT_FOUND} listPath={contactsPath(workspace.id)} />;
  return <ContactView key={contactId} contactId={contactId} />;
}

function ContactView({ contactId }: { contactId: string }) {
  const { workspace } = useCurrentWorkspace();
  const contact = useContactQuery(workspace.id, contactId);
  const consent = useConsentQuery(workspace.id, contactId);
  const lists = useListsQuery(workspace.id);
  const names = useMemo(() => listNames(lists.data?.lists), [lists.data]);
  useDocumentTitle(`${contact.data?.email ?? 'Contact'} · Contacts · ${workspace.name}`);

  if (contact.isPending)
    return (
      <PageSkeleton label="Loading the contact…" testId="contact-loading">
        <Skeleton className="h-8 w-80" />
        <Skeleton className="h-48" />
        <Skeleton className="h-64" />
      </PageSkeleton>
    );
  if (errorCode(contact.error) === 'NOT_FOUND') {
    // Erased: the contact is gone, its consent events remain (unreadable) as proof.
    if (consent.data?.events.length)
      return (
        <div className="space-y-6" data-testid="contact-page" data-erased="true">
          {backToContacts(workspace.id)}
          <ItemHeader
            title="Erased person"
            titleTestId="contact-title"
            description="This contact was erased. Its consent events are kept, without anything that identifies the person."
          />
          <ConsentTimelineCard consent={consent} listNames={names} />
        </div>
      );
    if (consent.isPending) return null;
    return <ItemNotFound {...NOT_FOUND} listPath={contactsPath(workspace.id)} />;
  }
  if (contact.isError || !contact.data)
    return (
      <div className="space-y-6">
        {backToContacts(workspace.id)}
        <LoadError title="Could not load the contact" query={contact} testId="contact-error" />
      </div>
    );
  return <ContactDetails contact={contact.data} consent={consent} listNames={names} />;
}

function EraseContact({ workspaceId, contact }: { workspaceId: string; contact: Contact }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const refresh = useRefreshContacts();
  const refusal = useRefusal((error) => contactActionError(error, 'erase'));
  const erase = useMutation(
    trpc.contacts.erase.mutationOptions({
      onSuccess: async () => {
        confirm.close();
        await refresh();
        navigate(contactsPath(workspaceId), {
          state: {
            notice: `${contact.email} was erased. Its consent events remain as proof, without anything that identifies the person.`,
          },
        });
      },
      onError: refusal.onError,
    }),
  );
  const confirm = useConfirmMutation(erase, refusal.problem);
  return (
    <>
      <Button variant="secondary" data-testid="erase-contact" onClick={confirm.ask}>
        <UserXIcon className="size-4 text-slate-500" />
        Erase person
      </Button>
      <ConfirmAction
        {...confirm.dialog}
        testId="erase-contact-dialog"
        title={`Erase ${contact.email}?`}
        confirmLabel="Erase for good"
        onConfirm={() => erase.mutate({ workspaceId, contactId: contact.id })}
      >
        <p>
          The contact, its attributes and subscriptions are deleted, and its key is destroyed: the address, IP
          addresses and user agents in its consent record can never be read again. The events themselves
          remain as proof of what happened. This cannot be undone.
        </p>
      </ConfirmAction>
    </>
  );
}

function ContactDetails({
  contact,
  consent,
  listNames,
}: {
  contact: Contact;
  consent: ReturnType<typeof useConsentQuery>;
  listNames: ReadonlyMap<string, string>;
}) {
  const { workspace, can } = useCurrentWorkspace();
  const canWrite = can('contacts.write');
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
        actions={canWrite ? <EraseContact workspaceId={workspace.id} contact={contact} /> : null}
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
