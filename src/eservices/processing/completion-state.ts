import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { FieldError } from '../../common/errors';
import { FieldErrorView } from '../../common/problem.view';
import { EServiceForm } from '../eservice-form.entity';

/**
 * Where an operator's completion stands (SPEC §9: `complete` answers 202 and a worker applies
 * it). `pending` from the 202 until the worker commits; `failed` when the worker refused it
 * (the registry changed since the request) or every attempt failed. A failed completion leaves
 * the form Sent to HKEX, in the operators' tasks, where any operator may complete it again or
 * reject it; it is recorded in the history as `completion-failed` with the reason, and e-mailed
 * to the operator who requested it, not to the participants, who cannot act on it.
 */
export type CompletionState = 'pending' | 'failed';

/** The history action (and e-mail event) of a completion given up. */
export const COMPLETION_FAILED = 'completion-failed';

@ApiSchema({ name: 'CompletionRequester' })
export class CompletionRequester {
  @ApiProperty({ type: String, description: 'The user\'s id ("HKEX" for participants)' }) id!: string;
  @ApiProperty({ type: String, example: 'HKEX Operator 1' }) name!: string;
}

@ApiSchema({ name: 'Completion' })
export class CompletionView {
  @ApiProperty({ enum: ['pending', 'failed'], enumName: 'CompletionState' }) state!: CompletionState;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'When it was requested (pending) or given up (failed)',
  })
  at!: string;
  @ApiPropertyOptional({ type: CompletionRequester, description: 'pending: the operator who pressed COMPLETE' })
  by?: CompletionRequester;
  @ApiPropertyOptional({ type: String, description: 'failed: why, in words' }) reason?: string;
  @ApiPropertyOptional({ type: [FieldErrorView], description: 'failed: every rule it broke (HKEX staff only)' })
  problems?: FieldError[];
}

/** The completion's state on a form Sent to HKEX; null when none was requested, or the form has moved on. */
export function completionOf(
  f: EServiceForm,
  reader: { personOf: (userId: string) => CompletionRequester; seesHkexChecks: boolean },
): CompletionView | null {
  if (f.status !== 'SENT_TO_HKEX') return null;
  if (f.completionRequestedById && f.completionRequestedAt)
    return {
      state: 'pending',
      at: f.completionRequestedAt.toISOString(),
      by: reader.personOf(f.completionRequestedById),
    };
  if (f.completionFailedAt && f.completionProblems)
    return {
      state: 'failed',
      at: f.completionFailedAt.toISOString(),
      reason: failureReason(f.completionProblems),
      // The rules it broke are HKEX's re-check (SPEC §11); the reason's words are in the history for all.
      ...(reader.seesHkexChecks ? { problems: f.completionProblems } : {}),
    };
  return null;
}

/** A request given up: no longer pending (complete and reject are open again), with its reasons. */
export const failedCompletion = (problems: FieldError[], now: Date): Partial<EServiceForm> => ({
  completionRequestedById: null,
  completionRequestedAt: null,
  completionMessage: null,
  completionProblems: problems,
  completionFailedAt: now,
});

/** The history's and the e-mail's words for a failed completion. */
export function failureReason(problems: FieldError[]): string {
  return `The completion was not applied: ${problems.map((p) => p.message).join('; ')}`;
}

/** The reason recorded when every attempt of the worker failed on an error that is not a rule of the registry. */
export function exhaustedAttempts(attempts: number, jobId: string | undefined): FieldError[] {
  return [
    {
      field: '',
      message:
        `it failed ${attempts} attempt${attempts === 1 ? '' : 's'} on a technical error ` +
        `(job ${jobId ?? 'unknown'} in the failed jobs of the hkex-processing queue)`,
    },
  ];
}
