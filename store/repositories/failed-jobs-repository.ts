import type { Kysely } from 'kysely';
import { InputValidationError, NotFoundError } from '../../core/errors.js';
import type { FailedJob, FailedJobKind, PipelineStage, Schema } from '../schema.js';

/** A job that failed for good, as the pipeline reports it. */
export interface FailedJobInput {
  stage: PipelineStage;
  /** The job's identity: the same job failing again updates its row, never adds one. */
  jobKey: string;
  payload: Record<string, unknown>;
  scanRunId?: string;
  error: string;
  kind: FailedJobKind;
  attempts: number;
}

/** Jobs that failed for good: kept until retried, so nothing a scan could not do is forgotten. */
export class FailedJobsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Records a failure; a job that failed before (and was retried) gets its row back, open again. */
  async record(input: FailedJobInput): Promise<FailedJob> {
    const values = {
      stage: input.stage,
      payload: JSON.stringify(input.payload),
      scan_run_id: input.scanRunId ?? null,
      error: input.error,
      error_kind: input.kind,
      attempts: input.attempts,
    };
    return this.db
      .insertInto('failed_jobs')
      .values({ job_key: input.jobKey, retried_at: null, ...values })
      .onConflict((conflict) => conflict.column('job_key').doUpdateSet({ ...values, failed_at: new Date(), retried_at: null }))
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Failures not yet retried, newest first. */
  async listOpen(limit = 1_000): Promise<FailedJob[]> {
    return this.db
      .selectFrom('failed_jobs')
      .selectAll()
      .where('retried_at', 'is', null)
      .orderBy('failed_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  /** One failure by its id, or by the first characters of its id (at least 8) as `jobs failed` shows it. */
  async resolve(reference: string): Promise<FailedJob> {
    const query = this.db.selectFrom('failed_jobs').selectAll();
    const rows = /^[0-9a-f-]{36}$/iu.test(reference)
      ? await query.where('id', '=', reference).execute()
      : /^[0-9a-f]{8,35}$/iu.test(reference)
        ? await query.where((eb) => eb(eb.cast('id', 'text'), 'like', `${reference.toLowerCase()}%`)).limit(2).execute()
        : [];
    const [job, other] = rows;
    if (other !== undefined) {
      throw new InputValidationError('failed job id', [
        { path: 'id', message: `more than one failed job starts with ${reference}: give more of the id` },
      ]);
    }
    if (job === undefined) throw new NotFoundError('failed job', reference);
    return job;
  }

  /** Marks failures as retried (they leave the open list; failing again reopens them). */
  async markRetried(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('failed_jobs').set({ retried_at: new Date() }).where('id', 'in', ids).execute();
  }
}
