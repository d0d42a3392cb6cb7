// The fields of the campaign editor: name, subject, preheader, sender (connected accounts that can
// send), reply-to, list, the HTML body with the merge fields it may use, and the text version —
// generated from the HTML unless the member switches to writing it.
import { useId } from 'react';
import { bindDraft, type DraftProps } from '../../components/draft-inputs.tsx';
import { Field, INPUT_CLASS } from '../../components/field.tsx';
import { OptionCheckbox } from '../../components/form-fields.tsx';
import { SelectField } from '../../components/select.tsx';
import { cn } from '../../lib/cn.ts';
import type { ContactList } from '../lists/use-lists.ts';
import type { Mailbox } from '../mailboxes/use-mailboxes.ts';
import { type CampaignForm, type CampaignFormErrors, FORM_LIMITS, MERGE_FIELDS } from './campaign-form.ts';

/** "Anna Berg <anna@example.com>", or the address alone. */
export function senderLabel(mailbox: Mailbox): string {
  const { fromName, fromAddress } = mailbox.identity;
  return fromName ? `${fromName} <${fromAddress}>` : fromAddress;
}

/** A monospaced, labelled multi-line input (the HTML and the text version). */
function CodeArea({
  label,
  hint,
  error,
  testId,
  rows,
  value,
  maxLength,
  disabled = false,
  onChange,
}: {
  label: string;
  hint?: string;
  error?: string | undefined;
  testId: string;
  rows: number;
  value: string;
  maxLength: number;
  disabled?: boolean;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const note = error ?? hint;
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <textarea
        id={id}
        rows={rows}
        data-testid={testId}
        value={value}
        maxLength={maxLength}
        disabled={disabled}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={note ? `${id}-note` : undefined}
        onChange={(event) => onChange(event.target.value)}
        className={cn(INPUT_CLASS, 'mt-1.5 resize-y font-mono text-xs leading-5')}
      />
      {note ? (
        <p id={`${id}-note`} className={cn('mt-1.5 text-xs', error ? 'text-rose-600' : 'text-slate-500')}>
          {note}
        </p>
      ) : null}
    </div>
  );
}

function MergeFieldHelp() {
  return (
    <details className="rounded-lg border border-slate-200 px-4 py-3 text-sm" data-testid="merge-field-help">
      <summary className="cursor-pointer font-medium text-slate-800">Merge fields</summary>
      <p className="mt-2 text-slate-600">
        Written into the subject or the HTML, they become each contact’s values (escaped, so a value cannot
        change the message’s HTML). The unsubscribe link, preference link and postal address are added to
        every message for you.
      </p>
      <dl className="mt-3 space-y-2">
        {MERGE_FIELDS.map((field) => (
          <div key={field.code}>
            <dt>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">
                {field.code}
              </code>
            </dt>
            <dd className="mt-0.5 text-slate-600">{field.meaning}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

export function EditorFields({
  form,
  errors,
  onChange,
  mailboxes,
  lists,
  generatedText,
}: DraftProps<CampaignForm, CampaignFormErrors> & {
  /** The workspace's accounts; those that cannot send are listed but not offered. */
  mailboxes: readonly Mailbox[];
  lists: readonly ContactList[];
  /** The text the server generated from the HTML last time it was saved. */
  generatedText: string;
}) {
  const bound = bindDraft(form, errors, onChange, FORM_LIMITS);
  const { set } = bound;
  const input = (key: 'name' | 'subject' | 'preheader' | 'replyTo') => ({
    ...bound.input(key),
    autoComplete: 'off',
  });
  const senders = mailboxes.filter((mailbox) => mailbox.canSend);
  const chosenGone = form.mailboxId !== '' && !senders.some((mailbox) => mailbox.id === form.mailboxId);
  return (
    <div className="space-y-5">
      <Field label="Name" testId="campaign-name" hint="Only your team sees it." {...input('name')} />
      <Field label="Subject" testId="campaign-subject" {...input('subject')} />
      <Field
        label="Preheader (optional)"
        testId="campaign-preheader"
        hint="The line inboxes show after the subject."
        {...input('preheader')}
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <SelectField
          label="Sender"
          testId="campaign-sender"
          value={form.mailboxId}
          onChange={(event) => set('mailboxId')(event.target.value)}
          hint={
            senders.length
              ? 'A connected email account whose last connection test passed.'
              : 'Connect an email account (Email accounts) to send from it.'
          }
        >
          <option value="">Choose later</option>
          {senders.map((mailbox) => (
            <option key={mailbox.id} value={mailbox.id}>
              {senderLabel(mailbox)}
            </option>
          ))}
          {chosenGone ? <option value={form.mailboxId}>An account that cannot send now</option> : null}
        </SelectField>
        <SelectField
          label="List"
          testId="campaign-list"
          value={form.listId}
          onChange={(event) => set('listId')(event.target.value)}
          hint="Its active subscribers receive the campaign."
        >
          <option value="">Choose later</option>
          {lists.map((list) => (
            <option key={list.id} value={list.id}>
              {list.name}
            </option>
          ))}
        </SelectField>
      </div>
      <Field
        label="Reply-to (optional)"
        testId="campaign-reply-to"
        type="email"
        hint="Where replies go, when not to the sender."
        {...input('replyTo')}
      />
      <CodeArea
        label="HTML body"
        testId="campaign-html"
        rows={14}
        {...bound.text('htmlBody')}
        hint="Scripts never run: the preview shows the message in a sandbox, and mail clients drop them."
      />
      <MergeFieldHelp />
      <OptionCheckbox
        testId="campaign-text-custom"
        checked={form.textBodyCustom}
        onChange={(custom) =>
          onChange({
            ...form,
            textBodyCustom: custom,
            textBody: custom && !form.textBody ? generatedText : form.textBody,
          })
        }
        title="Edit the text version"
      >
        Otherwise it is generated from the HTML each time the draft is saved.
      </OptionCheckbox>
      <CodeArea
        label="Text version"
        testId="campaign-text"
        rows={8}
        value={form.textBodyCustom ? form.textBody : generatedText}
        maxLength={FORM_LIMITS.textBody}
        error={errors.textBody}
        disabled={!form.textBodyCustom}
        onChange={set('textBody')}
      />
    </div>
  );
}
