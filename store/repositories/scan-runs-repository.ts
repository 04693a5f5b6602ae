import type { Kysely, Updateable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { ScanCounts, ScanRun, ScanRunsTable, ScanStatus, ScanTrigger, Schema } from '../schema.js';

/** Scan runs with their counts and errors, from queued to a final status. */
export class ScanRunsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(trigger: ScanTrigger, accountId?: string): Promise<ScanRun> {
    return this.db
      .insertInto('scan_runs')
      .values({ trigger, account_id: accountId ?? null, started_at: null, finished_at: null })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async markRunning(id: string): Promise<ScanRun> {
    return this.update(id, { status: 'running', started_at: new Date() });
  }

  async finish(
    id: string,
    status: Extract<ScanStatus, 'completed' | 'failed' | 'cancelled'>,
    counts: ScanCounts,
    errors: ReadonlyArray<{ at: string; message: string; accountId?: string }> = [],
  ): Promise<ScanRun> {
    return this.update(id, {
      status,
      counts: JSON.stringify(counts),
      errors: JSON.stringify(errors),
      finished_at: new Date(),
    });
  }

  async getById(id: string): Promise<ScanRun> {
    const run = await this.db.selectFrom('scan_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!run) throw new NotFoundError('scan run', id);
    return run;
  }

  private async update(id: string, changes: Updateable<ScanRunsTable>): Promise<ScanRun> {
    const run = await this.db
      .updateTable('scan_runs')
      .set(changes)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!run) throw new NotFoundError('scan run', id);
    return run;
  }
}
