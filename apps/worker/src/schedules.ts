// Every timed job, in one list. pg-boss cron has minute resolution and fires once per schedule
// across all worker processes.
import { QUEUES, type QueueDefinition } from '@postern/contracts';

export interface ScheduleEntry {
  queue: QueueDefinition;
  cron: string;
  data: object;
  description: string;
}

export const SCHEDULES: ScheduleEntry[] = [
  {
    queue: QUEUES.retention,
    cron: '17 * * * *',
    data: {},
    description: 'deletes what the retention table (core/retention/policy.ts) says is past its time',
  },
  {
    queue: QUEUES.heartbeat,
    cron: '* * * * *',
    data: { trigger: 'schedule' },
    description: 'worker liveness for /readyz; prunes rows of workers gone for a day',
  },
];
