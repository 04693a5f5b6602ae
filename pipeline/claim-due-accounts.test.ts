import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { CollectionOutcome } from '../core/coverage.js';
import { parseSchedule } from '../core/schedule.js';
import { migrateToLatest } from '../store/migrate-to-latest.js';
import { openDatabase, type Database } from '../store/open-database.js';
import { AccountsRepository } from '../store/repositories/accounts-repository.js';
import { CoverageRepository } from '../store/repositories/coverage-repository.js';
import { ScanRunsRepository } from '../store/repositories/scan-runs-repository.js';
import type { Account } from '../store/schema.js';
import { capturingLogger } from '../test/support/capturing-logger.js';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres.js';
import { storeTargets } from '../test/support/store-targets.js';
import { claimDueAccounts } from './claim-due-accounts.js';

const HOUR_MS = 3_600_000;
const DEFAULT_SCHEDULE = parseSchedule('1d');
// A Monday, 10:15 UTC: the next "0 9 * * *" is tomorrow 09:00.
const NOW = new Date('2031-03-03T10:15:00Z');

for (const target of storeTargets()) {
  describe.skipIf(!target.isAvailable)(`claimDueAccounts on ${target.name}`, () => {
    const { log, lines } = capturingLogger();
    let database: Database;
    let dispose: () => Promise<void>;
    let handles = 0;

    beforeAll(async () => {
      ({ database, dispose } = await target.open(log));
      await migrateToLatest(database.db, log);
    });
    afterAll(async () => dispose());
    // Each test starts with nothing due and no scan running.
    beforeEach(async () => {
      await database.db.updateTable('accounts').set({ is_active: false }).execute();
      await database.db.deleteFrom('collection_attempts').execute();
      await database.db.updateTable('scan_runs').set({ status: 'completed' }).where('status', '=', 'running').execute();
    });

    async function account(
      nextScanAt: Date | null,
      options: { schedule?: string; isActive?: boolean; platform?: 'mastodon' | 'telegram'; isCanary?: boolean } = {},
    ): Promise<Account> {
      handles += 1;
      const created = await new AccountsRepository(database.db).create({
        platform: options.platform ?? 'mastodon',
        handle: `claim-${handles}`,
        kind: 'employee',
        ...(options.schedule === undefined ? {} : { schedule: options.schedule }),
      });
      await database.db
        .updateTable('accounts')
        .set({ next_scan_at: nextScanAt, is_active: options.isActive ?? true, is_canary: options.isCanary ?? false })
        .where('id', '=', created.id)
        .execute();
      return created;
    }

    const claim = (limit = 500) => claimDueAccounts(database.db, { now: NOW, limit, defaultSchedule: DEFAULT_SCHEDULE, log });
    const claimedIn = async (scanRunId: string) => (await new ScanRunsRepository(database.db).accountsOf(scanRunId)).map((entry) => entry.account_id).sort();
    const nextScanOf = async (id: string) =>
      (await database.db.selectFrom('accounts').select('next_scan_at').where('id', '=', id).executeTakeFirstOrThrow()).next_scan_at;

    it('claims the due accounts into one scheduled scan and moves each to its next time', async () => {
      const neverScheduled = await account(null);
      const everySixHours = await account(new Date(NOW.getTime() - HOUR_MS), { schedule: '6h' });
      const dailyAtNine = await account(NOW, { schedule: '0 9 * * *' });
      const kyivMornings = await account(new Date(NOW.getTime() - 30 * 86_400_000), { schedule: 'CRON_TZ=Europe/Kyiv 30 8 * * 1-5' });

      const run = await claim();
      expect(run).toMatchObject({ trigger: 'schedule', status: 'running', counts: expect.objectContaining({ accounts: 4 }) as object });
      expect(await claimedIn(run!.id)).toEqual([neverScheduled.id, everySixHours.id, dailyAtNine.id, kyivMornings.id].sort());
      expect(await nextScanOf(neverScheduled.id)).toEqual(new Date(NOW.getTime() + 24 * HOUR_MS));
      expect(await nextScanOf(everySixHours.id)).toEqual(new Date(NOW.getTime() + 6 * HOUR_MS));
      expect(await nextScanOf(dailyAtNine.id)).toEqual(new Date('2031-03-04T09:00:00Z'));
      // 08:30 in Kyiv (UTC+2 in March) is 06:30 UTC, and Tuesday is the next weekday.
      expect(await nextScanOf(kyivMornings.id)).toEqual(new Date('2031-03-04T06:30:00Z'));
      expect(await claim()).toBeUndefined();
    });

    it('leaves disabled accounts and accounts not yet due alone', async () => {
      const disabled = await account(new Date(NOW.getTime() - HOUR_MS), { isActive: false });
      const later = await account(new Date(NOW.getTime() + 1_000));
      const due = await account(new Date(NOW.getTime() - 1_000));

      const run = await claim();
      expect(await claimedIn(run!.id)).toEqual([due.id]);
      expect(await nextScanOf(disabled.id)).toEqual(new Date(NOW.getTime() - HOUR_MS));
      expect(await nextScanOf(later.id)).toEqual(new Date(NOW.getTime() + 1_000));
    });

    it('does not claim an account still pending in a running scan, and claims it once that scan has collected it', async () => {
      const waiting = await account(new Date(NOW.getTime() - HOUR_MS));
      const manual = await database.db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'manual', [waiting.id]));
      expect(await claim()).toBeUndefined();
      expect(await nextScanOf(waiting.id)).toEqual(new Date(NOW.getTime() - HOUR_MS));

      await ScanRunsRepository.recordAccount(database.db, manual.id, waiting.id, { status: 'collected', posts: 0 });
      const run = await claim();
      expect(await claimedIn(run!.id)).toEqual([waiting.id]);
    });

    it('claims an account pending in a scan that is no longer running', async () => {
      const stranded = await account(new Date(NOW.getTime() - HOUR_MS));
      const cancelled = await database.db.transaction().execute((trx) => ScanRunsRepository.start(trx, 'manual', [stranded.id]));
      await database.db.updateTable('scan_runs').set({ status: 'cancelled' }).where('id', '=', cancelled.id).execute();
      const run = await claim();
      expect(await claimedIn(run!.id)).toEqual([stranded.id]);
    });

    it('claims at most `limit` accounts per scan, the longest overdue first', async () => {
      const accounts = [];
      for (let hoursLate = 5; hoursLate >= 1; hoursLate -= 1) accounts.push(await account(new Date(NOW.getTime() - hoursLate * HOUR_MS)));
      const batches = [];
      for (let run = await claim(2); run !== undefined; run = await claim(2)) batches.push(await claimedIn(run.id));
      expect(batches).toEqual([[accounts[0]!.id, accounts[1]!.id].sort(), [accounts[2]!.id, accounts[3]!.id].sort(), [accounts[4]!.id]]);
    });

    it('claims at most platformLimit accounts of one platform a round, the longest overdue first, and the rest in later rounds', async () => {
      const late = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
      const mastodon = [];
      for (let minutesLate = 30; minutesLate >= 1; minutesLate -= 1) mastodon.push(await account(late(minutesLate)));
      const telegram = [await account(new Date(NOW.getTime() - 1_000), { platform: 'telegram' }), await account(null, { platform: 'telegram' })];
      const round = new Map<string, number>();
      const claimRound = () => claimDueAccounts(database.db, { now: NOW, limit: 500, defaultSchedule: DEFAULT_SCHEDULE, log, platformLimit: 25, claimedThisRound: round });

      const first = await claimRound();
      expect(await claimedIn(first!.id)).toEqual([...mastodon.slice(0, 25), ...telegram].map((created) => created.id).sort());
      expect(Object.fromEntries(round)).toEqual({ mastodon: 25, telegram: 2 });
      expect(await claimRound()).toBeUndefined();
      for (const [index, waiting] of mastodon.slice(25).entries()) expect(await nextScanOf(waiting.id)).toEqual(late(5 - index));

      const next = await claimDueAccounts(database.db, { now: NOW, limit: 500, defaultSchedule: DEFAULT_SCHEDULE, log, platformLimit: 25 });
      expect(await claimedIn(next!.id)).toEqual(mastodon.slice(25).map((created) => created.id).sort());
    });

    /** Collections of a platform in the hour before NOW, oldest first. */
    async function attempts(platform: string, outcomes: Array<[CollectionOutcome, { isCanary?: boolean }?]>): Promise<void> {
      for (const [index, [outcome, options]] of outcomes.entries()) {
        const attemptedAt = new Date(NOW.getTime() - HOUR_MS + index * 60_000);
        await CoverageRepository.recordAttempt(database.db, { platform, accountId: null, isCanary: options?.isCanary ?? false, outcome, attemptedAt });
      }
    }

    it('only probes a platform that is down: its due canaries, while its other due accounts keep waiting untouched', async () => {
      await attempts('telegram', [['ok'], ['server_error'], ['server_error'], ['timeout'], ['server_error'], ['network']]);
      const waiting = [];
      for (let index = 0; index < 4; index += 1) waiting.push(await account(new Date(NOW.getTime() - HOUR_MS), { platform: 'telegram' }));
      const canary = await account(new Date(NOW.getTime() - 60_000), { platform: 'telegram', isCanary: true });
      const healthy = await account(new Date(NOW.getTime() - HOUR_MS));
      const round = new Map<string, number>();
      const claimRound = () => claimDueAccounts(database.db, { now: NOW, limit: 500, defaultSchedule: DEFAULT_SCHEDULE, log, claimedThisRound: round });

      const run = await claimRound();
      expect(await claimedIn(run!.id)).toEqual([canary.id, healthy.id].sort());
      expect(await claimRound()).toBeUndefined();
      for (const account of waiting) expect(await nextScanOf(account.id)).toEqual(new Date(NOW.getTime() - HOUR_MS));

      // The canary read the platform fine, and so did two more: it is no longer down, and every due account is claimed.
      await attempts('telegram', [['server_error'], ['server_error'], ['server_error'], ['server_error'], ['server_error'], ['ok', { isCanary: true }], ['ok'], ['ok']]);
      const after = await claimDueAccounts(database.db, { now: NOW, limit: 500, defaultSchedule: DEFAULT_SCHEDULE, log });
      expect(await claimedIn(after!.id)).toEqual(waiting.map((account) => account.id).sort());
    });

    it('probes a blocked platform without a due canary with one account a round', async () => {
      // The newest canary reading met a login wall: blocked, whatever the other readings say.
      await attempts('telegram', [['ok'], ['ok'], ['login_wall', { isCanary: true }], ['ok']]);
      const due = [];
      for (let minutesLate = 3; minutesLate >= 1; minutesLate -= 1) due.push(await account(new Date(NOW.getTime() - minutesLate * 60_000), { platform: 'telegram' }));
      const round = new Map<string, number>();
      const claimRound = () => claimDueAccounts(database.db, { now: NOW, limit: 500, defaultSchedule: DEFAULT_SCHEDULE, log, claimedThisRound: round });

      expect(await claimedIn((await claimRound())!.id)).toEqual([due[0]!.id]);
      expect(await claimRound()).toBeUndefined();
      expect(await claimedIn((await claim())!.id)).toEqual([due[1]!.id]);
    });

    it('uses the default schedule for a stored schedule that is no longer valid, and logs a warning', async () => {
      const broken = await account(new Date(NOW.getTime() - HOUR_MS));
      await database.db.updateTable('accounts').set({ schedule: 'every tuesday' }).where('id', '=', broken.id).execute();
      const run = await claim();
      expect(await claimedIn(run!.id)).toEqual([broken.id]);
      expect(await nextScanOf(broken.id)).toEqual(new Date(NOW.getTime() + 24 * HOUR_MS));
      expect(lines.some((line) => line.level === 40 && line.account === `mastodon:${broken.handle}`)).toBe(true);
    });
  });
}

describe.skipIf(!inject('isPostgresAvailable'))('claimDueAccounts racing from two PostgreSQL pools', () => {
  const { log } = capturingLogger('warn');
  const OPTIONS = { dataDir: 'unused', poolMax: 4, connectTimeoutMs: 5_000, statementTimeoutMs: 30_000 };
  let testDatabase: TestDatabase;
  let first: Database;
  let second: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    first = await openDatabase({ ...OPTIONS, url: testDatabase.url }, log);
    second = await openDatabase({ ...OPTIONS, url: testDatabase.url }, log);
    await migrateToLatest(first.db, log);
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await testDatabase.drop();
  });

  it('never claims an account twice, and claims every due account', async () => {
    const accounts = new AccountsRepository(first.db);
    const runs = new ScanRunsRepository(first.db);
    for (let round = 0; round < 8; round += 1) {
      const due: string[] = [];
      for (let index = 0; index < 40; index += 1) {
        due.push((await accounts.create({ platform: 'mastodon', handle: `race-${round}-${index}`, kind: 'employee', schedule: '6h' })).id);
      }
      // A second ahead: the database keeps microseconds, a Date only milliseconds.
      const now = new Date(Date.now() + 1_000);
      // Two schedulers in two processes, each claiming small batches until nothing is left.
      const claimer = async (database: Database) => {
        const scans: string[] = [];
        for (;;) {
          const run = await claimDueAccounts(database.db, { now, limit: 3, defaultSchedule: DEFAULT_SCHEDULE, log });
          if (run === undefined) return scans;
          scans.push(run.id);
        }
      };
      const scans = (await Promise.all([claimer(first), claimer(second), claimer(first), claimer(second)])).flat();
      const claimed = [];
      for (const scan of scans) claimed.push(...(await runs.accountsOf(scan)).map((entry) => entry.account_id));
      expect(claimed.length, `round ${round}: accounts claimed more than once`).toBe(new Set(claimed).size);
      expect(claimed.sort(), `round ${round}`).toEqual(due.sort());
    }
  });
});
