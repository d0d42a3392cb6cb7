// The schedule dialog's form (pure: testable): now, or a wall-clock time in a chosen zone turned into
// the instant sent to the server (with the zone, kept for display); the checks before a round trip.
import { toLocalInput, type ZonedInstant, zonedToInstant } from './time-zone.ts';

export interface ScheduleForm {
  when: 'now' | 'later';
  /** datetime-local value, read in `timeZone`. */
  local: string;
  timeZone: string;
  /** The checklist's warnings were read and accepted. */
  acknowledge: boolean;
}

const QUARTER_MS = 15 * 60_000;
/** How far ahead the server accepts a schedule. */
export const MAX_AHEAD_MS = 366 * 86_400_000;

/** The next quarter hour at least an hour after `now`, in `zone`: a sensible first proposal. */
export function defaultLocal(now: number, zone: string): string {
  const start = Math.ceil((now + 60 * 60_000) / QUARTER_MS) * QUARTER_MS;
  return toLocalInput(new Date(start), zone);
}

export function emptyScheduleForm(now: number, zone: string): ScheduleForm {
  return { when: 'now', local: defaultLocal(now, zone), timeZone: zone, acknowledge: false };
}

/** The instant the form names (undefined for "now"). */
export function scheduledInstant(form: ScheduleForm): ZonedInstant | undefined {
  return form.when === 'now' ? undefined : zonedToInstant(form.local, form.timeZone);
}

export type ScheduleErrors = Partial<Record<'local' | 'acknowledge', string>>;

export function scheduleProblems(form: ScheduleForm, now: number, hasWarnings: boolean): ScheduleErrors {
  const errors: ScheduleErrors = {};
  const at = scheduledInstant(form);
  if (at?.kind === 'invalid') errors.local = 'Enter a date and a time.';
  else if (at && at.instant.getTime() < now - 60_000)
    errors.local = 'Choose a time in the future, or send now.';
  else if (at && at.instant.getTime() > now + MAX_AHEAD_MS) errors.local = 'Choose a time within a year.';
  if (hasWarnings && !form.acknowledge)
    errors.acknowledge = 'Read the warnings above and confirm you want to send anyway.';
  return errors;
}

/** The schedule request's fields: `at` as an instant (UTC), the zone it was chosen in. */
export function scheduleInput(form: ScheduleForm) {
  const at = scheduledInstant(form);
  return {
    ...(at && at.kind !== 'invalid' ? { at: at.instant.toISOString() } : {}),
    timeZone: form.timeZone,
    acknowledgeWarnings: form.acknowledge,
  };
}
