// A person's rights on their contact page (GDPR, #30): "Download data (JSON)" saves everything held
// about them (the export of contacts.export, audited) to hand to them; "Erase this person" destroys it,
// after the member has typed the address — an erasure cannot be undone, so a stray click must not do it.
// Erasing needs the `contacts.erase` permission (owners and admins; the page renders EraseContact only
// then, and the API refuses anyone else FORBIDDEN).
// The dialog says what goes and what stays (the consent events, unreadable; the suppression entry, a
// keyed hash that keeps the address from being mailed again).
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useNavigate } from 'react-router';
import { InlineError } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Field } from '../../components/field.tsx';
import { FormActions } from '../../components/form-actions.tsx';
import { DownloadIcon, UserXIcon } from '../../components/icons.tsx';
import { useModal } from '../../components/use-modal.ts';
import { downloadBlob } from '../../lib/download.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { contactsPath } from './contact-paths.ts';
import { confirmsAddress, contactActionError, contactExportFilename } from './contacts-model.ts';
import { type Contact, useRefreshContacts } from './use-contacts.ts';

export function DownloadContactData({
  workspace,
  contact,
}: {
  workspace: { id: string; name: string };
  contact: Contact;
}) {
  const trpc = useTRPC();
  const refusal = useRefusal((error) => contactActionError(error, 'export'));
  const exporter = useMutation(
    trpc.contacts.export.mutationOptions({
      onSuccess: (document) =>
        downloadBlob(
          contactExportFilename(workspace.name, contact.id, Date.now()),
          'application/json;charset=utf-8',
          `${JSON.stringify(document, null, 2)}\n`,
        ),
      onError: refusal.onError,
    }),
  );
  const problem = refusal.problem(exporter);
  return (
    <div className="flex flex-col items-end gap-1">
      <Button
        variant="secondary"
        data-testid="download-contact-data"
        loading={exporter.isPending}
        onClick={() => exporter.mutate({ workspaceId: workspace.id, contactId: contact.id })}
      >
        <DownloadIcon className="size-4 text-slate-500" />
        Download data (JSON)
      </Button>
      <InlineError testId="download-contact-data-error">
        {problem ? `${problem.title}. ${problem.message}` : null}
      </InlineError>
    </div>
  );
}

export function EraseContact({ workspaceId, contact }: { workspaceId: string; contact: Contact }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const refresh = useRefreshContacts();
  const [open, setOpen] = useState(false);
  const refusal = useRefusal((error) => contactActionError(error, 'erase'));
  const erase = useMutation(
    trpc.contacts.erase.mutationOptions({
      onSuccess: async () => {
        setOpen(false);
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
  return (
    <>
      <Button
        variant="danger"
        data-testid="erase-contact"
        onClick={() => {
          erase.reset();
          setOpen(true);
        }}
      >
        <UserXIcon className="size-4" />
        Erase this person
      </Button>
      <EraseDialog
        open={open}
        email={contact.email}
        busy={erase.isPending}
        problem={refusal.problem(erase)}
        onCancel={() => setOpen(false)}
        onConfirm={() => erase.mutate({ workspaceId, contactId: contact.id })}
      />
    </>
  );
}

function EraseDialog({
  open,
  email,
  busy,
  problem,
  onCancel,
  onConfirm,
}: {
  open: boolean;
  email: string;
  busy: boolean;
  problem: { title: string; message: string } | undefined;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const ref = useModal(open);
  const titleId = useId();
  const [typed, setTyped] = useState('');
  const matches = confirmsAddress(typed, email);
  const close = () => {
    setTyped('');
    onCancel();
  };
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid="erase-contact-dialog"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) close();
      }}
      className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl bg-white p-0 shadow-xl ring-1 ring-slate-900/10 backdrop:bg-slate-900/40 backdrop:backdrop-blur-[2px]"
    >
      {open ? (
        <form
          className="space-y-4 p-6"
          onSubmit={(event) => {
            event.preventDefault();
            if (matches && !busy) onConfirm();
          }}
        >
          <h2 id={titleId} className="text-base font-semibold text-slate-900">
            Erase this person?
          </h2>
          <div className="space-y-2 text-sm text-slate-600" data-testid="erase-contact-explanation">
            <p>
              <span className="font-medium text-slate-800">Deleted:</span> the contact, its name and
              attributes, its subscriptions and any confirmation link still waiting. Its key is destroyed, so
              the address, IP addresses and user agents in its consent record can never be read again.
            </p>
            <p>
              <span className="font-medium text-slate-800">Kept:</span> the consent events, as proof of what
              happened, without anything that identifies the person; and the suppression entry if the address
              is suppressed — only a keyed hash, so the address is never mailed again.
            </p>
            <p>This cannot be undone. Download the person’s data first if they asked for it.</p>
          </div>
          <Field
            label={
              <>
                Type <span className="font-mono break-all">{email}</span> to confirm
              </>
            }
            testId="erase-contact-typed"
            autoComplete="off"
            spellCheck={false}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
          />
          <InlineError testId="erase-contact-dialog-error">
            {problem ? (
              <>
                <span className="font-medium">{problem.title}.</span> {problem.message}
              </>
            ) : null}
          </InlineError>
          <FormActions
            label="Erase for good"
            variant="danger"
            busy={busy}
            disabled={!matches}
            testId="erase-contact-dialog-confirm"
            onCancel={close}
          />
        </form>
      ) : null}
    </dialog>
  );
}
