// The confirmation email editor of a list: subject and body with the placeholders the server fills in,
// a plain-text preview as the recipient reads it (the list's name and an example link filled in), and
// "Reset to default". Saved on its own; a text equal to the default is stored as "the default".
import { useId } from 'react';
import { Alert } from '../../components/alert.tsx';
import { Button } from '../../components/button.tsx';
import { Card } from '../../components/card.tsx';
import { bindDraft } from '../../components/draft-inputs.tsx';
import { Field } from '../../components/field.tsx';
import { TextAreaField } from '../../components/form-fields.tsx';
import {
  type ConfirmationDraft,
  type ConfirmationErrors,
  confirmationProblems,
  confirmationUpdate,
  DEFAULT_CONFIRMATION,
  isDefault,
  PLACEHOLDERS,
  renderPreview,
  unknownPlaceholders,
} from './confirmation-model.ts';
import { type ListCardProps, type ListCardSpec, SaveFoot, useListCardForm } from './list-card-save.tsx';
import { LIMITS } from './lists-model.ts';
import type { ListDetail } from './use-lists.ts';

function savedDraft(list: ListDetail): ConfirmationDraft {
  return { subject: list.confirmationSubject, body: list.confirmationBody };
}

/** An example of the link the server puts in (a real one is signed and single-use). */
function exampleLink(list: ListDetail): string {
  const origin = list.subscribeUrl.replace(/\/p\/lists\/.*$/, '');
  return `${origin}/p/confirm/…`;
}

function Preview({ draft, list }: { draft: ConfirmationDraft; list: ListDetail }) {
  const headingId = useId();
  const preview = renderPreview(draft, list.name, exampleLink(list));
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg border border-slate-200 bg-slate-50 px-4 py-3"
      data-testid="confirmation-preview"
    >
      <h3 id={headingId} className="text-xs font-medium tracking-wide text-slate-600 uppercase">
        Preview
      </h3>
      <p
        className="mt-2 text-sm font-semibold break-words text-slate-900"
        data-testid="confirmation-preview-subject"
      >
        {preview.subject}
      </p>
      <p
        className="mt-2 text-sm whitespace-pre-wrap [overflow-wrap:anywhere] text-slate-700"
        data-testid="confirmation-preview-body"
      >
        {preview.text}
      </p>
    </section>
  );
}

/** Subject, body, the placeholders, and a warning about unknown ones. */
function ConfirmationFields({
  draft,
  errors,
  onChange,
  disabled,
}: {
  draft: ConfirmationDraft;
  errors: ConfirmationErrors;
  onChange: (draft: ConfirmationDraft) => void;
  disabled: boolean;
}) {
  const unknown = unknownPlaceholders(draft);
  const { text, input } = bindDraft(draft, errors, onChange, {
    subject: LIMITS.confirmationSubject,
    body: LIMITS.confirmationBody,
  });
  return (
    <fieldset disabled={disabled} className="space-y-4">
      <legend className="sr-only">Subject and body of the confirmation email</legend>
      <Field label="Subject" testId="confirmation-subject" autoComplete="off" {...input('subject')} />
      <TextAreaField
        label="Body (plain text)"
        testId="confirmation-body"
        rows={7}
        {...text('body')}
        hint="A blank line starts a new paragraph."
      />
      <div className="text-xs text-slate-600" data-testid="confirmation-placeholders">
        <p className="font-medium text-slate-800">Placeholders</p>
        <ul className="mt-1 space-y-0.5">
          {PLACEHOLDERS.map((placeholder) => (
            <li key={placeholder.token}>
              <code className="font-mono text-slate-800">{placeholder.token}</code> — {placeholder.meaning}
            </li>
          ))}
        </ul>
      </div>
      {unknown.length ? (
        <Alert tone="warning" testId="confirmation-unknown">
          {unknown.join(', ')} {unknown.length === 1 ? 'is' : 'are'} not a placeholder and will be sent as
          written.
        </Alert>
      ) : null}
    </fieldset>
  );
}

const CONFIRMATION: ListCardSpec<ConfirmationDraft, ConfirmationErrors> = {
  of: savedDraft,
  update: (list, draft) => confirmationUpdate(savedDraft(list), draft),
  problems: (draft, list) => confirmationProblems(draft, list.doubleOptIn),
  saved: () => 'The confirmation email was saved.',
};

export function ConfirmationEmailCard(props: ListCardProps) {
  const { list, canManage } = props;
  const card = useListCardForm(props, CONFIRMATION);
  const { draft } = card;
  return (
    <Card
      id="confirmation-email"
      testId="confirmation-card"
      title="Confirmation email"
      description={
        list.doubleOptIn
          ? 'Sent to people who sign up through a form; they are subscribed once they open its link.'
          : 'Used when double opt-in is on (it is off for this list).'
      }
      actions={
        canManage && !isDefault(draft) ? (
          <Button
            variant="ghost"
            data-testid="confirmation-reset"
            onClick={() => card.reset({ ...DEFAULT_CONFIRMATION })}
          >
            Reset to default
          </Button>
        ) : null
      }
    >
      <form className="space-y-5" onSubmit={card.submit} noValidate>
        {canManage ? (
          <ConfirmationFields
            draft={draft}
            errors={card.errors}
            onChange={card.setDraft}
            disabled={card.busy}
          />
        ) : null}
        <Preview draft={draft} list={list} />
        <SaveFoot label="Save email" testId="confirmation" {...card.foot} />
      </form>
    </Card>
  );
}
