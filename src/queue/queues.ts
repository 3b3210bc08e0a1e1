import { JobsOptions } from 'bullmq';

/**
 * Every queue and job of the service, with its payload: the one place to look (and the
 * one to change) when adding work to the background. Payloads carry ids, never copies:
 * workers reload what they need.
 */
export const QUEUE_NAMES = {
  processing: 'hkex-processing',
  notifications: 'notifications',
} as const;
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export interface JobPayloads {
  /** SPEC §6: check a form against the registry when it arrives at HKEX. */
  'arrival-check': { formId: string };
  /** SPEC §6: apply an operator's completion (registry, status, history, e-mails) in one transaction. */
  complete: { formId: string };
  /** Render and send one delivery record. */
  'send-email': { deliveryId: string };
  /** E-mail the one-time password of a login challenge (the code is derived, not carried). */
  'send-otp': { challengeId: string };
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: Record<JobName, QueueName> = {
  'arrival-check': QUEUE_NAMES.processing,
  complete: QUEUE_NAMES.processing,
  'send-email': QUEUE_NAMES.notifications,
  'send-otp': QUEUE_NAMES.notifications,
};

/**
 * A repeatable job (a BullMQ job scheduler, one per queue whatever the number of processes):
 * it carries nothing and comes from no outbox row. SPEC §13: look for forms that became overdue.
 */
export const OVERDUE_SWEEP = 'overdue-sweep';

/** What every job carries besides its payload: the outbox row it came from. */
export type JobData<N extends JobName> = JobPayloads[N] & { outboxId: number };

/**
 * Retries with exponential backoff (1 s, 2 s, 4 s … about 17 minutes in all over 10
 * attempts); a job that keeps failing stays in the failed set, visible on the dashboard, for
 * the outbox's retention (OUTBOX_RETENTION_DAYS). Completed jobs are kept a day so a replayed
 * outbox row is deduplicated by its job id.
 *
 * A failed job may expire because nothing replays it: a job that fails for good closes its
 * outbox row (a delivery is marked FAILED with it), so the relay never publishes that row again,
 * and the operators' retry of a failed delivery writes a new outbox row, with a job id of its own.
 * BullMQ removes expired failed jobs when another job fails.
 */
export function jobOptions(retentionDays: number): JobsOptions {
  return {
    attempts: 10,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 24 * 3600, count: 100_000 },
    removeOnFail: { age: retentionDays * 24 * 3600 },
  };
}

/** BullMQ job ids may not contain ':' nor be all digits. */
export const jobIdOf = (outboxId: number): string => `ob-${outboxId}`;
