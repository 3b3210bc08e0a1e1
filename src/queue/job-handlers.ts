import { Injectable } from '@nestjs/common';
import { JobData, JobName, OVERDUE_SWEEP } from './queues';

/** Which attempt of its job a worker is running (1-based), out of how many. */
export interface JobAttempt {
  number: number;
  of: number;
  jobId?: string;
}

/** Thrown by a handler whose job must wait a while: not a failure, no attempt is used up. */
export class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
  }
}

type Payload<N extends HandledJob> = N extends JobName ? JobData<N> : Record<string, never>;
export type HandledJob = JobName | typeof OVERDUE_SWEEP;

/** The work of one job name, in the module that owns that work. */
export interface JobHandler<N extends HandledJob> {
  run(data: Payload<N>, attempt: JobAttempt): Promise<unknown>;
  /**
   * After the last attempt failed (or the job stalled too often): record it where it belongs, and
   * close the job's outbox row. Without it the workers close the row alone.
   */
  failedForGood?(data: Payload<N>, attempt: JobAttempt, error: Error): Promise<unknown>;
}

/**
 * Who does each job of the queues (queues.ts). The queue module runs the workers and owns this
 * interface; the modules that own the work (eServices, notifications) register their handlers
 * when they start, so the queue imports none of them.
 */
@Injectable()
export class JobHandlers {
  private readonly handlers = new Map<string, JobHandler<HandledJob>>();
  private readonly closers: (() => void | Promise<void>)[] = [];

  handle<N extends HandledJob>(name: N, handler: JobHandler<N>): void {
    if (this.handlers.has(name)) throw new Error(`job ${name} has a handler already`);
    this.handlers.set(name, handler as unknown as JobHandler<HandledJob>);
  }

  /** The handler of a job; an unknown job fails like any error (and is retried, then kept as failed). */
  of(name: string): JobHandler<HandledJob> {
    const handler = this.handlers.get(name);
    if (!handler) throw new Error(`unknown job ${name}`);
    return handler;
  }

  /** The handler of a job, if any (for the workers' events, which must not throw). */
  find(name: string): JobHandler<HandledJob> | undefined {
    return this.handlers.get(name);
  }

  /** What a module's jobs hold open (the mail connections), closed once the workers have stopped. */
  closeAfterWorkers(close: () => void | Promise<void>): void {
    this.closers.push(close);
  }

  async closeAll(): Promise<void> {
    for (const close of this.closers) await close();
  }
}
