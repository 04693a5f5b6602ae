import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collectJob } from '../pipeline/job-payloads.js';
import { accountHistoryRoutes } from '../server/api/routes/account-history-routes.js';
import { FailedJobsRepository } from '../store/repositories/failed-jobs-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { Account } from '../store/schema.js';
import { startApiHarness, type ApiClient, type ApiHarness } from './support/api-harness.js';
import { seedAccount, seedFinding } from './support/seed-findings.js';

const ENGINES = [
  { engine: 'pglite' as const, isAvailable: true },
  { engine: 'postgres' as const, isAvailable: inject('isPostgresAvailable') },
];

interface HistoryEntry {
  scan_id: string;
  trigger: string;
  scan_status: string;
  outcome: string;
  counts: { posts: number; new_findings: number };
  error_kind: string | null;
  error: string | null;
}

for (const { engine, isAvailable } of ENGINES) {
  describe.skipIf(!isAvailable)(`GET /api/v1/accounts/{id}/history on ${engine}`, () => {
    let harness: ApiHarness;
    let auditor: ApiClient;
    let alice: Account;
    let bob: Account;
    /** Alice's scans, oldest first. */
    const scans: string[] = [];

    beforeAll(async () => {
      harness = await startApiHarness({ engine, routes: accountHistoryRoutes() });
      auditor = await harness.as('auditor');
      const { db } = harness;
      alice = await seedAccount(db, { handle: 'alice_history' });
      bob = await seedAccount(db, { handle: 'bob_history' });
      const start = async (accountIds: string[]) => {
        const run = await db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'schedule', accountIds));
        // A minute apart, in the order started: the history's order does not hang on the clock's resolution.
        await sql`UPDATE scan_runs SET created_at = ${new Date(Date.UTC(2026, 10, 1, 8, scans.length))} WHERE id = ${run.id}`.execute(db);
        scans.push(run.id);
        return run.id;
      };

      // 1: collected with four posts, two of them leaks; Bob in the same scan, with his own finding.
      const collected = await start([alice.id, bob.id]);
      await ScanRunsRepository.recordAccount(db, collected, alice.id, { status: 'collected', posts: 4 });
      await ScanRunsRepository.recordAccount(db, collected, bob.id, { status: 'collected', posts: 1 });
      for (const account of [alice, alice, bob]) {
        const finding = await seedFinding(db, { account });
        await db.updateTable('findings').set({ scan_run_id: collected }).where('id', '=', finding.id).execute();
      }
      await new ScanRunsRepository(db).finishIfDone(collected);
      // 2: the platform blocked collection.
      const blocked = await start([alice.id]);
      await ScanRunsRepository.recordAccount(db, blocked, alice.id, { status: 'blocked', error: 'mastodon blocked collection: a login wall' });
      // 3: the collect job kept failing until its attempts ran out.
      const exhausted = await start([alice.id]);
      await new FailedJobsRepository(db).record({
        stage: 'collect',
        jobKey: collectJob(exhausted, alice.id).key,
        payload: { scanRunId: exhausted, accountId: alice.id },
        scanRunId: exhausted,
        error: 'connect ETIMEDOUT',
        kind: 'retries_exhausted',
        attempts: 3,
      });
      await ScanRunsRepository.recordAccount(db, exhausted, alice.id, { status: 'failed', error: 'connect ETIMEDOUT' });
      // 4: the collector gave up at once (no failed job: permanent errors are not retried).
      const permanent = await start([alice.id]);
      await ScanRunsRepository.recordAccount(db, permanent, alice.id, { status: 'failed', error: 'the profile does not exist' });
      // 5: cancelled before Alice's turn.
      const cancelled = await start([alice.id]);
      await new ScanRunsRepository(db).cancel(cancelled);
      // 6: still waiting.
      await start([alice.id]);
    });
    afterAll(async () => harness.close());

    const historyOf = async (accountId: string, query = '') => {
      const reply = await auditor.get(`/api/v1/accounts/${accountId}/history${query}`);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return reply.body as { items: HistoryEntry[]; next_cursor: string | null };
    };

    it("lists the account's scans newest first, with its outcome, counts and the kind and text of each error", async () => {
      const { items, next_cursor: next } = await historyOf(alice.id);
      expect(next).toBeNull();
      expect(items.map((item) => item.scan_id)).toEqual([...scans].reverse());
      expect(items.map(({ outcome, error_kind: kind, error }) => ({ outcome, kind, error }))).toEqual([
        { outcome: 'pending', kind: null, error: null },
        { outcome: 'skipped', kind: 'skipped', error: 'the scan was cancelled' },
        { outcome: 'failed', kind: 'permanent', error: 'the profile does not exist' },
        { outcome: 'failed', kind: 'retries_exhausted', error: 'connect ETIMEDOUT' },
        { outcome: 'blocked', kind: 'blocked', error: 'mastodon blocked collection: a login wall' },
        { outcome: 'collected', kind: null, error: null },
      ]);
      expect(items.at(-1)).toMatchObject({ trigger: 'schedule', scan_status: 'completed', counts: { posts: 4, new_findings: 2 } });
      expect(items[0]).toMatchObject({ scan_status: 'running', counts: { posts: 0, new_findings: 0 } });
      expect(items[1]).toMatchObject({ scan_status: 'cancelled' });
    });

    it("shows only the account's own part of a scan it shared", async () => {
      const { items } = await historyOf(bob.id);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ scan_id: scans[0], outcome: 'collected', counts: { posts: 1, new_findings: 1 } });
    });

    it('pages by cursor without repeating or skipping a scan', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: { items: HistoryEntry[]; next_cursor: string | null } = await historyOf(alice.id, `?limit=4${cursor === null ? '' : `&cursor=${cursor}`}`);
        seen.push(...page.items.map((item) => item.scan_id));
        cursor = page.next_cursor;
        pages += 1;
      } while (cursor !== null);
      expect(pages).toBe(2);
      expect(seen).toEqual([...scans].reverse());
    });

    it('answers 404 for an unknown account and 400 for a bad cursor or limit', async () => {
      expect((await auditor.get('/api/v1/accounts/00000000-0000-4000-8000-000000000000/history')).status).toBe(404);
      expect((await auditor.get(`/api/v1/accounts/${alice.id}/history?cursor=yesterday`)).status).toBe(400);
      expect((await auditor.get(`/api/v1/accounts/${alice.id}/history?limit=0`)).status).toBe(400);
    });

    it('is for callers who may read accounts, not for the siem role', async () => {
      expect((await (await harness.as('reviewer')).get(`/api/v1/accounts/${alice.id}/history`)).status).toBe(200);
      expect((await (await harness.as('siem')).get(`/api/v1/accounts/${alice.id}/history`)).status).toBe(403);
    });
  });
}
