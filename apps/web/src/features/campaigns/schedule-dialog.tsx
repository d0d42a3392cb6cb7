// Scheduling a draft: now, or a date and time in a chosen IANA zone (the browser's by default), shown
// back as the instant in UTC and in the member's own time; the pre-send checklist above, its warnings
// (a sender domain failing SPF, DKIM or DMARC) to acknowledge; the server's refusal in its own words,
// pointing at the postal-address form when that is what is missing.
import { useMutation } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Alert } from '../../components/alert.tsx';
import { closeThen, Dialog, type OpenDialogProps } from '../../components/dialog.tsx';
import { DialogForm } from '../../components/dialog-form.tsx';
import type { DraftProps } from '../../components/draft-inputs.tsx';
import { CheckboxField, Field } from '../../components/field.tsx';
import { SelectField } from '../../components/select.tsx';
import { useRefusal } from '../workspaces/use-refusal.ts';
import { type CampaignProblem, campaignActionError } from './campaign-errors.ts';
import { ChecklistItems } from './checklist-card.tsx';
import { PostalAddressLink } from './postal-address-card.tsx';
import {
  emptyScheduleForm,
  type ScheduleErrors,
  type ScheduleForm,
  scheduledInstant,
  scheduleInput,
  scheduleProblems,
} from './schedule-model.ts';
import { browserTimeZone, formatInZone, groupTimeZones, timeZones, zoneLabel } from './time-zone.ts';
import { type Campaign, type Checklist, useCampaignAction } from './use-campaigns.ts';

/** The zones by region, as `<optgroup>`s of a native select. */
function TimeZoneSelect({ value, onChange }: { value: string; onChange: (zone: string) => void }) {
  const groups = useMemo(() => groupTimeZones(timeZones(browserTimeZone())), []);
  return (
    <SelectField
      label="Time zone"
      testId="schedule-time-zone"
      value={value}
      onChange={(event) => onChange(event.target.value)}
    >
      {groups.map((group) => (
        <optgroup key={group.region} label={group.region}>
          {group.zones.map((zone) => (
            <option key={zone} value={zone}>
              {zoneLabel(zone)}
            </option>
          ))}
        </optgroup>
      ))}
    </SelectField>
  );
}

/** The chosen time read back: in UTC and in the member's own zone (and what a skipped hour became). */
function InstantReadback({ form }: { form: ScheduleForm }) {
  const at = scheduledInstant(form);
  if (!at || at.kind === 'invalid') return null;
  const local = browserTimeZone();
  return (
    <div
      className="rounded-lg bg-slate-50 px-3.5 py-3 text-sm text-slate-700"
      data-testid="schedule-readback"
    >
      <p>
        <span className="font-medium text-slate-900">In UTC:</span>{' '}
        <span data-testid="schedule-utc">{formatInZone(at.instant, 'UTC')}</span>
      </p>
      <p className="mt-1">
        <span className="font-medium text-slate-900">Your time ({zoneLabel(local)}):</span>{' '}
        <span data-testid="schedule-local">{formatInZone(at.instant, local)}</span>
      </p>
      {at.kind === 'skipped' ? (
        <p className="mt-1 text-amber-800">
          This time does not exist in {zoneLabel(form.timeZone)} (the clocks skip it): the campaign starts at{' '}
          {at.shiftedTo.replace('T', ' ')}.
        </p>
      ) : at.kind === 'repeated' ? (
        <p className="mt-1 text-amber-800">
          This time happens twice in {zoneLabel(form.timeZone)} (the clocks go back): the first is used.
        </p>
      ) : null}
    </div>
  );
}

/** The refusal, and for a missing postal address the way to the form. */
function RefusalDetail({ workspaceId, problem }: { workspaceId: string; problem: CampaignProblem }) {
  return (
    <Alert tone="error" title={problem.title} testId="schedule-error">
      {problem.message}
      {problem.postalAddress ? (
        <>
          {' '}
          <PostalAddressLink
            workspaceId={workspaceId}
            testId="schedule-postal-address-link"
            className="font-medium underline focus-visible:outline-2 focus-visible:outline-rose-600"
          />
          .
        </>
      ) : null}
    </Alert>
  );
}

function ScheduleFields({ form, errors, onChange }: DraftProps<ScheduleForm, ScheduleErrors>) {
  return (
    <fieldset className="space-y-4">
      <legend className="text-sm font-medium text-slate-800">When</legend>
      <div className="flex flex-wrap gap-x-6 gap-y-2 text-sm text-slate-700">
        {(['now', 'later'] as const).map((when) => (
          <label key={when} className="flex cursor-pointer items-center gap-2">
            <input
              type="radio"
              name="schedule-when"
              value={when}
              checked={form.when === when}
              data-testid={`schedule-${when}`}
              onChange={() => onChange({ ...form, when })}
              className="size-4 accent-indigo-600"
            />
            {when === 'now' ? 'Now' : 'At a date and time'}
          </label>
        ))}
      </div>
      {form.when === 'later' ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Date and time"
            type="datetime-local"
            testId="schedule-local-time"
            value={form.local}
            error={errors.local}
            onChange={(event) => onChange({ ...form, local: event.target.value })}
          />
          <TimeZoneSelect value={form.timeZone} onChange={(timeZone) => onChange({ ...form, timeZone })} />
        </div>
      ) : null}
      {form.when === 'later' ? <InstantReadback form={form} /> : null}
    </fieldset>
  );
}

function ScheduleEditor({
  campaign,
  checklist,
  onScheduled,
}: {
  campaign: Campaign;
  checklist: Checklist | undefined;
  onScheduled: (campaign: Campaign) => void;
}) {
  const { trpc, workspace, ref } = useCampaignAction(campaign);
  const [form, setForm] = useState(() => emptyScheduleForm(Date.now(), browserTimeZone()));
  const [errors, setErrors] = useState<ScheduleErrors>({});
  const refusal = useRefusal((error) => campaignActionError(error, 'schedule'));
  const schedule = useMutation(
    trpc.campaigns.schedule.mutationOptions({ onSuccess: onScheduled, onError: refusal.onError }),
  );
  const problem = refusal.problem(schedule);
  const warnings =
    (checklist?.items.some((item) => item.status === 'warning') ?? false) ||
    Boolean(problem?.needsAcknowledgement);

  function submit() {
    // While something blocks scheduling, the server says so; warnings matter once nothing does.
    const blocked = checklist?.items.some((item) => item.status === 'error') ?? false;
    const found = scheduleProblems(form, Date.now(), warnings && !blocked);
    setErrors(found);
    if (Object.keys(found).length) return;
    schedule.mutate({ ...ref, ...scheduleInput(form) });
  }

  return (
    <DialogForm
      testId="schedule-form"
      onSubmit={submit}
      problem={undefined}
      action={{ label: form.when === 'now' ? 'Send now' : 'Schedule', busy: schedule.isPending }}
    >
      {problem ? <RefusalDetail workspaceId={workspace.id} problem={problem} /> : null}
      {checklist ? (
        <div className="rounded-lg border border-slate-200 px-4 py-3" data-testid="schedule-checklist">
          <ChecklistItems workspaceId={workspace.id} checklist={checklist} />
        </div>
      ) : null}
      {warnings ? (
        <div>
          <CheckboxField
            testId="schedule-acknowledge"
            checked={form.acknowledge}
            onChange={(acknowledge) => setForm({ ...form, acknowledge })}
          >
            I have read the warnings and want to send anyway.
          </CheckboxField>
          {errors.acknowledge ? <p className="mt-1.5 text-xs text-rose-600">{errors.acknowledge}</p> : null}
        </div>
      ) : null}
      <ScheduleFields form={form} errors={errors} onChange={setForm} />
    </DialogForm>
  );
}

export function ScheduleDialog({
  campaign,
  checklist,
  onScheduled,
  ...dialog
}: OpenDialogProps & {
  campaign: Campaign;
  checklist: Checklist | undefined;
  onScheduled: (campaign: Campaign) => void;
}) {
  return (
    <Dialog
      {...dialog}
      testId="schedule-dialog"
      className="max-w-xl"
      title={`Schedule “${campaign.name}”`}
      description="Sending starts at the chosen time, at the sender’s pace. It can be paused or cancelled until every message is out."
    >
      <ScheduleEditor
        campaign={campaign}
        checklist={checklist}
        onScheduled={closeThen(dialog.onClose, onScheduled)}
      />
    </Dialog>
  );
}
